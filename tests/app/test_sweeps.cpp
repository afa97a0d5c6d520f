// Sweeps end to end below the command line: sweep files, runs into the SQLite database, resume,
// and the Sobol and Morris analyses against test functions with known answers.
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "analysis/known_indices.hpp"
#include "app/sweep_analysis.hpp"
#include "engine/io/sweep_database.hpp"
#include "engine/io/sweep_loader.hpp"
#include "engine/io/sweep_runner.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

Sweep example_sweep(const std::string& name, const std::string& database_name) {
  Sweep sweep = load_sweep(source_path("examples/sweeps/" + name + ".yaml"));
  sweep.database = fresh_folder("sweep-" + database_name) / (database_name + ".sqlite");
  return sweep;
}

// A sweep file written to its own folder, extending a shipped scenario, run for `months` (as
// --months does: the base scenario's dates stay valid).
Sweep sweep_from_yaml(const std::string& database_name, const std::string& base, const std::string& body, int months) {
  const auto folder = fresh_folder("sweep-" + database_name);
  const auto file = folder / "sweep.yaml";
  std::ofstream(file) << "extends: " << source_path("scenarios/" + base + ".yaml").string() << "\n" << body;
  LoadOptions options;
  options.months = months;
  Sweep sweep = load_sweep(file, options);
  sweep.database = folder / (database_name + ".sqlite");
  return sweep;
}

// A small flagship sweep: 2 factors, 32 Saltelli base rows, 3 replicates (384 runs of 24 months).
Sweep small_flagship_sweep(const std::string& database_name) {
  return sweep_from_yaml(database_name, "calibrated",
                         "stochastic: true\nseed: 5\n"
                         "uncertainties:\n"
                         "  CHN.k: {uniform: [0.14, 0.26]}\n"
                         "  alpha: {uniform: [0.035, 0.065]}\n"
                         "sweep: {design: sobol, samples: 32, replicates: 3}\n",
                         24);
}

SweepArrays arrays_of(const std::filesystem::path& file) { return read_sweep_arrays(SweepDatabase::open(file)); }

std::vector<std::vector<std::string>> runs_of(const std::filesystem::path& file) {
  return SweepDatabase::open(file).query("SELECT * FROM runs ORDER BY run").rows;
}

}  // namespace

TEST_CASE("sweeps: the Ishigami function's Sobol indices are recovered within their intervals at N = 8192",
          "[sweep][sobol]") {
  const Sweep sweep = example_sweep("ishigami", "ishigami");
  REQUIRE(sweep.settings.samples == 8192);
  const SweepReport report = run_sweep(sweep, {});
  CHECK(report.runs == 8192 * 5);
  const auto results = sobol_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  // Informative intervals: narrow enough to tell the factors apart.
  check_indices(results[0].result, ishigami_indices);
}

TEST_CASE("sweeps: the Ishigami function shifted by 1000 (mean/sd ≈ 270) gets the same indices through the model",
          "[sweep][sobol]") {
  LoadOptions options;
  options.overrides = {{"shift", "1000"}};
  Sweep sweep = load_sweep(source_path("examples/sweeps/ishigami.yaml"), options);
  sweep.database = fresh_folder("sweep-ishigami-shifted") / "shifted.sqlite";
  run_sweep(sweep, {});
  const auto shifted = sobol_analysis(arrays_of(sweep.database), {});
  REQUIRE(shifted.size() == 1);
  check_indices(shifted[0].result, ishigami_indices);
}

TEST_CASE("sweeps: Sobol's G function's indices are recovered through the model", "[sweep][sobol]") {
  const Sweep sweep = example_sweep("sobol_g", "sobol-g");
  run_sweep(sweep, {});
  const auto results = sobol_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  check_indices(results[0].result, sobol_g_indices());
}

TEST_CASE("sweeps: factors that act only together get S1 = 0, ST = S2 = 0.25 through the model", "[sweep][sobol]") {
  const Sweep sweep = example_sweep("interaction", "interaction");
  run_sweep(sweep, {});
  const auto results = sobol_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  check_indices(results[0].result, {{0, 0, 0.75}, {0.25, 0.25, 0.75}});
  REQUIRE(results[0].result.pairs.size() == 3);
  const SobolPair& pair = results[0].result.pairs[0];
  CHECK(pair.factor_a + pair.factor_b == "x1x2");
  CHECK(std::abs(pair.second - 0.25) <= pair.second_interval);
}

