#!/usr/bin/python3
"""A NumPy reference of the flagship model, the yardstick for the whole `steppe run` process.

Issue 20 asks that `steppe run scenarios/calibrated.yaml --members 100000 --threads 1` run at
least 10x faster than "a fair NumPy version of the v1 step, vectorized over members". This is
that version: the third_neighbor step of docs/model.md §3 and §7, ported from
tools/bench/reference_loop.cpp, written the way a competent NumPy user would write it: float64,
one array of shape (members,) per state variable (the 19 realized levers are the rows of one
(19, members) array so that their weighted sums are one einsum), loops over months, levers,
neighbors and routes only, never over members.

Like reference_loop.cpp it is written for the flagship's shape and the calibrated scenario
(scenarios/calibrated.yaml): one partner (USA), two neighbors (CHN, RUS), the flagship network's
four routes, the calibrated lever set, focal and neighbor levers at their defaults, and the
events of baseline.yaml (turnover at months 29 and 41, US elections at 46 and 94) hard-coded
rather than read from the YAML. The run is stochastic as an ensemble of steppe's is: turnover
sizes, attention dents and a crisis draw every month, from NumPy's Generator (PCG64); the
streams are not steppe's, so single members differ, but the distributions are the same.

What it computes besides the stepping is what `steppe run --members N` reduces to:
- the scenario's default outcomes per member (A final and mean, peak coercion per neighbor,
  tension final, crisis months, dependence per neighbor final, trust final) and their mean, sd
  and quantiles (summary.json);
- every month's 5/25/50/75/95% quantiles (np.quantile, exact) and mean of the charted variables
  (autonomy, coercion per neighbor, trust, tension), or with --bands all of all 39 state
  variables as steppe's bands.csv holds them.
The quantiles are exact by default; --quantiles histogram makes them as steppe does, from
1024-bin histograms (within one bin width of the exact ones). It writes files (outcomes.csv,
bands.csv, summary.json) only with --out, so by default the NumPy job does less than steppe's,
which also writes them and draws chart.svg.

Usage:
  numpy_reference.py [--members N] [--months M] [--seed S] [--bands charted|all]
                     [--quantiles exact|histogram] [--out DIR]
      times the run and prints stepping, reductions and total wall time and member-steps/s;
  numpy_reference.py --check
      runs one member deterministically with every band (so the bands' means are its values)
      and compares with the calibrated golden checkpoints (docs/model.md §8, as
      reference_loop.cpp's check()) and with the outcomes and the start and end of all 39 state
      variables in tests/golden/calibrated.json, to 1e-9; then, a sanity check of the random events, runs the
      stochastic ensemble of tests/golden/calibrated.ensemble.json (10,000 members) and wants its
      outcome means within four standard errors and sds within 25% of the golden's. Exit 0 when
      all match, 1 naming the first mismatch.
"""
import time

started = time.perf_counter()  # before NumPy's import, which the whole process pays too

import argparse
import json
import os
import sys

try:
    import numpy as np
except ImportError:
    # 77: CTest's "skipped" (tests/CMakeLists.txt), where NumPy is not installed.
    print("numpy_reference: NumPy is not installed (Debian: apt-get install python3-numpy); skipped", file=sys.stderr)
    sys.exit(77)

