"""steppe from Python: load a scenario, change it, run it or an ensemble of it, step it.

    >>> import steppe
    >>> scenario = steppe.load("scenarios/calibrated.yaml")
    >>> results = scenario.with_({"USA.air_link": "1@2030-01"}).run(members=1000)
    >>> results.outcomes.shape                  # members x outcomes, a NumPy array
    >>> results.to_pandas("outcomes")          # the frame outcomes.csv holds

The package is a thin face over the engine the `steppe` program runs: the same loader, the same
runs, the same numbers (docs/python.md). Bad input raises steppe.InputError, a ValueError that
carries the file, line, column and the message the command line prints.
"""
import functools
import json
import pathlib
import tempfile

from . import _steppe
from ._steppe import InputError

InputError.__module__ = __name__  # shown as steppe.InputError

__all__ = ["load", "describe_model", "models", "experiments", "sweep", "sweep_results", "analyze", "discover",
           "InputError", "Scenario", "Results", "Simulation"]

InputError.__doc__ = """Bad input: a scenario, a change or a name steppe cannot take.

A ValueError; str(error) is the line the command line prints ("file:line:column: error: ...").
Attributes: file, line, column (0 when unknown), key_path (where in the input, e.g.
"levers.USA.air_link"), message (the message alone)."""


def _pandas():
    """pandas when it is installed, else None: every frame has a dict-of-arrays fallback."""
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def _setting_text(value):
    """A setting's value as --set takes it: 1, 0.15, "0.15@2030-01..2030-06", or (0.15, "2030-01..2030-06")."""
    if isinstance(value, tuple):
        number, dates = value
        return f"{_setting_text(number)}@{dates}"
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def load(path, *, months=None, seed=None, stochastic=None):
    """Load and check a scenario file, as `steppe run` does; returns a Scenario.

    months, seed, stochastic: as --months, --seed and --stochastic/--deterministic.
    Raises InputError when the file is not a valid scenario."""
    return Scenario(_steppe.load(str(path), [], [], [], months, seed, stochastic))


def describe_model(name):
    """A registered model's declaration table (as `steppe describe MODEL --json`), as Scenario.describe gives it."""
    return _declaration_table(json.loads(_steppe.describe_model(name)))


def models():
    """The registered models: a list of dicts with name, version and help."""
    return json.loads(_steppe.models())


def _declaration_table(declaration):
    """One row per declared entry, its kind (role, variable, lever, derived, parameter, event_kind,
    random_event) in column `kind`, as a DataFrame when pandas is installed (the model's name,
    version, help and default outcomes in its attrs); the declaration's dict otherwise."""
    pandas = _pandas()
    if pandas is None:
        return declaration
    kinds = {"roles": "role", "variables": "variable", "levers": "lever", "derived": "derived",
             "parameters": "parameter", "event_kinds": "event_kind", "random_events": "random_event"}
    rows = [{"kind": kind, **entry} for key, kind in kinds.items() for entry in declaration.get(key, [])]
    about = {key: value for key, value in declaration.items() if key not in kinds}
    frame = pandas.DataFrame(rows)
    frame.attrs.update(about)
    return frame


