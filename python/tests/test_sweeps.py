"""Sweeps, their analyses and discovery from Python give what the command line gives, and
experiments the EMA Workbench way are the runs of the equivalent sweep file."""
import json
import subprocess

import numpy
import pytest

import steppe
from conftest import STEPPE, read_csv


def steppe_cli(root, *arguments):
    return subprocess.run([str(STEPPE), *map(str, arguments)], cwd=root, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def policies_sweep(root, tmp_path):
    """examples/sweeps/policies.yaml run twice: by steppe.sweep into python.sqlite and by
    `steppe sweep` into cli.sqlite, with the CLI's export of its tables in csv/."""
    found = steppe.sweep(root / "examples/sweeps/policies.yaml", database=tmp_path / "python.sqlite", threads=2)
    steppe_cli(root, "sweep", "examples/sweeps/policies.yaml", "--db", tmp_path / "cli.sqlite", "--threads", 1)
    steppe_cli(root, "export", tmp_path / "cli.sqlite", "--csv", tmp_path / "csv", "--quiet")
    return found, tmp_path


def test_a_sweep_from_python_reports_its_runs(policies_sweep):
    found, folder = policies_sweep
    assert found == {"database": str(folder / "python.sqlite"), "points": 300, "runs": 900, "already_done": 0,
                     "ran": 900}


def test_sweep_results_are_the_exported_runs_and_design_of_the_clis_sweep(policies_sweep):
    _, folder = policies_sweep
    experiments, outcomes = steppe.sweep_results(folder / "python.sqlite")
    runs, design = read_csv(folder / "csv/runs.csv"), read_csv(folder / "csv/design.csv")
    assert len(experiments) == len(runs) == 900
    for name in outcomes:
        numpy.testing.assert_array_equal(outcomes[name], runs[name].to_numpy(dtype=float))
    at_run = design.set_index("point").loc[runs["point"]]
    for factor in ["CHN.k", "RUS.k", "CHN.theta", "CHN.fatigue", "framing_gain"]:
        numpy.testing.assert_array_equal(experiments[factor].to_numpy(), at_run[factor].to_numpy())
    assert list(experiments["policy"]) == list(at_run["policy"])
    assert list(experiments["scenario"]) == list(at_run["base"])
    assert list(experiments["replicate"]) == list(runs["replicate"])
    calibrated = experiments[experiments["policy"] == "calibrated"]
    assert (calibrated["USA.air_link"] == 1.0).all() and calibrated["USA.basing"].isna().all()


def test_analyze_gives_the_document_of_analyze_json(root, policies_sweep):
    _, folder = policies_sweep
    expected = json.loads(steppe_cli(root, "analyze", folder / "cli.sqlite", "--json", "--resamples", 50))
    assert steppe.analyze(folder / "python.sqlite", resamples=50) == expected


def test_analyze_of_a_sobol_sweep_gives_the_document_of_analyze_json(root, tmp_path):
    found = steppe.sweep(root / "examples/sweeps/sobol_g.yaml", database=tmp_path / "python.sqlite")
    steppe_cli(root, "sweep", "examples/sweeps/sobol_g.yaml", "--db", tmp_path / "cli.sqlite")
    expected = json.loads(steppe_cli(root, "analyze", tmp_path / "cli.sqlite", "--json", "--resamples", 100))
    assert steppe.analyze(found["database"], resamples=100) == expected


def test_discover_gives_the_document_of_discover_json(root, policies_sweep):
    _, folder = policies_sweep
    condition = "MNG.autonomy.final < 0.45"
    expected = json.loads(steppe_cli(root, "discover", folder / "cli.sqlite", "--where", condition, "--json",
                                     "--quiet", "--out", folder / "discovered"))
    found = steppe.discover(folder / "python.sqlite", condition)
    assert found["source"] == "python.sqlite: latin_hypercube design, 900 runs"
    found["source"] = found["source"].replace("python", "cli")
    assert found == expected


def test_experiments_are_the_runs_of_the_equivalent_sweep_file(root, policies_sweep):
    _, folder = policies_sweep
    expected_experiments, expected_outcomes = steppe.sweep_results(folder / "cli.sqlite")
    # The file's policies, as the experiments frame carries them (a lever per column, NaN where unset).
    levers = [column for column in expected_experiments if column.startswith("USA.")]
    policies = {}
    for name, rows in expected_experiments.groupby("policy", sort=False):
        policies[name] = {lever: value for lever, value in rows.iloc[0][levers].items() if value == value}
    assert list(policies) == ["status_quo", "calibrated", "maximalist"] and policies["status_quo"] == {}

    # examples/sweeps/policies.yaml: the baseline, stochastic, seed 11, these factors and design.
    scenario = steppe.load(root / "scenarios/baseline.yaml", stochastic=True, seed=11)
    experiments, outcomes = steppe.experiments(
        scenario,
        uncertainties={"CHN.k": (0.12, 0.30), "RUS.k": (0.08, 0.22), "CHN.theta": (1.4, 2.6),
                       "CHN.fatigue": (0.06, 0.14), "framing_gain": (1.0, 3.0)},
        policies=policies, design="latin_hypercube", n=100, replicates=3)
    assert list(experiments.columns) == list(expected_experiments.columns)
    for column in experiments:
        numpy.testing.assert_array_equal(experiments[column].to_numpy(), expected_experiments[column].to_numpy())
    assert outcomes.keys() == expected_outcomes.keys()
    for name in outcomes:
        assert outcomes[name].shape == (900,)
        numpy.testing.assert_array_equal(outcomes[name], expected_outcomes[name])


def test_experiments_with_levers_sample_them_as_factors_and_keep_the_database_when_asked(root, tmp_path):
    scenario = steppe.load(root / "scenarios/baseline.yaml").with_({"USA.air_link": 1})
    experiments, outcomes = steppe.experiments(scenario, levers={"USA.pme": (0.0, 1.0)}, design="monte_carlo", n=16,
                                               database=tmp_path / "kept.sqlite")
    assert experiments["USA.pme"].between(0, 1).all() and experiments["USA.pme"].nunique() == 16
    assert (tmp_path / "kept.sqlite").exists()
    assert len(outcomes["MNG.autonomy.final"]) == 16


def test_a_bad_uncertainty_raises_input_error(root):
    scenario = steppe.load(root / "scenarios/baseline.yaml")
    with pytest.raises(steppe.InputError, match="CHN.kk"):
        steppe.experiments(scenario, uncertainties={"CHN.kk": (0.1, 0.2)}, n=4)


def test_a_sweep_stopped_from_python_keeps_its_runs_and_resume_finishes_it_as_one_run_whole(root, tmp_path):
    sweep_file = tmp_path / "many.yaml"
    sweep_file.write_text(f"extends: {root / 'scenarios/calibrated.yaml'}\n"
                          "uncertainties: {CHN.k: {uniform: [0.12, 0.30]}}\n"
                          "sweep: {design: monte_carlo, samples: 150000, database: many.sqlite}\n")

    class Stop(Exception):
        pass

    def stop(done):
        raise Stop(done)

    with pytest.raises(Stop):
        steppe.sweep(sweep_file, threads=1, progress=stop)
    resumed = steppe.sweep(sweep_file, resume=True)
    assert 0 < resumed["already_done"] < 150000 and resumed["already_done"] + resumed["ran"] == 150000
    whole = steppe.sweep(sweep_file, database=tmp_path / "whole.sqlite")
    assert whole["ran"] == 150000
    _, resumed_outcomes = steppe.sweep_results(tmp_path / "many.sqlite")
    _, whole_outcomes = steppe.sweep_results(tmp_path / "whole.sqlite")
    for name in whole_outcomes:
        numpy.testing.assert_array_equal(resumed_outcomes[name], whole_outcomes[name])