# The partner levers (docs/model.md §2.3): name, domain, visibility, lag in months, needs
# access, status quo, calibrated setting (§1.3).
LEVERS = [
    ("pme", "defense", 0.05, 12, False, 0.5, 0.8),
    ("peacekeeping_support", "defense", 0.05, 6, True, 0.5, 0.8),
    ("khaan_quest", "defense", 0.15, 6, True, 0.6, 0.8),
    ("exercise_observer", "defense", 0.10, 6, False, 0.2, 0.5),
    ("equipment_transfer", "defense", 0.25, 12, True, 0.3, 0.4),
    ("domain_awareness", "defense", 0.45, 6, False, 0.1, 0.2),
    ("development_finance", "economic", 0.10, 18, False, 0.3, 0.6),
    ("minerals_partnership", "economic", 0.30, 24, True, 0.2, 0.5),
    ("commercial_diplomacy", "economic", 0.05, 6, False, 0.3, 0.6),
    ("air_link", "economic", 0.10, 12, False, 0.0, 1.0),
    ("education_exchange", "education", 0.02, 12, False, 0.5, 0.8),
    ("governance_support", "education", 0.05, 12, False, 0.5, 0.6),
    ("strategic_dialogue", "diplomatic", 0.10, 6, False, 0.5, 0.9),
    ("high_level_visits", "diplomatic", 0.20, 1, False, 0.3, 0.4),
    ("quad_plus", "multilateral", 0.20, 6, False, 0.1, 0.3),
    ("convening_support", "multilateral", 0.10, 6, False, 0.2, 0.4),
    ("basing", "counter", 1.50, 24, True, 0.0, 0.0),
    ("formal_alliance", "counter", 2.00, 12, False, 0.0, 0.0),
    ("new_task_forces", "counter", 0.20, 6, False, 0.0, 0.0),
]
LEVER = {name: index for index, (name, *_rest) in enumerate(LEVERS)}
VISIBILITY = np.array([lever[2] for lever in LEVERS])
INVERSE_LAG = np.array([1.0 / lever[3] for lever in LEVERS])[:, None]
NEEDS_ACCESS = [index for index, lever in enumerate(LEVERS) if lever[4]]
# "defense levers and any lever with vis >= 0.2" are lowered when the focal state concedes.
PROFILED = [index for index, lever in enumerate(LEVERS) if lever[1] == "defense" or lever[2] >= 0.2]
STATUS_QUO = np.array([lever[5] for lever in LEVERS])
SETTING = np.array([lever[6] for lever in LEVERS])
# The step's weighted sums over levers, one row of weights each, taken together in one einsum:
# visibility (V), the mean over the 16 non-counter levers (Ē), def_p and the diversifying effort.
MEAN_WEIGHTS = np.array([0.0 if lever[1] == "counter" else 1.0 / 16 for lever in LEVERS])
DEFENSE_WEIGHTS = np.zeros(len(LEVERS))
for name, weight in [("pme", 0.3), ("peacekeeping_support", 0.2), ("khaan_quest", 0.2), ("exercise_observer", 0.1),
                     ("equipment_transfer", 0.1), ("domain_awareness", 0.1)]:
    DEFENSE_WEIGHTS[LEVER[name]] = weight
DIVERSIFYING_WEIGHTS = np.zeros(len(LEVERS))
for name, weight in [("development_finance", 0.3), ("minerals_partnership", 0.3), ("commercial_diplomacy", 0.2),
                     ("air_link", 0.2)]:
    DIVERSIFYING_WEIGHTS[LEVER[name]] = weight
LEVER_SUMS = np.vstack([VISIBILITY, MEAN_WEIGHTS, DEFENSE_WEIGHTS, DIVERSIFYING_WEIGHTS])

# The calibrated scenario's other levers: partner framing, focal and neighbor defaults (§2.3).
FRAMING, OUTREACH, DEPLOYMENTS, BALANCED_DIPLOMACY, THRESHOLD = 0.0, 0.6, 0.7, 0.7, 0.15
HAWKISHNESS, INDUCEMENTS, DIRECT_PRESSURE = (0.5, 0.5), (0.5, 0.3), (0.0, 0.0)
# Per neighbor (CHN, RUS), §7.2.
NEIGHBORS = ("CHN", "RUS")
THETA, STEEP, REACTION, FATIGUE, GRIEVANCE = (2.0, 2.4), (2.5, 2.0), (0.20, 0.15), (0.10, 0.10), (0.010, 0.008)
D_FLOOR, D_MAX, AIR_FLOOR = (0.45, 0.22), (0.80, 0.45), (0.03, 0.03)
# k_n·(0.5 + h_n), each neighbor's coercive reaction to its threat perception.
REACTION_GAIN = tuple(REACTION[n] * (0.5 + HAWKISHNESS[n]) for n in range(2))
INITIAL_COERCION, INITIAL_DEPENDENCE = (0.12, 0.10), (0.585, 0.34)
# The flagship network's routes USA -> transit -> MNG (§7.3): base availability of the first edge,
# its gating lever, its sensitivity to each neighbor's coercion (CHN, RUS); kappa 0.8.
ROUTES = [(0.9, None, (0.0, 1.0)), (0.9, None, (1.0, 0.0)), (0.6, None, (1.0, 0.0)), (0.8, "air_link", (0.3, 0.3))]
KAPPA = 0.8
# Scheduled events (baseline.yaml): months of focal leadership turnover and of US elections.
TURNOVER_MONTHS, ELECTION_MONTHS = (29, 41), (46, 94)

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
CHARTED = ("MNG.autonomy", "CHN.coercion", "RUS.coercion", "USA.trust", "system.tension")
OUTCOMES = ("MNG.autonomy.final", "MNG.autonomy.mean", "CHN.coercion.max", "RUS.coercion.max",
            "system.tension.final", "system.crisis.sum", "MNG.dependence.CHN.final", "MNG.dependence.RUS.final",
            "USA.trust.final")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def clip(x):
    return np.clip(x, 0.0, 1.0, out=x)