class Scenario:
    """A scenario loaded and checked, with any changes made to it. Made by steppe.load and Scenario.with_.

    Attributes: file, title, description, model, start ("YYYY-MM"), months, seed, stochastic,
    content_hash, changes (as the command line titles them), actors, variables ("ACTOR.variable",
    internal bookkeeping left out), levers, outcomes, uncertainties."""

    def __init__(self, loaded):
        self._loaded = loaded
        self._info = loaded.info()

    def __getattr__(self, name):
        try:
            return self.__dict__["_info"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._info))

    def __repr__(self):
        changes = f" with {', '.join(self.changes)}" if self.changes else ""
        return f"<steppe.Scenario {self.file}{changes}: {self.model}, {self.months} months from {self.start}>"

    def with_(self, settings=None, /, *, jumps=(), events=(), **keyword_settings):
        """This scenario with settings changed, as --set, --jump and --event change it; a new Scenario.

        settings: a dict {"USA.air_link": 1, "CHN.direct_pressure": "0.15@2030-01..2030-06"}; a value
        may also be (value, "DATES"). Keyword arguments are settings too, with "__" for the dot:
        with_(USA__air_link=1). jumps: texts as --jump takes them ("CHN.threat_perception=+0.2@2027-03");
        events: texts as --event takes them ("leadership_turnover MNG 2029-06").
        Raises InputError for an unknown name or a value out of range."""
        merged = dict(settings or {})
        merged.update({name.replace("__", "."): value for name, value in keyword_settings.items()})
        sets = [f"{name}={_setting_text(value)}" for name, value in merged.items()]
        return Scenario(self._loaded.with_changes(sets, list(jumps), list(events)))

    def describe(self):
        """The model's declaration table: a DataFrame (a row per role, variable, lever, derived
        quantity, parameter and event, their kind in column `kind`) when pandas is installed, else
        the declaration as dicts (`steppe describe MODEL --json`)."""
        return _declaration_table(json.loads(self._loaded.declaration_json()))

    def run(self, months=None, members=1, threads=0, seed=None, *, keep_trajectories=False, all_bands=False,
            confirmed=False, progress=None):
        """Run the scenario once (members=1) or an ensemble of it, as `steppe run` does; returns Results.

        months, seed: as --months and --seed. threads: 0 for every core. keep_trajectories: an
        ensemble also keeps every member's trajectory. all_bands: bands of every variable, not only
        those charted. confirmed: run even when the memory estimate exceeds what is available (--yes).
        progress: called with the members done so far, a few times a second while an ensemble runs
        (an exception it raises stops the run and is raised here).
        The engine runs without the GIL; Ctrl-C stops an ensemble between blocks (KeyboardInterrupt)."""
        return Results(self._loaded.run(members, threads, months, seed, keep_trajectories, all_bands, confirmed,
                                        progress))

    def simulation(self, members=1):
        """A Simulation of `members` members at month 0, to step by hand as the wargame does."""
        return Simulation(self._loaded.simulation(members))