TEST_CASE("sweeps: a stochastic outcome's noise is its own share and a factor that does nothing has ST ≈ 0",
          "[sweep][sobol][noise]") {
  const Sweep sweep = example_sweep("noisy_linear", "noisy-linear");
  REQUIRE(sweep.settings.replicates == 10);
  run_sweep(sweep, {});
  const auto results = sobol_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  const SobolResult& result = results[0].result;
  check_indices(result, {{0.2, 0.8, 0}, {0.2, 0.8, 0}}, 0.25);
  // One run's variance: 4 of noise against 5/12 of the mean response.
  CAPTURE(result.noise_share, result.noise_share_interval, result.noise_share_of_means);
  CHECK(std::abs(result.noise_share - 4 / (4 + 5.0 / 12)) <= result.noise_share_interval);
  CHECK(result.indices[2].total < 0.1);  // uncorrected, x3's ST would be about 0.49
}

TEST_CASE("sweeps: a Latin hypercube sweep gets given-data measures that recover Ishigami's first-order indices",
          "[sweep][given_data]") {
  const auto folder = fresh_folder("sweep-ishigami-lhs");
  std::ofstream(folder / "lhs.yaml") << "extends: " << source_path("examples/sweeps/ishigami.yaml").string()
                                     << "\nsweep: {design: latin_hypercube, samples: 5000}\n";
  Sweep sweep = load_sweep(folder / "lhs.yaml");
  sweep.database = folder / "lhs.sqlite";
  run_sweep(sweep, {});
  const auto results = given_data_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  const std::vector<double>& first = ishigami_indices.first;
  for (std::size_t i = 0; i < 3; ++i) {
    const GivenDataFactor& factor = results[0].measures.factors[i];
    CAPTURE(factor.name, factor.rbd_fast.value, factor.rbd_fast.half_width);
    CHECK(std::abs(factor.rbd_fast.value - first[i]) <= factor.rbd_fast.half_width);
  }
  // PAWN ranks x2 over x1 over x3, and x3 (which acts only with x1) above a factor that does nothing.
  const auto& factors = results[0].measures.factors;
  CHECK(factors[1].pawn.median.value > factors[0].pawn.median.value);
  CHECK(factors[0].pawn.median.value > factors[2].pawn.median.value);
  CHECK(factors[2].pawn.median.value > results[0].measures.pawn_null_upper);
  CHECK_THROWS_AS(sobol_analysis(arrays_of(sweep.database), {}), InputError);
}

TEST_CASE("sweeps: a Sobol-sequence sweep is analyzed with the given-data measures, like a Latin hypercube",
          "[sweep][given_data]") {
  const auto folder = fresh_folder("sweep-ishigami-sobol-sequence");
  std::ofstream(folder / "qmc.yaml") << "extends: " << source_path("examples/sweeps/ishigami.yaml").string()
                                     << "\nsweep: {design: sobol_sequence, samples: 4096}\n";
  Sweep sweep = load_sweep(folder / "qmc.yaml");
  sweep.database = folder / "qmc.sqlite";
  run_sweep(sweep, {});
  CHECK(SweepDatabase::open(sweep.database).stored().design == "sobol_sequence");
  const auto results = given_data_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  for (std::size_t i = 0; i < 3; ++i) {
    const GivenDataFactor& factor = results[0].measures.factors[i];
    CAPTURE(factor.name, factor.rbd_fast.value, factor.rbd_fast.half_width);
    // The bootstrap takes the sequence's points for independent draws, so its intervals are no
    // promise here; the estimates are within 0.01 of the known indices all the same.
    CHECK(factor.rbd_fast.value == Approx(ishigami_indices.first[i]).margin(0.01));
  }
  CHECK_THROWS_AS(sobol_analysis(arrays_of(sweep.database), {}), InputError);
}

TEST_CASE("sweeps: Morris ranks the inputs of a function with known elementary effects", "[sweep][morris]") {
  const Sweep sweep = example_sweep("linear_effects", "linear");
  run_sweep(sweep, {});
  const auto results = morris_analysis(arrays_of(sweep.database), {});
  REQUIRE(results.size() == 1);
  const auto& effects = results[0].effects;
  REQUIRE(effects.size() == 4);
  // μ* orders x1 > x2 > x3 > x4; x2's effect is exactly 5 everywhere, x4 has none.
  CHECK(effects[0].mu_star > effects[1].mu_star);
  CHECK(effects[1].mu_star > effects[2].mu_star);
  CHECK(effects[2].mu_star > effects[3].mu_star);
  CHECK(effects[0].mu_star == Approx(11).margin(0.5));
  CHECK(effects[1].mu_star == Approx(5));
  CHECK(effects[1].sigma == Approx(0).margin(1e-9));
  CHECK(effects[2].mu_star == Approx(2).margin(0.3));
  CHECK(effects[3].mu_star == Approx(0).margin(1e-9));
  // Interactions show as spread: x1 and x3 interact, x2 does not.
  CHECK(effects[0].sigma > 0.3);
  CHECK(effects[2].sigma > 0.3);
  CHECK(effects[0].effects == 50);
}