class Members:
    """The state of every member, one array per variable (docs/model.md §2.2), at month 0."""

    def __init__(self, count):
        def filled(value):
            return np.full(count, value)

        self.e = np.repeat(STATUS_QUO[:, None], count, axis=1)  # realized engagement, one row per lever
        self.A, self.I, self.S, self.R, self.K = filled(0.5), filled(0.55), filled(0.65), filled(0.55), filled(0.0)
        self.X, self.T, self.H, self.Q = filled(0.05), filled(0.5), filled(0.45), filled(0.55)
        self.M = filled(MEAN_WEIGHTS @ STATUS_QUO)
        self.attention, self.months_left = filled(1.0), filled(0.0)
        self.C = [filled(c) for c in INITIAL_COERCION]
        self.D = [filled(d) for d in INITIAL_DEPENDENCE]
        visible = VISIBILITY @ STATUS_QUO * (1 + 2 * FRAMING)
        # P_n starts at its target; concession starts at 0.
        self.P = [filled(sigmoid(STEEP[n] * (visible - THETA[n])) * (1 - 0.5 * BALANCED_DIPLOMACY)) for n in range(2)]
        self.crisis = filled(0.0)
        # The access recorded for a month is the one its step used; month 0's, the initial state's.
        self.recorded_access = self.access()

    def access(self):
        """access_USA (docs/model.md §7.3) under the current coercion and air link."""
        blocked = 1.0
        for base, gate, sensitivity in ROUTES:
            route = base * (1 - KAPPA * sensitivity[0] * self.C[0]) * (1 - KAPPA * sensitivity[1] * self.C[1])
            if gate is not None:
                route = route * self.e[LEVER[gate]]
            blocked = blocked * (1 - route)
        return 1 - blocked

    def diversification(self):
        """1 - HHI of (D_CHN, D_RUS, 1 - their sum), the model's diversification index."""
        rest = 1 - self.D[0] - self.D[1]
        return 1 - (self.D[0] ** 2 + self.D[1] ** 2 + rest ** 2)

    def variables(self, which):
        """The named state variables as rows of one array (for the month's quantiles)."""
        if which == "charted":
            return np.stack([self.A, self.C[0], self.C[1], self.T, self.X])
        return np.stack([*self.e, self.A, *self.D, self.I, self.S, self.R, self.K, self.diversification(), self.T,
                         self.M, self.H, self.Q, self.attention, self.recorded_access, *self.P, *self.C, self.X,
                         self.crisis])


def variable_names(which):
    if which == "charted":
        return CHARTED
    return ([f"USA.engagement.{lever[0]}" for lever in LEVERS] +
            ["MNG.autonomy", "MNG.dependence.CHN", "MNG.dependence.RUS", "MNG.institutional_capacity",
             "MNG.standing", "MNG.resilience", "MNG.concession", "MNG.diversification", "USA.trust", "USA.expectation",
             "USA.elite_network", "USA.institutionalization", "USA.attention", "USA.access",
             "CHN.threat_perception", "RUS.threat_perception", "CHN.coercion", "RUS.coercion", "system.tension",
             "system.crisis"])


