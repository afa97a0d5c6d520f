// `steppe sweep`, `steppe analyze` and `steppe export` as a user runs them: real files, the real
// binary, kill -9 and --resume, and every class of bad input (exit 2, nothing written).
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "cli/sweep_support.hpp"
#include "engine/io/sweep_database.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

namespace {

std::int64_t rows_in(const fs::path& database) {
  try {
    return static_cast<std::int64_t>(SweepDatabase::open(database).numbers("SELECT COUNT(*) FROM runs")[0][0]);
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

}  // namespace

TEST_CASE("steppe sweep then analyze prints the Ishigami indices and export writes every table", "[cli][sweep]") {
  const fs::path folder = scratch("sweep-ishigami");
  const RunResult sweep =
      run_steppe({"sweep", "examples/sweeps/ishigami.yaml", "--db", (folder / "i.sqlite").string()}, root_folder());
  CHECK(sweep.err.empty());
  REQUIRE(sweep.exit_code == 0);
  CHECK_THAT(sweep.out, Catch::StartsWith("sweep examples/sweeps/ishigami.yaml: sobol design, 40960 points × 1 "
                                          "replicate = 40960 runs"));

  const RunResult analyze =
      run_steppe({"analyze", (folder / "i.sqlite").string(), "--out", (folder / "charts").string()});
  REQUIRE(analyze.exit_code == 0);
  CHECK_THAT(analyze.out, Catch::StartsWith("system.y.final: Sobol indices (N = 8192, 95% bootstrap intervals)"));
  CHECK(table_row(analyze.out, "x2").size() == 5);
  // A tornado chart per outcome: factors by total index, each bar with its interval.
  CHECK_THAT(analyze.out, Catch::EndsWith("wrote " + (folder / "charts").string() +
                                          "/ : system.y.final.svg, system.y.final.convergence.svg\n"));
  const std::string chart = read_text_file(folder / "charts" / "system.y.final.svg");
  CHECK_THAT(chart, Catch::StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(chart.find(">x1</text>") < chart.find(">x2</text>"));
  CHECK(chart.find(">x2</text>") < chart.find(">x3</text>"));
  CHECK(std::count(chart.begin(), chart.end(), '\n') > 10);

  const RunResult json = run_steppe({"analyze", (folder / "i.sqlite").string(), "--json"});
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out);
  CHECK(document[0]["indices"][1]["S1"].get<double>() == Approx(0.4424).margin(0.03));

  const RunResult exported = run_steppe({"export", (folder / "i.sqlite").string(), "--csv", (folder / "csv").string()});
  REQUIRE(exported.exit_code == 0);
  CHECK(folder_entries(folder / "csv") ==
        std::vector<std::string>{"design.csv", "factors.csv", "outcomes.csv", "runs.csv", "sweep.csv"});
  const auto runs = lines_of(read_text_file(folder / "csv" / "runs.csv"));
  CHECK(runs.size() == 40961);
  CHECK(runs.front() == "run,point,replicate,system.y.final");
}

TEST_CASE("steppe sweep killed with kill -9 and resumed holds exactly the rows of an uninterrupted sweep",
          "[cli][sweep][resume]") {
  const std::string body = two_factors + "sweep: {design: sobol, samples: 4096, replicates: 3, database: s.sqlite}\n";
  const fs::path whole = write_sweep("whole", body);
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--quiet"}, whole).exit_code == 0);

  const fs::path killed = write_sweep("killed", body);
  const std::string command = "cd " + shell_quote(killed.string()) + " && (" + shell_quote(STEPPE_BINARY) +
                              " sweep sweep.yaml --threads 1 --quiet >/dev/null 2>&1 & echo $! > pid)";
  REQUIRE(std::system(command.c_str()) == 0);
  // Generous: the loop ends at the first committed wave, which a sanitizer build (where each
  // multiply-add is a C library call) reaches only after a minute or two.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  while (rows_in(killed / "s.sqlite") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string pid = read_text_file(killed / "pid");
  REQUIRE(std::system(("kill -9 " + pid).c_str()) == 0);
  const std::int64_t before = rows_in(killed / "s.sqlite");
  INFO("rows committed before the kill: " << before);
  CHECK(before > 0);
  CHECK(before < 4096 * 4 * 3);

  const RunResult resumed = run_steppe({"sweep", "sweep.yaml", "--resume"}, killed);
  CHECK(resumed.err.empty());
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains("runs were already done"));
  CHECK(runs_of(killed / "s.sqlite") == runs_of(whole / "s.sqlite"));
}

TEST_CASE("steppe analyze ranks the Morris screening and gives a Monte Carlo sweep the given-data measures",
          "[cli][sweep]") {
  const fs::path folder = scratch("sweep-morris");
  REQUIRE(run_steppe({"sweep", "examples/sweeps/linear_effects.yaml", "--db", (folder / "m.sqlite").string(), "-q"},
                     root_folder())
              .exit_code == 0);
  const RunResult analyze =
      run_steppe({"analyze", (folder / "m.sqlite").string(), "--out", (folder / "charts").string()});
  REQUIRE(analyze.exit_code == 0);
  // x2's effect is exactly 5 everywhere: no spread, and an interval of zero width around μ*.
  CHECK(table_row(analyze.out, "x2") == std::vector<std::string>{"x2", "5.0000", "0.0000", "5.0000", "0.0000"});

  const fs::path carlo = write_sweep("carlo", two_factors + "sweep: {design: monte_carlo, samples: 20}\n");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "-q"}, carlo).exit_code == 0);
  const RunResult measures = run_steppe({"analyze", "sweep.sqlite"}, carlo);
  CHECK(measures.exit_code == 0);
  CHECK_THAT(measures.out, Catch::Contains(": given-data measures (20 points, 95% bootstrap intervals)"));
  CHECK(table_row(measures.out, "CHN.k").size() == 9);
}

