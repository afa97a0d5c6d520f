"""Runs from Python give the numbers `steppe run` writes: each frame of to_pandas() equals the
CSV file of its name, read back by pandas, and the arrays are those frames' values."""
import gc
import signal
import threading

import numpy
import pytest

import steppe
from conftest import assert_same_table


def test_a_single_run_with_a_dated_setting_gives_the_trajectories_csv_of_steppe_run(root, cli):
    scenario = steppe.load(root / "scenarios/calibrated.yaml").with_({"USA.air_link": "1@2030-01"})
    results = scenario.run()
    out = cli("run", "scenarios/calibrated.yaml", "--set", "USA.air_link=1@2030-01")
    assert_same_table(results.to_pandas("trajectories"), out / "trajectories.csv")
    assert results.trajectories.shape == (121, 1, len(scenario.variables))
    assert list(results.to_pandas()) == ["trajectories", "outcomes"]


def test_months_and_seed_of_run_are_those_of_the_command_line_flags(root, cli):
    results = steppe.load(root / "scenarios/coercion_shock.yaml", stochastic=True).run(months=30, seed=5)
    out = cli("run", "scenarios/coercion_shock.yaml", "--stochastic", "--months", "30", "--seed", "5")
    assert_same_table(results.to_pandas("trajectories"), out / "trajectories.csv")
    assert results.dates[-1] == "2027-07" and results.seed == 5


def test_an_ensemble_with_uncertainties_gives_the_bands_outcomes_and_trajectories_csv_of_steppe_run(root, cli):
    results = steppe.load(root / "examples/sweeps/policies.yaml").run(members=300, threads=2, keep_trajectories=True)
    out = cli("run", "examples/sweeps/policies.yaml", "--members", "300", "--threads", "1", "--keep-trajectories")
    for table in ("bands", "outcomes", "trajectories"):
        assert_same_table(results.to_pandas(table), out / f"{table}.csv")
    assert results.inputs.shape == (300, 5) and results.input_names[0] == "CHN.k"
    assert results.trajectories.shape == (121, 300, len(results.variables))


def test_first_crossings_are_dates_in_the_outcomes_frame_as_in_outcomes_csv(root, cli):
    results = steppe.load(root / "scenarios/affront_2016.yaml", stochastic=True).run(members=200, seed=3)
    out = cli("run", "scenarios/affront_2016.yaml", "--stochastic", "--members", "200", "--seed", "3")
    frame = results.to_pandas("outcomes")
    assert_same_table(frame, out / "outcomes.csv")
    crossing = "MNG.concession.first_above(0.5)"
    assert frame[crossing].notna().any(), "the test needs members that cross"
    column = results.outcome_names.index(crossing)
    month = results.outcomes[:, column]
    crossed = ~numpy.isnan(month)
    assert list(frame[crossing][crossed]) == [results.dates[int(m)] for m in month[crossed]]


def test_statistics_are_the_outcome_distribution_of_the_members(root):
    results = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True).run(members=500)
    for index, row in enumerate(results.statistics):
        values = results.outcomes[:, index]
        assert row["outcome"] == results.outcome_names[index]
        assert row["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert row["median"] == pytest.approx(numpy.quantile(values, 0.5), rel=1e-12)
        assert row["q05"] == pytest.approx(numpy.quantile(values, 0.05), rel=1e-12)


def test_an_ensembles_outcomes_are_a_view_of_the_engines_table_that_outlives_the_results(root):
    results = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True).run(members=1000)
    outcomes, inputs = results.outcomes, results.inputs
    assert not outcomes.flags.owndata and outcomes.flags.f_contiguous
    expected = outcomes.copy()
    del results
    gc.collect()
    numpy.testing.assert_array_equal(outcomes, expected)
    assert inputs.shape == (1000, 0)


def test_results_do_not_depend_on_threads(root):
    scenario = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True)
    one, two = scenario.run(members=700, threads=1), scenario.run(members=700, threads=2)
    numpy.testing.assert_array_equal(one.outcomes, two.outcomes)
    numpy.testing.assert_array_equal(one.bands, two.bands)