def apply_events(s, month, rng):
    """docs/model.md §7.8, phase 2 of `month`; `rng` None is the deterministic run (no crises)."""
    if month in TURNOVER_MONTHS:
        size = 0.3 * (2 * rng.random(s.A.size) if rng is not None else 1.0)
        hit = clip(size * (1 - s.Q) * (1 - s.H))
        s.e *= 1 - hit
        s.T *= 1 - hit
    if month in ELECTION_MONTHS:
        u = rng.random(s.A.size) if rng is not None else 0.5
        s.attention = 1 - 0.3 * 2 * u * (1 - s.H)
        s.months_left = np.full(s.A.size, 12.0)
    if rng is None:
        return
    # X as it stands before this month's crisis.
    s.crisis = (rng.random(s.A.size) < 0.002 + 0.03 * sigmoid(10 * (s.X - 0.5))).astype(np.float64)
    for n in range(2):
        s.C[n] = np.minimum(1.0, s.C[n] + 0.15 * s.crisis)
    s.X = np.minimum(1.0, s.X + 0.2 * s.crisis)


def advance(s):
    """docs/model.md §7.4-7.6, phases 3-5: every right-hand side reads the state at the start of the step."""
    e, A, I, S, R, K, X, T, M, H, Q = s.e, s.A, s.I, s.S, s.R, s.K, s.X, s.T, s.M, s.H, s.Q
    P, C, D = s.P, s.C, s.D
    effectiveness = T * (0.5 + 0.5 * Q) * (1 - 0.5 * e[LEVER["new_task_forces"]])
    visible, mean, defense, diversifying = np.einsum("kl,lm->km", LEVER_SUMS, e)
    V = visible * (1 + 2 * FRAMING)
    pressure = (C[0] * D[0] + C[1] * D[1]) * (1 - 0.5 * R)
    diversification = (1 - D[0] - D[1]) / (1 - D_FLOOR[0] - D_FLOOR[1])
    support = np.minimum(1.0, effectiveness * mean / 0.5)
    overreach = 0.5 * (e[LEVER["formal_alliance"]] + e[LEVER["basing"]]) + 0.1 * np.maximum(0.0, V - 3)
    drivers = 0.3 * diversification + 0.2 * I + 0.1 * S + 0.1 * R + 0.3 * support
    profile = 1 - 0.5 * K

    # e += (target - e)/τ, computed in place in the target's array: temporaries of (levers,
    # members) cost NumPy more than the arithmetic, and so do fancy-indexed rows.
    step = SETTING[:, None] * s.attention
    access = s.recorded_access = s.access()
    for lever in NEEDS_ACCESS:
        step[lever] *= access
    for lever in PROFILED:
        step[lever] *= profile
    step -= e
    step *= INVERSE_LAG
    step += e
    s.e = clip(step)

    s.H = clip(H + 0.006 * e[LEVER["education_exchange"]] * (1 - H) - 0.003 * H)
    dialogue = 0.7 * e[LEVER["strategic_dialogue"]] + 0.3 * e[LEVER["high_level_visits"]]
    s.Q = clip(Q + 0.03 * dialogue * (1 - Q) - 0.01 * Q)
    s.M = M + (mean - M) / 12
    s.T = clip(T + 0.04 * (np.minimum(1.0, np.minimum(mean, M) / 0.5) - T) - 0.6 * np.maximum(0.0, M - mean) * T)
    # Attention counts down: a window that runs out this month returns the partner to full attention.
    now_left = np.maximum(0.0, s.months_left - 1)
    s.attention = np.where((s.months_left > 0) & (now_left == 0), 1.0, s.attention)
    s.months_left = now_left

    effort = effectiveness * diversifying + 0.3 * OUTREACH
    visits = e[LEVER["high_level_visits"]]
    new_P, new_C, new_D = [], [], []
    for n in range(2):
        threat = sigmoid(STEEP[n] * (V - THETA[n])) * (1 - 0.5 * BALANCED_DIPLOMACY) * (1 - 0.8 * K)
        new_P.append(clip(P[n] + (threat - P[n]) / 3))
        new_C.append(clip(C[n] + REACTION_GAIN[n] * P[n] * (1 - C[n]) -
                          FATIGUE[n] * (1 + 0.5 * S + 0.2 * visits) * C[n] + GRIEVANCE[n] + 0.03 * 0.5 * C[1 - n] +
                          DIRECT_PRESSURE[n]))
        floor = D_FLOOR[n] - AIR_FLOOR[n] * e[LEVER["air_link"]]
        new_D.append(clip(D[n] - 0.01 * effort * (D[n] - floor) + 0.004 * INDUCEMENTS[n] * (D_MAX[n] - D[n])))
    s.P, s.C, s.D = new_P, new_C, new_D

    s.K = clip(K + 0.5 * sigmoid(60 * (pressure - THRESHOLD)) * (1 - K) - 0.15 * K)
    s.A = clip(A + 0.05 * drivers * (1 - A) - 0.3 * pressure * A - 0.05 * overreach * A - 0.01 * K * A)
    s.I = clip(I + 0.02 * effectiveness * (defense + 0.5 * DEPLOYMENTS) * (1 - I) - 0.004 * I)
    standing = (0.5 * DEPLOYMENTS + 0.2 * e[LEVER["khaan_quest"]] +
                0.2 * e[LEVER["convening_support"]] * (1 - FRAMING) + 0.1 * e[LEVER["quad_plus"]])
    s.S = clip(S + 0.02 * standing * (1 - S) - 0.005 * S)
    s.R = clip(R + 0.01 * (0.5 * H + 0.3 * e[LEVER["governance_support"]] +
                           0.2 * e[LEVER["convening_support"]] * (1 - FRAMING)) * (1 - R) - 0.002 * R -
               0.02 * pressure * R)
    s.X = clip(X + 0.08 * (C[0] * P[0] + C[1] * P[1] + 0.5 * e[LEVER["basing"]]) * (1 - X) - 0.05 * X)