TEST_CASE("bad sweep files are input errors at their place and create no database", "[cli][sweep][bad]") {
  struct Case {
    std::string body, expected;
  };
  const std::vector<Case> cases = {
      {two_factors + "sweep: {design: sobol, samples: 4000}\n",
       "sweep.samples: a Sobol design needs a power of two of samples; the nearest to 4000 is 4096"},
      {two_factors + "sweep: {design: sobel, samples: 64}\n", "unknown design 'sobel', did you mean 'sobol'?"},
      {two_factors + "sweep: {design: sobol, samples: 64, trajectories: 10}\n",
       "'trajectories' does not apply to a sobol design (it takes samples, second_order)"},
      {two_factors + "sweep: {design: morris, trajectories: 10, levels: 5}\n", "Morris levels must be even, got 5"},
      {two_factors + "sweep: {design: sobol, samples: 64, replicate: 3}\n", "did you mean 'replicates'?"},
      {two_factors, "missing required key 'sweep'"},
      {"sweep: {design: sobol, samples: 64}\n", "a sweep needs at least one factor under 'uncertainties'"},
      {two_factors + "sweep: {samples: 64}\n", "sweep: missing 'design'"},
  };
  int index = 0;
  for (const Case& bad : cases) {
    INFO(bad.body);
    const fs::path folder = write_sweep("bad-" + std::to_string(index++), bad.body);
    const RunResult result = run_steppe({"sweep", "sweep.yaml"}, folder);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(bad.expected));
    CHECK_THAT(result.err, Catch::StartsWith("sweep.yaml:") || Catch::Contains("calibrated.yaml"));
    CHECK_FALSE(fs::exists(folder / "sweep.sqlite"));
  }
}