TEST_CASE("sweeps: the database does not depend on threads or block size", "[sweep]") {
  const Sweep one = small_flagship_sweep("threads-1");
  DatabaseSweepOptions options;
  options.threads = 1;
  options.block_size = 50;
  run_sweep(one, options);
  const Sweep two = small_flagship_sweep("threads-2");
  options.threads = 2;
  options.block_size = 1024;
  run_sweep(two, options);
  const auto rows = runs_of(one.database);
  CHECK(rows.size() == 32 * 4 * 3);
  CHECK(rows == runs_of(two.database));
}

TEST_CASE("sweeps: a resumed sweep holds exactly the rows of an uninterrupted one", "[sweep][resume]") {
  const Sweep whole = small_flagship_sweep("whole");
  run_sweep(whole, {});

  const Sweep interrupted = small_flagship_sweep("interrupted");
  std::atomic<bool> cancel{false};
  DatabaseSweepOptions options;
  options.threads = 1;
  options.block_size = 40;
  options.cancel = &cancel;
  options.progress = [&](std::int64_t, std::int64_t) { cancel = true; };  // stop after the first wave
  const SweepReport first = run_sweep(interrupted, options);
  CHECK(first.cancelled);
  CHECK(first.ran > 0);
  CHECK(first.ran < first.runs);

  DatabaseSweepOptions resume;
  resume.resume = true;
  const SweepReport second = run_sweep(interrupted, resume);
  CHECK_FALSE(second.cancelled);
  CHECK(second.already_done == first.ran);
  CHECK(second.ran == second.runs - first.ran);
  CHECK(runs_of(interrupted.database) == runs_of(whole.database));
}

TEST_CASE("sweeps: replicates of a point differ, and the analysis averages them", "[sweep]") {
  const Sweep sweep = small_flagship_sweep("replicates");
  run_sweep(sweep, {});
  const SweepDatabase database = SweepDatabase::open(sweep.database);
  // Random crises make some replicates of a point differ (most see none in 24 months).
  const auto differing = database.numbers(
      "SELECT COUNT(*) FROM (SELECT point FROM runs GROUP BY point HAVING COUNT(DISTINCT \"MNG.autonomy.final\") > 1)");
  CHECK(differing[0][0] > 0);
  SweepAnalysisOptions options;
  options.confidence.resamples = 50;
  const auto results = sobol_analysis(arrays_of(sweep.database), options);
  REQUIRE_FALSE(results.empty());
  // In 24 months some outcomes vary only by their random events: their indices are undefined,
  // and a warning says so, rather than numbers made of noise.
  for (const SobolOutcome& result : results) {
    CAPTURE(result.outcome, result.result.noise_share);
    CHECK(result.result.noise_share >= 0);
    for (const SobolIndex& index : result.result.indices)
      CHECK((std::isfinite(index.total) || !result.result.warnings.empty()));
  }
  CHECK(std::isfinite(results[0].result.indices[1].total));  // MNG.autonomy.final by alpha
}