class Outcomes:
    """The calibrated scenario's default outcomes, accumulated month by month (docs/model.md §7.9)."""

    def __init__(self, s):
        self.autonomy_sum = s.A.copy()
        self.peak_coercion = [c.copy() for c in s.C]
        self.crises = np.zeros(s.A.size)
        self.months = 0

    def add_month(self, s):
        self.autonomy_sum += s.A
        for n in range(2):
            np.maximum(self.peak_coercion[n], s.C[n], out=self.peak_coercion[n])
        self.crises += s.crisis
        self.months += 1

    def table(self, s):
        """One column per outcome of OUTCOMES, one row per member."""
        return np.column_stack([s.A, self.autonomy_sum / (self.months + 1), *self.peak_coercion, s.X, self.crises,
                                *s.D, s.T])


def exact_quantiles(values):
    """QUANTILES of each row, one column per row."""
    # One variable at a time: NumPy 1.24's np.quantile along an axis takes a third longer.
    return np.column_stack([np.quantile(row, QUANTILES) for row in values])


HISTOGRAM_BINS = 1024


def histogram_quantiles(values):
    """QUANTILES of each row from a histogram of HISTOGRAM_BINS bins on [0, 1], as steppe's bands
    are made (within one bin width of the exact ones), interpolated within the bin; overwrites
    `values`."""
    rows, members = values.shape
    # In place, as far as NumPy lets: fresh (variables, members) temporaries cost page faults.
    values *= HISTOGRAM_BINS
    bins = values.astype(np.intp)
    np.clip(bins, 0, HISTOGRAM_BINS - 1, out=bins)
    bins += np.arange(rows)[:, None] * HISTOGRAM_BINS
    counts = np.bincount(bins.ravel(), minlength=rows * HISTOGRAM_BINS).reshape(rows, HISTOGRAM_BINS)
    below = np.cumsum(counts, axis=1) - counts
    quantiles = np.empty((len(QUANTILES), rows))
    for q, quantile in enumerate(QUANTILES):
        rank = quantile * members
        reached = np.argmax(below + counts >= rank, axis=1)  # the first bin that reaches the rank
        inside = (rank - below[np.arange(rows), reached]) / np.maximum(counts[np.arange(rows), reached], 1)
        quantiles[q] = (reached + inside) / HISTOGRAM_BINS
    return quantiles


