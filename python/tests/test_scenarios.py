"""Scenarios from Python: loading, changes, the declaration table, errors that carry what the
command line prints, and stepping by hand as the wargame steps."""
import json
import subprocess

import numpy
import pytest

import steppe
from conftest import STEPPE


@pytest.fixture(autouse=True)
def in_source_tree(root, monkeypatch):
    monkeypatch.chdir(root)


def cli_error(root, *arguments):
    """What `steppe` prints on stderr for bad input (it must exit 2, an input error)."""
    done = subprocess.run([str(STEPPE), *arguments], cwd=root, capture_output=True, text=True)
    assert done.returncode == 2
    return done.stderr.rstrip("\n")


def test_a_typo_in_a_scenario_raises_input_error_with_file_line_column_and_the_clis_message(root):
    with pytest.raises(steppe.InputError) as raised:
        steppe.load("docs/examples/typo.yaml")  # relative to the working folder, as on the command line
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.file, error.line, error.column) == ("docs/examples/typo.yaml", 4, 3)
    assert error.key_path == "levers.USA.air_lnik"
    assert error.message == "unknown lever 'USA.air_lnik', did you mean 'USA.air_link'?"
    assert str(error) == cli_error(root, "run", "docs/examples/typo.yaml")


def test_a_mistyped_setting_raises_the_error_of_the_same_set_flag(root):
    with pytest.raises(steppe.InputError) as raised:
        steppe.load("scenarios/calibrated.yaml").with_({"USA.air_lnk": 1})
    assert str(raised.value) == cli_error(root, "run", "scenarios/calibrated.yaml", "--set", "USA.air_lnk=1")
    assert "did you mean 'USA.air_link'" in raised.value.message


def test_a_missing_file_raises_input_error_naming_it(root):
    with pytest.raises(steppe.InputError) as raised:
        steppe.load("nothere.yaml")
    assert raised.value.file == "nothere.yaml"
    assert str(raised.value) == cli_error(root, "run", "nothere.yaml")


def test_settings_as_a_dict_as_keywords_and_with_dates_are_the_set_flags_changes():
    base = steppe.load("scenarios/baseline.yaml")
    as_dict = base.with_({"USA.air_link": 1, "CHN.direct_pressure": (0.15, "2030-01..2030-06")})
    as_keywords = base.with_(USA__air_link=1, CHN__direct_pressure="0.15@2030-01..2030-06")
    assert as_dict.content_hash == as_keywords.content_hash != base.content_hash
    assert as_dict.changes == ["USA.air_link=1", "CHN.direct_pressure=0.15@2030-01..2030-06"]
    assert base.changes == []  # with_ makes a new scenario
    jumped = base.with_(jumps=["CHN.threat_perception=+0.5@2027-03"], events=["leadership_turnover MNG 2029-06"])
    assert len(jumped.changes) == 2


def test_load_takes_months_seed_and_stochastic_as_the_flags_do():
    scenario = steppe.load("scenarios/baseline.yaml", months=24, seed=9, stochastic=True)
    assert (scenario.months, scenario.seed, scenario.stochastic) == (24, 9, True)
    assert "MNG.autonomy" in scenario.variables and "USA.air_link" in scenario.levers


def test_describe_is_the_declaration_table_of_describe_json_one_row_per_entry(root):
    declaration = json.loads(subprocess.run([str(STEPPE), "describe", "third_neighbor", "--json"], cwd=root,
                                            capture_output=True, text=True, check=True).stdout)
    table = steppe.load("scenarios/calibrated.yaml").describe()
    counts = table["kind"].value_counts()
    for kind, key in [("role", "roles"), ("variable", "variables"), ("lever", "levers"), ("parameter", "parameters")]:
        assert counts[kind] == len(declaration[key])
    air_link = table[(table["kind"] == "lever") & (table["name"] == "air_link")].iloc[0]
    assert (air_link["min"], air_link["max"], air_link["role"]) == (0.0, 1.0, "partner")
    assert table.attrs["name"] == "third_neighbor"


def test_describe_without_pandas_is_the_declaration_as_dicts(root, monkeypatch):
    monkeypatch.setattr(steppe, "_pandas", lambda: None)
    declaration = steppe.load("scenarios/calibrated.yaml").describe()
    assert declaration["name"] == "third_neighbor" and isinstance(declaration["levers"], list)
    frame = steppe.load("scenarios/calibrated.yaml").run().to_pandas("trajectories")
    assert set(frame) == {"date", "member", "actor", "variable", "value"}


def test_stepping_to_the_horizon_with_a_lever_held_from_2030_is_the_run_with_it_set_from_2030():
    scenario = steppe.load("scenarios/baseline.yaml")
    expected = scenario.with_({"USA.air_link": "1@2030-01"}).run().trajectories[:, 0, :]
    simulation = scenario.simulation(members=3)
    states = [simulation.state]
    while simulation.date != "2030-01":
        simulation.step()
        states.append(simulation.state)
    simulation.set_lever("USA.air_link", 1)
    while not simulation.finished:
        simulation.step()
        states.append(simulation.state)
    states = numpy.array(states)  # months x members x variables
    assert states.shape == (121, 3, len(scenario.variables)) and simulation.variables == scenario.variables
    for member in range(3):
        numpy.testing.assert_array_equal(states[:, member, :], expected)
    assert (simulation.levers[:, simulation.lever_names.index("USA.air_link")] == 1).all()


def test_a_cleared_lever_goes_back_to_the_scenarios_schedule():
    scenario = steppe.load("scenarios/baseline.yaml")
    simulation = scenario.simulation()
    column = simulation.lever_names.index("USA.air_link")
    scheduled = simulation.levers[0, column]
    simulation.set_lever("USA.air_link", 1 - scheduled)
    simulation.step()
    assert simulation.levers[0, column] == 1 - scheduled
    simulation.clear_lever("USA.air_link")
    simulation.step()
    assert simulation.levers[0, column] == scheduled


def test_a_lever_that_is_unknown_or_out_of_range_raises_input_error():
    simulation = steppe.load("scenarios/baseline.yaml").simulation()
    with pytest.raises(steppe.InputError, match="did you mean 'USA.air_link'"):
        simulation.set_lever("USA.air_lnk", 1)
    with pytest.raises(steppe.InputError, match=r"outside the lever's range \[0, 1\]"):
        simulation.set_lever("USA.air_link", 2)
    with pytest.raises(steppe.InputError):
        steppe.load("scenarios/baseline.yaml").simulation(members=0)


def test_the_models_and_a_models_table_are_those_steppe_describe_lists(root):
    listed = json.loads(subprocess.run([str(STEPPE), "describe", "--json"], cwd=root, capture_output=True,
                                       text=True, check=True).stdout)
    assert steppe.models() == listed
    assert len(steppe.describe_model("third_neighbor")) == len(steppe.load("scenarios/calibrated.yaml").describe())
    with pytest.raises(steppe.InputError, match="did you mean 'third_neighbor'"):
        steppe.describe_model("third_neighbour")