TEST_CASE("steppe sweep refuses to overwrite or to resume the wrong database", "[cli][sweep][bad]") {
  const fs::path folder = write_sweep("guard", two_factors + "sweep: {design: monte_carlo, samples: 10}\n");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "-q"}, folder).exit_code == 0);
  const auto rows = runs_of(folder / "sweep.sqlite");

  const RunResult again = run_steppe({"sweep", "sweep.yaml"}, folder);
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("the sweep database exists already: finish it with --resume"));
  CHECK(runs_of(folder / "sweep.sqlite") == rows);

  const RunResult other = run_steppe({"sweep", "sweep.yaml", "--resume", "--seed", "99"}, folder);
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("the database holds another sweep"));
  CHECK(runs_of(folder / "sweep.sqlite") == rows);

  const RunResult finished = run_steppe({"sweep", "sweep.yaml", "--resume"}, folder);
  CHECK(finished.exit_code == 0);
  CHECK_THAT(finished.out, Catch::Contains("ran 0 runs"));

  // --resume with no database starts the sweep (tests/cli/test_cli_sweep_errors.cpp).
  const RunResult missing = run_steppe({"sweep", "sweep.yaml", "--resume", "--db", "none.sqlite"}, folder);
  CHECK(missing.exit_code == 0);
  CHECK_THAT(missing.err, Catch::Contains("none.sqlite held no runs of the sweep"));
  CHECK(runs_of(folder / "none.sqlite") == rows);

  const RunResult not_database = run_steppe({"analyze", "sweep.yaml"}, folder);
  CHECK(not_database.exit_code == 2);
  CHECK_THAT(not_database.err, Catch::Contains("not a steppe sweep database"));
  const RunResult absent = run_steppe({"export", "absent.sqlite", "--csv", "csv"}, folder);
  CHECK(absent.exit_code == 2);
  CHECK_THAT(absent.err, Catch::Contains("no such sweep database"));
  CHECK_FALSE(fs::exists(folder / "csv"));
}

TEST_CASE("shards of a sweep merged hold the design and runs of the sweep run as one", "[cli][sweep][shard]") {
  const std::string body = two_factors + "sweep: {design: sobol, samples: 64, replicates: 2}\n";
  const fs::path folder = write_sweep("shards", body);
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "whole.sqlite", "-q"}, folder).exit_code == 0);
  for (const std::string shard : {"1/3", "2/3", "3/3"}) {
    const RunResult result = run_steppe({"sweep", "sweep.yaml", "--shard", shard}, folder);
    CHECK(result.err.empty());
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("shard " + shard + ": runs "));
  }
  CHECK(fs::exists(folder / "sweep.shard-2-of-3.sqlite"));

  // Shards are refused until every one is there, each once, all of one sweep.
  const RunResult missing =
      run_steppe({"merge", "all.sqlite", "sweep.shard-1-of-3.sqlite", "sweep.shard-3-of-3.sqlite"}, folder);
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("shard 2/3 is missing"));
  const RunResult twice = run_steppe({"merge", "all.sqlite", "sweep.shard-1-of-3.sqlite", "sweep.shard-1-of-3.sqlite",
                                      "sweep.shard-2-of-3.sqlite", "sweep.shard-3-of-3.sqlite"},
                                     folder);
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("shard 1/3 is given twice"));
  const RunResult whole = run_steppe({"merge", "all.sqlite", "whole.sqlite"}, folder);
  CHECK(whole.exit_code == 2);
  CHECK_THAT(whole.err, Catch::Contains("not a shard's database"));
  CHECK_FALSE(fs::exists(folder / "all.sqlite"));

  const RunResult merged = run_steppe(
      {"merge", "all.sqlite", "sweep.shard-3-of-3.sqlite", "sweep.shard-1-of-3.sqlite", "sweep.shard-2-of-3.sqlite"},
      folder);
  CHECK(merged.err.empty());
  REQUIRE(merged.exit_code == 0);
  CHECK(runs_of(folder / "all.sqlite") == runs_of(folder / "whole.sqlite"));
  const auto design = [](const fs::path& file) {
    return SweepDatabase::open(file).query("SELECT * FROM design ORDER BY point").rows;
  };
  CHECK(design(folder / "all.sqlite") == design(folder / "whole.sqlite"));
  CHECK(SweepDatabase::open(folder / "all.sqlite").stored().shard.empty());
  CHECK(run_steppe({"analyze", "all.sqlite", "--resamples", "20", "--out", "charts"}, folder).exit_code == 0);
}

TEST_CASE("a bad --shard is refused before anything runs", "[cli][sweep][shard][bad]") {
  const fs::path folder = write_sweep("bad-shard", two_factors + "sweep: {design: monte_carlo, samples: 10}\n");
  for (const std::string shard : {"0/3", "4/3", "3", "a/b", "1/0", "2/3x"}) {
    INFO(shard);
    const RunResult result = run_steppe({"sweep", "sweep.yaml", "--shard", shard}, folder);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::StartsWith("--shard: error: " + shard + ": expected K/N with 1 ≤ K ≤ N"));
  }
  CHECK(folder_entries(folder) == std::vector<std::string>{"sweep.yaml"});
}