def run(members, months, rng, bands, quantiles=exact_quantiles):
    """Steps `members` members `months` months; returns the final state, the outcome table, each
    month's bands (`quantiles`, then the mean, of the `bands` variables: charted, all or None)
    and the seconds spent stepping and reducing."""
    stepping = reducing = 0.0
    s = Members(members)
    outcomes = Outcomes(s)
    band_rows = []

    def reduce_month():
        if bands is None:
            return
        values = s.variables(bands)
        means = values.mean(axis=1)
        band_rows.append(np.vstack([quantiles(values), means]))

    reduce_month()
    for month in range(months):
        clock = time.perf_counter()
        apply_events(s, month, rng)
        advance(s)
        between = time.perf_counter()
        outcomes.add_month(s)
        reduce_month()
        stepping += between - clock
        reducing += time.perf_counter() - between
    clock = time.perf_counter()
    table = outcomes.table(s)
    reducing += time.perf_counter() - clock
    return s, table, band_rows, stepping, reducing


def summarize(table):
    """summary.json's statistics per outcome: mean, sd and quantiles."""
    quantiles = np.quantile(table, QUANTILES, axis=0)
    return {name: {"mean": float(table[:, j].mean()), "sd": float(table[:, j].std(ddof=1)),
                   "quantiles": dict(zip(map(str, QUANTILES), map(float, quantiles[:, j])))}
            for j, name in enumerate(OUTCOMES)}


def month_date(month):
    return f"{2025 + month // 12}-{month % 12 + 1:02d}"


def write_files(folder, table, band_rows, bands, summary):
    os.makedirs(folder, exist_ok=True)
    members = np.arange(table.shape[0])[:, None]
    np.savetxt(os.path.join(folder, "outcomes.csv"), np.hstack([members, table]), delimiter=",",
               fmt=["%d"] + ["%.17g"] * table.shape[1], header="member," + ",".join(OUTCOMES), comments="")
    with open(os.path.join(folder, "bands.csv"), "w") as out:
        out.write("date,actor,variable,statistic,quantile,value\n")
        names = variable_names(bands)
        for month, rows in enumerate(band_rows):
            date = month_date(month)
            for v, name in enumerate(names):
                actor, variable = name.split(".", 1)
                for q, quantile in enumerate(QUANTILES):
                    out.write(f"{date},{actor},{variable},quantile,{quantile},{rows[q, v]!r}\n")
                out.write(f"{date},{actor},{variable},mean,,{rows[-1, v]!r}\n")
    with open(os.path.join(folder, "summary.json"), "w") as out:
        json.dump({"members": int(table.shape[0]), "outcomes": summary}, out, indent=2)


# docs/model.md §8, calibrated (as reference_loop.cpp's check()): month, A, C_CHN, C_RUS, D_CHN, T, K.
GOLDEN = [
    (1, 0.497975529830, 0.117997623168, 0.098151380929, 0.585077143750, 0.505500000000, 0.005674004949),
    (12, 0.495367184827, 0.117999865095, 0.093661058013, 0.584390209184, 0.580897164131, 0.025117843955),
    (60, 0.527280071690, 0.135332699659, 0.103263374050, 0.567201992849, 0.807448953300, 0.048509285777),
    (120, 0.582814628773, 0.141642209286, 0.106135218248, 0.545258317340, 0.891496148600, 0.038374505603),
]
GOLDEN_COLUMNS = ("MNG.autonomy", "CHN.coercion", "RUS.coercion", "MNG.dependence.CHN", "USA.trust", "MNG.concession")
GOLDEN_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")