def test_progress_is_called_and_what_it_raises_stops_the_run(root):
    scenario = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True)
    seen = []
    scenario.run(members=3000, threads=1, progress=seen.append)
    assert seen[-1] == 3000 and seen == sorted(seen)

    class Stop(Exception):
        pass

    def stop(done):
        raise Stop(done)

    with pytest.raises(Stop):
        scenario.run(members=200_000, threads=1, progress=stop)


def test_other_python_threads_run_while_an_ensemble_runs(root):
    scenario = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True)
    members = 400_000
    started, other_thread_done = threading.Event(), threading.Event()
    seen_while_running = []

    def progress(done):
        started.set()
        if other_thread_done.is_set() and done < members:
            seen_while_running.append(done)
            raise StopIteration  # enough: stop the run

    def other_work():
        started.wait()
        sum(range(2_000_000))  # Python code, which needs the GIL the engine must not hold
        other_thread_done.set()

    other = threading.Thread(target=other_work)
    other.start()
    with pytest.raises(StopIteration):
        scenario.run(members=members, threads=1, progress=progress)
    other.join()
    assert seen_while_running, "the other thread finished only after the run"


def test_ctrl_c_interrupts_an_ensemble_with_keyboard_interrupt(root):
    scenario = steppe.load(root / "scenarios/calibrated.yaml", stochastic=True)
    calls = []

    def press_ctrl_c(done):
        calls.append(done)
        signal.raise_signal(signal.SIGINT)  # Python's handler only notes it; the run must see it

    with pytest.raises(KeyboardInterrupt):
        scenario.run(members=200_000, threads=1, progress=press_ctrl_c)
    assert len(calls) == 1
    assert scenario.run(members=50).members == 50  # the engine is usable afterwards


def test_a_frame_table_that_a_run_lacks_is_refused_with_what_to_do(root):
    single = steppe.load(root / "scenarios/calibrated.yaml").run()
    with pytest.raises(ValueError, match="ensemble"):
        single.to_pandas("bands")
    ensemble = steppe.load(root / "scenarios/calibrated.yaml").run(members=20)
    with pytest.raises(ValueError, match="keep_trajectories"):
        ensemble.to_pandas("trajectories")
    assert list(ensemble.to_pandas()) == ["bands", "outcomes"]


def test_a_run_uses_the_scenario_as_loaded_and_other_months_or_seed_read_its_files_again(root, tmp_path):
    file = tmp_path / "scenario.yaml"
    file.write_text(f"extends: {root / 'scenarios/baseline.yaml'}\n")
    scenario = steppe.load(file)
    file.write_text("not: a scenario\n")
    assert scenario.run().trajectories.shape[0] == 121  # what was loaded
    with pytest.raises(steppe.InputError):
        scenario.run(months=12)  # read again, as --months reads it


def test_kept_trajectories_are_not_refused_for_the_size_of_a_file_python_does_not_write(root):
    # `steppe run` refuses these without --yes: their trajectories.csv would take about 1.1 GB.
    results = steppe.load(root / "scenarios/calibrated.yaml").run(members=240_000, months=1, keep_trajectories=True)
    assert results.trajectories.shape == (2, 240_000, len(results.variables))


def test_an_ensemble_draws_random_events_by_default_as_steppe_run_does(root, cli):
    # `steppe run --members N` is stochastic unless told --deterministic; so is run(members=N) on a
    # scenario loaded without stochastic=, and stochastic=False is --deterministic.
    drawn = steppe.load(root / "scenarios/calibrated.yaml").run(members=64, months=24)
    out = cli("run", "scenarios/calibrated.yaml", "--members", "64", "--months", "24")
    assert_same_table(drawn.to_pandas("outcomes"), out / "outcomes.csv")
    assert numpy.ptp(drawn.outcomes[:, 0]) > 0
    fixed = steppe.load(root / "scenarios/calibrated.yaml", stochastic=False).run(members=64, months=24)
    out = cli("run", "scenarios/calibrated.yaml", "--members", "64", "--months", "24", "--deterministic")
    assert_same_table(fixed.to_pandas("outcomes"), out / "outcomes.csv")
    assert numpy.ptp(fixed.outcomes[:, 0]) == 0
