// `steppe analyze` as a researcher uses it: choosing outcomes, the intervals' level and seed,
// reading a stochastic outcome's noise share and warnings, the convergence chart, outcomes
// undefined in some runs, given-data measures as JSON, and the errors of each flag.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "cli/cli_support.hpp"

using namespace steppe::cli_testing;

namespace {

// A sweep file written into its own scratch folder and run there; returns the folder.
fs::path swept(const std::string& name, const std::string& body) {
  const fs::path folder = scratch("analyze-" + name);
  write_text_file(folder / "sweep.yaml", body);
  const RunResult sweep = run_steppe({"sweep", "sweep.yaml", "--db", "s.sqlite", "--quiet"}, folder);
  INFO(sweep.err);
  REQUIRE(sweep.exit_code == 0);
  return folder;
}

const std::string noisy = "extends: " + (root_folder() / "examples/sweeps/noisy_linear.yaml").string() + "\n" +
                          "sweep: {design: sobol, samples: 256, replicates: 4}\n";

}  // namespace

TEST_CASE("steppe analyze --outcome analyzes only the outcomes named, and names the ones it does not know",
          "[cli][analyze]") {
  const fs::path folder =
      swept("outcome", "extends: " + (root_folder() / "examples/sweeps/ishigami.yaml").string() +
                           "\noutcomes: [system.y.final, system.y.mean]\nsweep: {design: sobol, samples: 256}\n");
  const RunResult one = run_steppe({"analyze", "s.sqlite", "--outcome", "system.y.mean", "--json"}, folder);
  REQUIRE(one.exit_code == 0);
  const auto document = nlohmann::json::parse(one.out);
  REQUIRE(document.size() == 1);
  CHECK(document[0]["outcome"] == "system.y.mean");

  const RunResult unknown = run_steppe({"analyze", "s.sqlite", "--outcome", "system.y.fnal"}, folder);
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("--outcome") && Catch::Contains("did you mean 'system.y.final'"));
  CHECK(unknown.out.empty());
  CHECK_FALSE(fs::exists(folder / "out"));
}

TEST_CASE("steppe analyze --confidence scales the intervals by z and --seed draws other resamples", "[cli][analyze]") {
  const fs::path folder = swept("confidence", "extends: " + (root_folder() / "examples/sweeps/ishigami.yaml").string() +
                                                  "\nsweep: {design: sobol, samples: 512}\n");
  const auto s1_interval = [&](const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"analyze", "s.sqlite", "--json"};
    args.insert(args.end(), flags.begin(), flags.end());
    const RunResult result = run_steppe(args, folder);
    REQUIRE(result.exit_code == 0);
    return nlohmann::json::parse(result.out)[0]["indices"][0]["S1_conf"].get<double>();
  };
  const double base = s1_interval({});
  CHECK(s1_interval({"--confidence", "0.99"}) / base == Approx(2.5758293 / 1.9599640).epsilon(1e-6));
  CHECK(s1_interval({"--seed", "1"}) == base);
  CHECK(s1_interval({"--seed", "2"}) != base);

  const RunResult bad = run_steppe({"analyze", "s.sqlite", "--confidence", "1.5"}, folder);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--confidence"));
}

TEST_CASE(
    "steppe analyze reports a stochastic outcome's replicate noise as its own row, in JSON, and warns when "
    "it buries the factors",
    "[cli][analyze][noise]") {
  const fs::path folder = swept("noise", noisy);
  const RunResult table = run_steppe({"analyze", "s.sqlite"}, folder);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::StartsWith("system.y.final: Sobol indices (N = 256, 4 replicates, 95% bootstrap"));
  const auto noise = table_row(table.out, "(replicate noise)");
  REQUIRE(noise.size() >= 3);
  // 4 / (4 + 5/12) of one run's variance is noise; with 4 replicates a point mean is 70% noise.
  CHECK(std::stod(noise[1]) == Approx(0.906).margin(0.03));
  CHECK_THAT(table.out, Catch::Contains("warning: ") && Catch::Contains("of the point means' variance is "
                                                                        "replicate noise: run more replicates"));

  const RunResult json = run_steppe({"analyze", "s.sqlite", "--json"}, folder);
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out)[0];
  CHECK(document["replicates"] == 4);
  CHECK(document["noise_share"].get<double>() == Approx(0.906).margin(0.03));
  CHECK(document["noise_share_of_means"].get<double>() == Approx(1 / (1 + 5.0 / 12)).margin(0.08));
  CHECK_FALSE(document["warnings"].empty());
  // The convergence: N/8, N/4, N/2, N.
  REQUIRE(document["convergence"].size() == 4);
  CHECK(document["convergence"][0]["base_rows"] == 32);
  CHECK(document["convergence"][3]["base_rows"] == 256);
}