TEST_CASE("steppe analyze of a policies × scenarios sweep prints each goal's robustness table",
          "[cli][sweep][policies]") {
  const fs::path folder = scratch("sweep-policies");
  REQUIRE(run_steppe({"sweep", "examples/sweeps/policies.yaml", "--months", "36", "--db",
                      (folder / "p.sqlite").string(), "-q"},
                     root_folder())
              .exit_code == 0);
  const RunResult analyze =
      run_steppe({"analyze", (folder / "p.sqlite").string(), "--out", (folder / "charts").string()});
  CHECK(analyze.err.empty());
  REQUIRE(analyze.exit_code == 0);
  CHECK_THAT(analyze.out, Catch::StartsWith("MNG.autonomy.final: robustness over 100 scenarios (higher is better, "
                                            "goal ≥ 0.5000)"));
  CHECK_THAT(analyze.out, Catch::Contains("CHN.coercion.max: robustness over 100 scenarios (lower is better, goal ≤ "
                                          "0.3000)"));
  CHECK(table_row(analyze.out, "calibrated").size() == 6);
  CHECK(folder_entries(folder / "charts") ==
        std::vector<std::string>{"CHN.coercion.max.svg", "MNG.autonomy.final.svg"});
  const auto document = nlohmann::json::parse(run_steppe({"analyze", (folder / "p.sqlite").string(), "--json"}).out);
  REQUIRE(document.size() == 2);
  CHECK(document[0]["policies"].size() == 3);
  CHECK(document[0]["policies"][1]["policy"] == "calibrated");
}

TEST_CASE("bad policies and goals are input errors at their place", "[cli][sweep][policies][bad]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    p: {USA.airlink: 1}\n",
       "sweep.yaml:10:9: error: sweep.policies.p.USA.airlink: unknown lever 'USA.airlink', did you mean "
       "'USA.air_link'?"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    p: {USA.air_link: 2}\n",
       "value 2 is outside [0, 1]"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    p: {alpha: 0.1}\n", "unknown lever 'alpha'"},
      {"sweep:\n  design: sobol\n  samples: 8\n  policies:\n    p: {}\n",
       "policies run against the scenarios of a grid, latin_hypercube, monte_carlo or sobol_sequence design, not a "
       "sobol design"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  goals:\n    MNG.autonomy.fnal: {better: higher}\n",
       "unknown outcome 'MNG.autonomy.fnal', did you mean 'MNG.autonomy.final'?"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  goals:\n    MNG.autonomy.final: {better: more}\n",
       "expected higher or lower, got 'more'"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    sample: 3\n    levers:\n      USA.airlink: "
       "{uniform: [0, 1]}\n",
       "unknown lever 'USA.airlink', did you mean 'USA.air_link'?"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    sample: 3\n    levers:\n      USA.air_link: "
       "{uniform: [0, 2]}\n",
       "outside the valid range [0, 1]"},
      {"sweep:\n  design: monte_carlo\n  samples: 5\n  policies:\n    sample: 0\n    levers:\n      USA.air_link: "
       "{uniform: [0, 1]}\n",
       "value 0 is outside [1, 10000]"},
  };
  int index = 0;
  for (const auto& [sweep, expected] : cases) {
    INFO(sweep);
    const fs::path folder = write_sweep("bad-policy-" + std::to_string(index++), two_factors + sweep);
    const RunResult result = run_steppe({"sweep", "sweep.yaml"}, folder);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(expected));
    CHECK_FALSE(fs::exists(folder / "sweep.sqlite"));
  }
  const fs::path factor =
      write_sweep("policy-sets-factor",
                  "stochastic: true\nuncertainties:\n  USA.air_link: {uniform: [0, 1]}\nsweep:\n  design: "
                  "monte_carlo\n  samples: 5\n  policies:\n    p: {USA.air_link: 1}\n");
  const RunResult refused = run_steppe({"sweep", "sweep.yaml"}, factor);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("'USA.air_link' is a factor of the sweep; a policy cannot also set it"));
}