TEST_CASE("sweeps: every shipped sweep file loads, with the design size its comments promise", "[sweep]") {
  std::map<std::string, std::size_t> points;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("examples/sweeps")))
    if (entry.path().extension() == ".yaml") {
      INFO(entry.path().string());
      const Sweep sweep = load_sweep(entry.path());
      points[entry.path().stem().string()] =
          sweep.points().size() * static_cast<std::size_t>(sweep.settings.replicates);
    }
  CHECK(points == std::map<std::string, std::size_t>{{"flagship_discovery", 2'000},
                                                     {"flagship_sobol", 573'440},
                                                     {"ishigami", 40'960},
                                                     {"ishigami_lhs", 5'000},
                                                     {"interaction", 32'768},
                                                     {"linear_effects", 250},
                                                     {"noisy_linear", 102'400},
                                                     {"policies", 900},
                                                     {"sobol_g", 65'536}});
}

// Policies × scenarios: a small version of examples/sweeps/policies.yaml.
Sweep policy_sweep(const std::string& database_name, const std::string& policies) {
  return sweep_from_yaml(database_name, "baseline",
                         "stochastic: true\nseed: 4\n"
                         "uncertainties:\n"
                         "  CHN.k: {uniform: [0.12, 0.30]}\n"
                         "  framing_gain: {uniform: [1.0, 3.0]}\n"
                         "sweep:\n"
                         "  design: latin_hypercube\n"
                         "  samples: 12\n"
                         "  replicates: 2\n" +
                             policies,
                         36);
}

TEST_CASE("sweeps: every policy meets the same scenarios and random draws", "[sweep][policies]") {
  const Sweep plain = policy_sweep("no-policies", "");
  run_sweep(plain, {});
  const Sweep with = policy_sweep("policies",
                                  "  policies:\n"
                                  "    status_quo: {}\n"
                                  "    air_link: {USA.air_link: 1}\n"
                                  "  goals:\n"
                                  "    MNG.autonomy.final: {better: higher, threshold: 0.45}\n");
  REQUIRE(with.policies.size() == 2);
  DatabaseSweepOptions options;
  options.block_size = 5;  // blocks never span two policies
  const SweepReport report = run_sweep(with, options);
  CHECK(report.points == 24);
  CHECK(report.runs == 48);

  // The empty policy is the plain sweep, run for run: same points, same streams.
  const auto plain_runs = runs_of(plain.database);
  const auto policy_runs = runs_of(with.database);
  REQUIRE(policy_runs.size() == 2 * plain_runs.size());
  for (std::size_t run = 0; run < plain_runs.size(); ++run) {
    CAPTURE(run);
    CHECK(std::vector<std::string>(policy_runs[run].begin() + 3, policy_runs[run].end()) ==
          std::vector<std::string>(plain_runs[run].begin() + 3, plain_runs[run].end()));
  }

  const SweepDatabase database = SweepDatabase::open(with.database);
  const auto results = robustness_analysis(arrays_of(with.database), {});
  REQUIRE(results.size() == 1);  // only the outcome with a goal
  const RobustnessOutcome& autonomy = results[0];
  CHECK(autonomy.outcome == "MNG.autonomy.final");
  CHECK(autonomy.scenarios == 12);
  REQUIRE(autonomy.policies.size() == 2);
  CHECK(autonomy.policies[0].policy == "status_quo");
  // The mean over scenarios of the mean over replicates, recomputed in SQL.
  const auto mean = database.numbers(
      "SELECT AVG(m) FROM (SELECT AVG(\"MNG.autonomy.final\") AS m FROM runs JOIN design USING (point) "
      "WHERE policy = 'air_link' GROUP BY point)");
  CHECK(autonomy.policies[1].mean == Approx(mean[0][0]).epsilon(1e-12));
  // With two policies, in each scenario one has no regret and the other the gap between them:
  // the regrets add up to the mean absolute gap per scenario.
  const std::string per_point =
      "SELECT base, AVG(\"MNG.autonomy.final\") AS m FROM runs JOIN design USING (point) WHERE policy = ";
  const auto gap = database.numbers("SELECT AVG(ABS(a.m - b.m)) FROM (" + per_point +
                                    "'status_quo' GROUP BY point) a "
                                    "JOIN (" +
                                    per_point + "'air_link' GROUP BY point) b USING (base)");
  CHECK(autonomy.policies[0].mean_regret + autonomy.policies[1].mean_regret == Approx(gap[0][0]).epsilon(1e-9));
  for (const PolicyRobustness& row : autonomy.policies) {
    CHECK(row.max_regret >= row.mean_regret);
    CHECK(row.meets >= 0);
    CHECK(row.meets <= 1);
    CHECK(row.worst_decile <= row.mean);
  }
}

TEST_CASE("sweeps: sampled policies are a Latin hypercube over the levers, each run on every scenario",
          "[sweep][policies]") {
  const Sweep sweep = policy_sweep("sampled-policies",
                                   "  policies:\n"
                                   "    sample: 4\n"
                                   "    levers:\n"
                                   "      USA.air_link: {uniform: [0, 1]}\n"
                                   "      USA.pme: {discrete: {values: [0.2, 0.8]}}\n");
  REQUIRE(sweep.policies.size() == 4);
  std::set<int> quarters;
  for (const Policy& policy : sweep.policies) {
    CAPTURE(policy.name);
    REQUIRE(policy.levers.size() == 2);
    CHECK(policy.levers[0].first == "USA.air_link");
    quarters.insert(static_cast<int>(policy.levers[0].second * 4));
    CHECK((policy.levers[1].second == 0.2 || policy.levers[1].second == 0.8));
    // The policy's scenario holds the lever for the whole run.
    const int slot = policy.scenario->layout->lever_index("USA", "air_link");
    CHECK(policy.scenario->levers[static_cast<std::size_t>(slot)].value_at(30, 0) == policy.levers[0].second);
  }
  CHECK(quarters == std::set<int>{0, 1, 2, 3});
  CHECK(sweep.policies[0].name == "policy_1");
  run_sweep(sweep, {});
  const auto results = robustness_analysis(arrays_of(sweep.database), {});
  REQUIRE_FALSE(results.empty());
  CHECK(results[0].policies.size() == 4);
}