def _month_text(start, months):
    year, month = (int(part) for part in start.split("-"))
    total = year * 12 + (month - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


class Results:
    """What a run returns: NumPy arrays, and the frames the command line's CSV files hold.

    trajectories: months+1 x members x variables (a single run, or an ensemble with
        keep_trajectories; else None), variables naming the last axis ("ACTOR.variable").
    bands: an ensemble's months+1 x band_variables x statistics (the quantiles band_levels, then
        the mean); None for a single run.
    outcomes: members x outcome_names; a first crossing is a month index (NaN when never), its
        date in to_pandas. inputs: an ensemble's members x input_names (each member's draws).
    statistics: each outcome's distribution over an ensemble's members. warnings: variables that
    left their declared range, in words.
    to_pandas(): the tidy frames, equal to trajectories.csv, bands.csv and outcomes.csv."""

    def __init__(self, native):
        self._native = native

    # Read from the run when first asked for: a what-if run's results are made in microseconds.
    members = property(lambda self: self._native.members)
    trajectories = property(lambda self: self._native.trajectories)
    band_levels = property(lambda self: self._native.band_levels)
    outcome_names = property(lambda self: self._native.outcome_names)
    input_names = property(lambda self: self._native.input_names)
    statistics = property(lambda self: self._native.statistics)
    warnings = property(lambda self: self._native.warnings)
    seed = property(lambda self: self._native.seed)
    content_hash = property(lambda self: self._native.content_hash)

    @functools.cached_property
    def dates(self):
        return self._native.dates

    @functools.cached_property
    def variables(self):
        return [f"{actor}.{variable}" for actor, variable in self._native.variables]

    @functools.cached_property
    def band_variables(self):
        return [f"{actor}.{variable}" for actor, variable in self._native.band_variables]

    @functools.cached_property
    def bands(self):
        return self._native.bands

    @functools.cached_property
    def outcomes(self):
        return self._native.outcomes

    @functools.cached_property
    def inputs(self):
        return self._native.inputs

    def __repr__(self):
        kind = f"ensemble of {self.members} members" if self.members > 1 else "single run"
        return f"<steppe.Results {kind}, {len(self.dates) - 1} months from {self.dates[0]}>"

    def to_pandas(self, table=None):
        """The tidy frame of `table` ("trajectories", "bands" or "outcomes"), equal in content to the
        CSV file of that name `steppe run` writes; without `table`, a dict of those this run has.
        Without pandas, each frame is a dict of column arrays."""
        makers = {"trajectories": self._trajectories_columns, "bands": self._bands_columns,
                  "outcomes": self._outcomes_columns}
        if table is None:
            tables = [name for name in makers if name != "bands" or self.bands is not None]
            if self.trajectories is None:
                tables.remove("trajectories")
            return {name: self.to_pandas(name) for name in tables}
        if table not in makers:
            raise ValueError(f"unknown table {table!r}: trajectories, bands or outcomes")
        columns = makers[table]()
        pandas = _pandas()
        return columns if pandas is None else pandas.DataFrame(columns)

    def _trajectories_columns(self):
        import numpy
        if self.trajectories is None:
            raise ValueError("an ensemble keeps trajectories only with run(..., keep_trajectories=True)")
        months, members, variables = self.trajectories.shape
        actors = numpy.array([name.split(".", 1)[0] for name in self.variables], dtype=object)
        names = numpy.array([name.split(".", 1)[1] for name in self.variables], dtype=object)
        return {
            "date": numpy.repeat(numpy.array(self.dates, dtype=object), members * variables),
            "member": numpy.tile(numpy.repeat(numpy.arange(members, dtype=numpy.int64), variables), months),
            "actor": numpy.tile(actors, months * members),
            "variable": numpy.tile(names, months * members),
            "value": numpy.ascontiguousarray(self.trajectories).reshape(-1),
        }

    def _bands_columns(self):
        import numpy
        if self.bands is None:
            raise ValueError("a single run has no bands: run(..., members=N) for an ensemble")
        months, variables, statistics = self.bands.shape
        actors = numpy.array([name.split(".", 1)[0] for name in self.band_variables], dtype=object)
        names = numpy.array([name.split(".", 1)[1] for name in self.band_variables], dtype=object)
        kinds = numpy.array(["quantile"] * len(self.band_levels) + ["mean"], dtype=object)
        levels = numpy.array(list(self.band_levels) + [numpy.nan])
        return {
            "date": numpy.repeat(numpy.array(self.dates, dtype=object), variables * statistics),
            "actor": numpy.tile(numpy.repeat(actors, statistics), months),
            "variable": numpy.tile(numpy.repeat(names, statistics), months),
            "statistic": numpy.tile(kinds, months * variables),
            "quantile": numpy.tile(levels, months * variables),
            "value": self.bands.reshape(-1),
        }

    def _outcomes_columns(self):
        import numpy
        columns = {"member": numpy.arange(self.outcomes.shape[0], dtype=numpy.int64)}
        if self.inputs is not None:
            for index, name in enumerate(self.input_names):
                columns[name] = self.inputs[:, index]
        for index, (name, dated) in enumerate(zip(self.outcome_names, self._native.outcome_is_date)):
            values = self.outcomes[:, index]
            if dated:
                # As outcomes.csv writes a first crossing: its date, empty (NaN) when never.
                texts = numpy.array([numpy.nan if numpy.isnan(value) else _month_text(self.dates[0], round(value))
                                     for value in values], dtype=object)
                columns[name] = values if numpy.isnan(values).all() else texts
            else:
                columns[name] = values
        return columns


class Simulation:
    """A block of members stepped by hand, month by month, as the wargame steps one.

    step(months=1) advances; set_lever("USA.air_link", 1) holds a lever from the next step on over
    the scenario's own schedules and triggers, clear_lever gives it back. state: members x
    variables (a copy), variables naming its columns; levers: members x lever_names, the last
    step's settings; month, date, finished. Steps run without the GIL: use one Simulation from
    one thread at a time."""

    def __init__(self, native):
        self._native = native
        self.members = native.members
        self.variables = native.variables
        self.lever_names = native.lever_names

    def __repr__(self):
        return f"<steppe.Simulation of {self.members} members at {self.date} (month {self.month})>"

    def step(self, months=1):
        """Take `months` monthly steps (fewer at the horizon)."""
        self._native.step(months)

    def set_lever(self, name, value):
        """Hold lever `name` ("ACTOR.lever") at `value` for every member from the next step on.
        InputError for an unknown lever; ValueError for a value outside its declared range."""
        self._native.set_lever(name, float(value))

    def clear_lever(self, name):
        """Give lever `name` back to the scenario's schedules and triggers."""
        self._native.clear_lever(name)

    @property
    def state(self):
        return self._native.state

    @property
    def levers(self):
        return self._native.levers

    @property
    def month(self):
        return self._native.month

    @property
    def date(self):
        return self._native.date

    @property
    def finished(self):
        return self._native.finished


def sweep(file, *, database=None, resume=False, threads=0, progress=None):
    """Run a sweep file into its SQLite database, as `steppe sweep FILE` does (docs/sweeps.md).

    database: as --db (default: the file's own). resume: finish an interrupted sweep (--resume).
    progress: called with the runs done so far. Ctrl-C stops it keeping what was committed.
    Returns a dict: database, points, runs, already_done, ran."""
    return _steppe.sweep(str(file), None, str(database or ""), resume, threads, progress)


def analyze(database, *, outcomes=(), confidence=0.95, resamples=0, seed=1, threads=0):
    """The analysis a sweep's design declares (Sobol, Morris, the given-data measures or the
    robustness of policies): the document `steppe analyze DATABASE --json` prints, as dicts."""
    return json.loads(_steppe.analyze(str(database), list(outcomes), confidence, resamples, seed, threads))


def discover(source, where, *, inputs=(), box=None, peel_alpha=0.05, mass_min=0.05, resamples=10, seed=1):
    """PRIM scenario discovery on a sweep database or a CSV file: the document
    `steppe discover SOURCE --where CONDITION --json` prints (discover.json), as dicts
    (docs/discovery.md)."""
    return json.loads(_steppe.discover(str(source), where, list(inputs), -1 if box is None else box, peel_alpha,
                                       mass_min, resamples, seed))


def sweep_results(database, *, allow_unfinished=False):
    """A sweep database's runs as EMA Workbench's perform_experiments returns them:
    (experiments, outcomes). experiments has a row per run: each factor's value, then `scenario`
    (the design point, shared by every policy), `policy` (its name; "none" without policies),
    `replicate` and `run`, with the levers any policy sets before them (NaN where a policy leaves
    one as the scenario schedules it); a DataFrame when pandas is installed, else a dict of arrays. outcomes is
    a dict of outcome name -> array of one value per run (NaN when undefined)."""
    import numpy
    arrays = _steppe.sweep_arrays(str(database), allow_unfinished)
    run_point = numpy.asarray(arrays["run_point"], dtype=numpy.int64)
    point_policy = numpy.asarray(arrays["point_policy"], dtype=numpy.int64)
    point_base = numpy.asarray(arrays["point_base"], dtype=numpy.int64)
    columns = {name: arrays["values"][run_point, index] for index, name in enumerate(arrays["factors"])}
    policy_of_run = point_policy[run_point]
    names = numpy.array(list(arrays["policies"]) + ["none"], dtype=object)
    # Each policy's levers, as EMA's experiments carry them: NaN where a policy leaves one as scheduled.
    policy_levers = json.loads(arrays["policy_levers"] or "{}")
    for lever in dict.fromkeys(name for levers_set in policy_levers.values() for name in levers_set):
        values = numpy.array([policy_levers[name].get(lever, numpy.nan) for name in arrays["policies"]] + [numpy.nan])
        columns[lever] = values[policy_of_run]
    columns["scenario"] = numpy.where(policy_of_run >= 0, point_base[run_point], run_point)
    columns["policy"] = names[policy_of_run]  # -1, no policy: the last name, "none"
    runs = len(run_point)
    columns["replicate"] = numpy.arange(runs, dtype=numpy.int64) % arrays["replicates"]
    columns["run"] = numpy.arange(runs, dtype=numpy.int64)
    outcomes = {name: arrays["outcomes"][:, index] for index, name in enumerate(arrays["outcome_names"])}
    pandas = _pandas()
    return (columns if pandas is None else pandas.DataFrame(columns)), outcomes


# How a design takes its number of points (docs/sweeps.md, "Designs").
_POINTS_KEY = {"sobol": "samples", "sobol_sequence": "samples", "latin_hypercube": "samples",
               "monte_carlo": "samples", "morris": "trajectories", "grid": "levels"}


def _distribution(spec):
    """An uncertainty as a sweep file writes it: (low, high) is uniform; a dict is taken as written
    ({"normal": [mean, sd]}, {"values": [...]}, ...); a list is its values."""
    if isinstance(spec, tuple):
        low, high = spec
        return {"uniform": [low, high]}
    if isinstance(spec, list):
        return {"values": spec}
    return spec


def experiments(scenario, uncertainties=None, levers=None, policies=None, design="latin_hypercube", n=100,
                replicates=1, *, goals=None, threads=0, database=None, progress=None, **design_settings):
    """Experiments the EMA Workbench way: the scenario run at each point of a design over its
    uncertainties, under each policy; returns (experiments, outcomes) as perform_experiments does
    (see sweep_results), so that EMA's analysis code (prim, feature scoring) can take them.

    It is a steppe sweep (docs/sweeps.md), written as a sweep file and run as `steppe sweep` runs
    one, into a SQLite database: `database` keeps it (default: a temporary folder, removed after).
    scenario: a Scenario (its changes, months and seed carry over). uncertainties: {name: (low, high)
    or a distribution as a sweep file writes it}; levers: {lever: range} sampled as further
    factors; policies: {name: {lever: value}}, each run against the same design points and random
    draws; design: latin_hypercube, monte_carlo, sobol, sobol_sequence, morris or grid; n: its
    points (samples; morris: trajectories; grid: levels); replicates: runs per point, each with its
    own random stream; goals: {outcome: {better: higher|lower, threshold: x}} for robustness;
    further keyword arguments are the design's own keys (second_order=True, levels=4)."""
    factors = {name: _distribution(spec) for name, spec in {**(uncertainties or {}), **(levers or {})}.items()}
    settings = {"design": design, _POINTS_KEY.get(design, "samples"): n, "replicates": replicates,
                **design_settings}
    if policies:
        settings["policies"] = {name: dict(levers_set) for name, levers_set in policies.items()}
    if goals:
        settings["goals"] = goals
    with tempfile.TemporaryDirectory(prefix="steppe-experiments-") as folder:
        target = pathlib.Path(database).resolve() if database else pathlib.Path(folder) / "experiments.sqlite"
        settings["database"] = str(target)
        text = {"extends": str(pathlib.Path(scenario.file).resolve()), "sweep": settings}
        if factors:
            text["uncertainties"] = factors
        sweep_file = pathlib.Path(folder) / "experiments.yaml"
        sweep_file.write_text(json.dumps(text, indent=2))  # JSON is YAML
        _steppe.sweep(str(sweep_file), scenario._loaded, "", False, threads, progress)
        return sweep_results(target)