def check():
    """Whether the reference is the model: None, or the first mismatch."""
    # One deterministic member with every band: a band's mean is then the member's value.
    _, table, band_rows, _, _ = run(1, 120, None, "all")
    names = variable_names("all")

    def value(month, name):
        return band_rows[month][-1, names.index(name)]

    for month, *goldens in GOLDEN:
        for name, golden in zip(GOLDEN_COLUMNS, goldens):
            if abs(value(month, name) - golden) > 1e-9:
                return f"month {month}, {name}: {value(month, name):.12f}, golden (docs/model.md §8) {golden:.12f}"

    # The reductions and every state variable: what steppe writes for the calibrated scenario.
    with open(os.path.join(GOLDEN_DIRECTORY, "calibrated.json")) as file:
        golden_run = json.load(file)
    for name, outcome in zip(OUTCOMES, table[0]):
        golden = golden_run["outcomes"][name]
        if abs(outcome - golden) > 1e-9:
            return f"outcome {name}: {outcome:.12f}, golden (tests/golden/calibrated.json) {golden:.12f}"
    for name in names:
        for month, moment in [(0, "start"), (120, "end")]:
            golden = golden_run["state"][name][moment]
            if abs(value(month, name) - golden) > 1e-9:
                return (f"{name} at the {moment}: {value(month, name):.12f}, golden "
                        f"(tests/golden/calibrated.json) {golden:.12f}")

    # The random events: a stochastic ensemble of the golden's size has the golden's means
    # within four standard errors (other streams, the same distributions).
    with open(os.path.join(GOLDEN_DIRECTORY, "calibrated.ensemble.json")) as file:
        ensemble = json.load(file)
    _, table, _, _, _ = run(ensemble["members"], 120, np.random.default_rng(1), None)
    for name, golden in ensemble["outcomes"].items():
        column = table[:, OUTCOMES.index(name)]
        standard_error = golden["sd"] / np.sqrt(ensemble["members"])
        if abs(column.mean() - golden["mean"]) > 4 * standard_error:
            return (f"stochastic outcome {name}: mean {column.mean():.6f}, golden "
                    f"(tests/golden/calibrated.ensemble.json) {golden['mean']:.6f} ± 4 × {standard_error:.6f}")
        if not 0.8 < column.std(ddof=1) / golden["sd"] < 1.25:
            return (f"stochastic outcome {name}: sd {column.std(ddof=1):.6f}, golden "
                    f"(tests/golden/calibrated.ensemble.json) {golden['sd']:.6f}")
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bands", choices=("charted", "all"), default="charted",
                        help="the variables whose monthly quantiles and means are computed (default: charted)")
    parser.add_argument("--quantiles", choices=("exact", "histogram"), default="exact",
                        help="the bands' quantiles: np.quantile (the default) or from 1024-bin histograms as steppe's")
    parser.add_argument("--out", help="also write outcomes.csv, bands.csv and summary.json into this folder")
    parser.add_argument("--check", action="store_true",
                        help="compare a deterministic run with the golden checkpoints and exit")
    arguments = parser.parse_args()

    if arguments.check:
        mismatch = check()
        if mismatch:
            print(f"numpy_reference: {mismatch}", file=sys.stderr)
            return 1
        print("numpy_reference: the calibrated golden checkpoints and outcomes match")
        return 0

    quantiles = exact_quantiles if arguments.quantiles == "exact" else histogram_quantiles
    _, table, band_rows, stepping, reducing = run(arguments.members, arguments.months,
                                                  np.random.default_rng(arguments.seed), arguments.bands, quantiles)
    clock = time.perf_counter()
    summary = summarize(table)
    reducing += time.perf_counter() - clock
    writing = 0.0
    if arguments.out:
        clock = time.perf_counter()
        write_files(arguments.out, table, band_rows, arguments.bands, summary)
        writing = time.perf_counter() - clock
    total = time.perf_counter() - started
    member_steps = arguments.members * arguments.months
    print(f"members {arguments.members}, months {arguments.months}, bands {arguments.bands}, "
          f"quantiles {arguments.quantiles}")
    print(f"stepping    {stepping:8.3f} s  {member_steps / stepping:.3g} member-steps/s")
    print(f"reductions  {reducing:8.3f} s")
    if arguments.out:
        print(f"writing     {writing:8.3f} s")
    print(f"whole       {total:8.3f} s  {member_steps / total:.3g} member-steps/s (from before NumPy's import)")
    print(f"A final mean {summary['MNG.autonomy.final']['mean']:.6f}, crisis months mean "
          f"{summary['system.crisis.sum']['mean']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