TEST_CASE("steppe analyze draws a convergence chart per Sobol outcome", "[cli][analyze]") {
  const fs::path folder = swept("convergence", noisy);
  REQUIRE(run_steppe({"analyze", "s.sqlite", "--out", "charts"}, folder).exit_code == 0);
  const std::string chart = read_text_file(folder / "charts" / "system.y.final.convergence.svg");
  CHECK_THAT(chart, Catch::Contains("against the number of base rows"));
  for (const std::string label : {">32<", ">64<", ">128<", ">256<", ">base rows N<", ">x1<", ">x3<"})
    CHECK_THAT(chart, Catch::Contains(label));
}

TEST_CASE("steppe analyze counts the runs where an outcome is undefined", "[cli][analyze]") {
  // Autonomy falls below 0.5 in some runs of the baseline and never in others.
  const fs::path folder = swept(
      "undefined", "extends: " + (root_folder() / "scenarios/baseline.yaml").string() +
                       "\nseed: 3\nuncertainties:\n  CHN.theta: {uniform: [1.0, 3.0]}\n  beta: {uniform: [0.1, 0.5]}\n"
                       "outcomes: [MNG.autonomy.first_below(0.47)]\nsweep: {design: sobol, samples: 64}\n");
  const RunResult table = run_steppe({"analyze", "s.sqlite"}, folder);
  REQUIRE(table.exit_code == 0);
  const RunResult json = run_steppe({"analyze", "s.sqlite", "--json"}, folder);
  const auto document = nlohmann::json::parse(json.out)[0];
  const auto undefined = document["undefined_runs"].get<std::int64_t>();
  INFO(table.out);
  CHECK(undefined > 0);
  CHECK(undefined < 64 * 4);
  CHECK_THAT(table.out, Catch::Contains(fmt::format("undefined in {} of 256 runs, left out", undefined)));
  CHECK(document["rows_left_out"].get<std::int64_t>() > 0);
}

TEST_CASE("steppe analyze gives a Latin hypercube sweep RBD-FAST, SRC, PRCC and PAWN with intervals as JSON",
          "[cli][analyze][given_data]") {
  const fs::path database = scratch("analyze-lhs") / "l.sqlite";
  const RunResult sweep =
      run_steppe({"sweep", "examples/sweeps/ishigami_lhs.yaml", "--db", database.string(), "-q"}, root_folder());
  REQUIRE(sweep.exit_code == 0);
  const RunResult json = run_steppe({"analyze", database.string(), "--json"});
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out)[0];
  CHECK(document["points"] == 5000);
  const auto& x2 = document["factors"][1];
  CHECK(x2["factor"] == "x2");
  CHECK(std::abs(x2["rbd_fast_S1"]["value"].get<double>() - 0.4424) <= x2["rbd_fast_S1"]["conf"].get<double>());
  for (const std::string measure : {"src", "prcc", "pawn_median", "pawn_mean", "pawn_max"})
    CHECK(x2[measure]["conf"].get<double>() > 0);
  CHECK(document["src_r_squared"]["value"].get<double>() < 0.3);  // Ishigami is far from linear
  CHECK(document["pawn_null_upper"].get<double>() > document["pawn_null_median"].get<double>());
}

TEST_CASE("steppe analyze of an unfinished sweep is an input error that says how to finish it", "[cli][analyze]") {
  const fs::path folder = scratch("analyze-unfinished");
  write_text_file(folder / "sweep.yaml", noisy);
  // A shard holds part of the runs: analyzing it is refused, with the way to the whole sweep.
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--shard", "1/2", "--db", "part.sqlite", "-q"}, folder).exit_code == 0);
  const RunResult shard = run_steppe({"analyze", "part.sqlite"}, folder);
  CHECK(shard.exit_code == 2);
  CHECK_THAT(shard.err, Catch::Contains("holds shard 1/2 of a sweep") && Catch::Contains("steppe merge"));

  // An interrupted sweep: the hint, pasted into a shell, finishes it, and analyze then works.
  write_text_file(folder / "long.yaml", "extends: " + (root_folder() / "scenarios/calibrated.yaml").string() +
                                            "\nstochastic: true\nuncertainties:\n  CHN.k: {uniform: [0.14, 0.26]}\n"
                                            "sweep: {design: sobol, samples: 8192, replicates: 4}\n");
  const std::string start = "cd " + shell_quote(folder.string()) + " && (" + shell_quote(STEPPE_BINARY) +
                            " sweep long.yaml --db whole.sqlite --threads 1 --quiet >/dev/null 2>&1 & echo $! > pid)";
  REQUIRE(std::system(start.c_str()) == 0);
  RunResult unfinished;
  for (int attempt = 0; attempt < 3000; ++attempt) {  // until the first block is committed
    unfinished = run_steppe({"analyze", "whole.sqlite"}, folder);
    if (unfinished.err.find("the sweep is not finished (0 of") == std::string::npos &&
        unfinished.err.find("not finished") != std::string::npos)
      break;
  }
  REQUIRE(std::system(("kill -9 " + read_text_file(folder / "pid")).c_str()) == 0);
  CHECK(unfinished.exit_code == 2);
  REQUIRE_THAT(unfinished.err, Catch::Contains("the sweep is not finished"));
  const std::string hint = unfinished.err.substr(unfinished.err.find("finish it with ") + 15);
  // Pasted in the folder where analyze ran.
  const std::string pasted = "cd " + shell_quote(folder.string()) + " && " + runnable(hint.substr(0, hint.find('\n')));
  REQUIRE(std::system((pasted + " >/dev/null 2>&1").c_str()) == 0);
  CHECK(run_steppe({"analyze", "whole.sqlite"}, folder).exit_code == 0);
}

TEST_CASE("steppe analyze prints the same indices, intervals and charts at --threads 1 and 2", "[cli][analyze]") {
  // Each bootstrap resample draws from its own stream and has its own slot: the thread that
  // computes it changes nothing, to the last bit of the JSON and of the charts.
  const fs::path folder =
      swept("threads", "extends: " + (root_folder() / "examples/sweeps/noisy_linear.yaml").string() +
                           "\nsweep: {design: sobol, samples: 512, replicates: 4, second_order: "
                           "true}\n");
  std::vector<std::string> outputs, charts;
  for (const std::string threads : {"1", "2"}) {
    const RunResult json = run_steppe({"analyze", "s.sqlite", "--json", "--threads", threads}, folder);
    REQUIRE(json.exit_code == 0);
    outputs.push_back(json.out);
    const fs::path out = folder / ("charts-" + threads);
    const RunResult text = run_steppe({"analyze", "s.sqlite", "--threads", threads, "--out", out.string()}, folder);
    REQUIRE(text.exit_code == 0);
    outputs.push_back(text.out.substr(0, text.out.find("wrote ")));
    charts.push_back(read_text_file(out / "system.y.final.svg") +
                     read_text_file(out / "system.y.final.convergence.svg"));
  }
  const auto document = nlohmann::json::parse(outputs[0]);
  CHECK(document[0]["indices"][1]["ST_conf"].get<double>() > 0);
  CHECK(document[0]["second_order"].size() == 3);
  CHECK(outputs[0] == outputs[2]);
  CHECK(outputs[1] == outputs[3]);
  CHECK(charts[0] == charts[1]);
}
