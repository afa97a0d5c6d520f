// The application layer's use cases called directly, as a server or the Python package would:
// each returns its result struct (no printing, no exit code), and the JSON and files made from it.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <sstream>

#include "app/json.hpp"
#include "app/output_writers.hpp"
#include "app/what_if.hpp"
#include "support.hpp"

using namespace steppe;

namespace {

std::string shipped(const std::string& name) { return testing::source_path("scenarios/" + name + ".yaml").string(); }

const app::OutputFile* file_named(const std::vector<app::OutputFile>& files, const std::string& name) {
  for (const app::OutputFile& file : files)
    if (file.name == name) return &file;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<app::OutputFile>& files) {
  std::vector<std::string> names;
  for (const app::OutputFile& file : files) names.push_back(file.name);
  return names;
}

}  // namespace

TEST_CASE("app: run returns one member's months and outcomes, and its summary and files come from them", "[app]") {
  const app::RunResult result = app::run(app::prepare_run({.scenario = shipped("baseline")}));
  REQUIRE(result.run);
  CHECK_FALSE(result.ensemble);
  CHECK(result.prepared.label == "baseline");
  CHECK(static_cast<int>(result.run->months.size()) == result.scenario().months + 1);
  const nlohmann::json summary = app::json::summary(result, {"v", "cmd"});
  CHECK(summary["members"] == 1);
  CHECK(summary["command"] == "cmd");
  CHECK(summary["outcomes"].size() == result.run->outcome_specs.size());
  const int slot = result.scenario().layout->state_index("MNG", "autonomy");
  CHECK(summary["state"]["MNG.autonomy"]["end"].get<double>() == result.run->months.back()(0, slot));
  CHECK(names_of(app::output_files(result, {"v", "cmd"})) ==
        std::vector<std::string>{"trajectories.csv", "summary.json", "chart.svg"});
}

TEST_CASE("app: an ensemble's summary gives each uncertain input's distribution from the members' draws",
          "[app][ensemble]") {
  const auto file = testing::fresh_folder("app-uncertain") / "uncertain.yaml";
  std::ofstream(file) << "extends: " << shipped("baseline") << "\nuncertainties:\n  USA.trust: {uniform: [0.3, 0.7]}\n";
  const app::RunResult result = app::run(app::prepare_run({.scenario = file.string(), .ensemble = {.members = 200}}));
  REQUIRE(result.ensemble);
  CHECK(result.ensemble->members == 200);
  const nlohmann::json summary = app::json::summary(result, {"v", "cmd"});
  const auto draws = result.ensemble->inputs.col(0);
  const double mean = summary["uncertainties"]["USA.trust"]["mean"].get<double>();
  CHECK(mean == outcome_statistics({draws.begin(), draws.end()}).mean);
  CHECK(mean == Approx(0.5).margin(0.03));  // uniform on [0.3, 0.7]: sd of the mean of 200 ≈ 0.008
  CHECK(names_of(app::output_files(result, {"v", "cmd"})) ==
        std::vector<std::string>{"bands.csv", "outcomes.csv", "summary.json", "chart.svg"});
}

TEST_CASE("app: a cancelled ensemble comes back cancelled, with nothing to write", "[app][ensemble]") {
  const std::atomic<bool> cancel{true};
  const app::RunResult result =
      app::run(app::prepare_run({.scenario = shipped("baseline"), .ensemble = {.members = 5000}}), {.cancel = &cancel});
  CHECK(result.cancelled());
}

TEST_CASE("app: compare gives B − A per outcome for runs, and member-by-member differences for ensembles", "[app]") {
  const app::ComparisonResult runs = app::compare(
      app::prepare_comparison({.sides = {{.scenario = shipped("baseline")}, {.scenario = shipped("calibrated")}}}));
  REQUIRE(runs.runs.size() == 2);
  REQUIRE(!runs.outcomes.empty());
  const nlohmann::json document = app::json::comparison(runs, {"v", "cmd"});
  CHECK(document["scenarios"][1]["label"] == "calibrated");
  for (const app::OutcomeComparison& outcome : runs.outcomes) {
    INFO(outcome.name);
    const double difference = outcome.values[1] - outcome.values[0];
    if (std::isfinite(difference))
      CHECK(document["differences_from_a"]["B"][outcome.name].get<double>() == difference);
    else
      CHECK(document["differences_from_a"]["B"][outcome.name].is_null());
  }

  // The same scenario against itself: every member's difference is zero, and B is never higher.
  const app::ComparisonResult same = app::compare(app::prepare_comparison(
      {.sides = {{.scenario = shipped("baseline")}, {.scenario = shipped("baseline")}}, .ensemble = {.members = 64}}));
  CHECK(same.prepared.labels == std::vector<std::string>{"A: baseline", "B: baseline"});
  REQUIRE(!same.outcomes.empty());
  for (const app::OutcomeComparison& outcome : same.outcomes) {
    INFO(outcome.name);
    if (std::isnan(outcome.differences[1].median)) continue;  // an outcome no member reaches
    CHECK(outcome.differences[1].q05 == 0);
    CHECK(outcome.differences[1].q95 == 0);
    CHECK(outcome.probability_greater[1] == 0);
  }
  CHECK(names_of(app::output_files(same, {"v", "cmd"})) ==
        std::vector<std::string>{"comparison.json", "bands.csv", "chart.svg"});
}

TEST_CASE("app: compare takes three sides, variants of one file among them, each against the first", "[app]") {
  const app::ComparisonResult result = app::compare(app::prepare_comparison(
      {.sides = {{.scenario = shipped("baseline")},
                 {.scenario = shipped("baseline"), .changes = parse_variant("USA.air_link=1@2030-01")},
                 {.scenario = shipped("baseline"),
                  .changes = parse_variant(
                      "CHN.direct_pressure=0.15@2030-01..2030-06, event leadership_turnover MNG 2029-06")}}}));
  REQUIRE(result.runs.size() == 3);
  CHECK(result.prepared.labels[1] == "baseline + USA.air_link=1@2030-01");
  CHECK(result.prepared.folder ==
        "baseline-vs-baseline+USA.air_link=1@2030-01-vs-baseline+CHN.direct_pressure=0.15@2030-01..2030-06+event_"
        "leadership_turnover_MNG_2029-06");
  CHECK(result.runs[2].scenario->changes ==
        std::vector<std::string>{"CHN.direct_pressure=0.15@2030-01..2030-06", "event leadership_turnover MNG 2029-06"});
  // Each variant's own run is what loading the file with those changes gives.
  LoadOptions load;
  load.overrides = parse_variant("USA.air_link=1@2030-01");
  const WhatIfRun alone = run_what_if(load_scenario(shipped("baseline"), load));
  CHECK(alone.months.back().isApprox(result.runs[1].months.back(), 0));
  CHECK_FALSE(result.runs[1].months.back().isApprox(result.runs[0].months.back(), 0));
  // The trajectories of every side in one file, the scenario in its first column.
  std::string trajectories;
  for (const auto& file : app::output_files(result, {"v", "cmd"}))
    if (file.name == "trajectories.csv") trajectories = app::content_of(file);
  CHECK(trajectories.starts_with("scenario,date,member,actor,variable,value\nbaseline,2025-01,"));
  CHECK(trajectories.find("\n\"baseline + CHN.direct_pressure=0.15@2030-01..2030-06, event leadership_turnover MNG "
                          "2029-06\",2025-01,") != std::string::npos);
}

TEST_CASE("app: compare refuses one side alone", "[app][bad]") {
  CHECK_THROWS_AS(app::prepare_comparison({.sides = {{.scenario = shipped("baseline")}}}), InputError);
}

TEST_CASE("app: scenarios that start in different months cannot be compared", "[app][bad]") {
  const auto later = testing::fresh_folder("app-later") / "later.yaml";
  std::ofstream(later) << "extends: " << shipped("baseline") << "\nstart: 2026-01\n";
  CHECK_THROWS_AS(app::prepare_comparison({.sides = {{.scenario = shipped("baseline")}, {.scenario = later.string()}}}),
                  InputError);
}

TEST_CASE("app: a run of a scenario loaded already uses it as loaded and runs as one prepared from its file", "[app]") {
  const LoadOptions load{.overrides = {parse_override("USA.air_link=1@2030-01")}};
  const auto loaded = app::validate(shipped("baseline"), load);
  const app::RunResult from_file = app::run(app::prepare_run({.scenario = shipped("baseline"), .load = load}));
  const app::RunResult kept = app::run(app::prepare_run({.scenario = shipped("baseline"), .load = load}, loaded));
  CHECK(kept.prepared.scenario == loaded);
  CHECK(kept.prepared.folder == from_file.prepared.folder);
  CHECK(kept.run->outcomes == from_file.run->outcomes);
  // The request's own checks still come first.
  CHECK_THROWS_AS(app::prepare_run({.scenario = shipped("baseline"), .also_write = {"nothing.csv"}}, loaded),
                  InputError);
}

TEST_CASE("app: kept trajectories too large for a file are refused only when a face writes the file", "[app][bad]") {
  // 240,000 members for one month: about 1.1 GB as trajectories.csv, a few hundred MB in memory.
  const app::RunRequest request{.scenario = shipped("baseline"),
                                .load = {.months = 1},
                                .ensemble = {.members = 240'000, .keep_trajectories = true}};
  CHECK_THROWS_WITH(app::prepare_run(request), Catch::Contains("--keep-trajectories"));
  app::RunRequest in_memory = request;
  in_memory.trajectories_file = false;
  CHECK(app::prepare_run(in_memory).trajectories_file_bytes == 0);
}

TEST_CASE("app: validate loads a scenario and throws InputError for a bad one", "[app][bad]") {
  CHECK(app::validate(shipped("baseline"), {})->model_name == "third_neighbor");
  const auto bad = testing::fresh_folder("app-bad") / "bad.yaml";
  std::ofstream(bad) << "extends: " << shipped("baseline") << "\nmonths: many\n";
  CHECK_THROWS_AS(app::validate(bad.string(), {}), InputError);
}

TEST_CASE("app: trajectories.jsonl holds the same numbers as trajectories.csv, one line per month and member",
          "[app][writers]") {
  const app::RunResult result =
      app::run(app::prepare_run({.scenario = shipped("baseline"), .also_write = {"trajectories.jsonl"}}));
  const auto files = app::output_files(result, {"v", "cmd"});
  const app::OutputFile* lines = file_named(files, "trajectories.jsonl");
  REQUIRE(lines);
  std::istringstream stream(app::content_of(*lines));
  std::string line;
  int count = 0;
  const Layout& layout = *result.scenario().layout;
  const int slot = layout.state_index("MNG", "autonomy");
  while (std::getline(stream, line)) {
    const nlohmann::json record = nlohmann::json::parse(line);
    CHECK(record["member"] == 0);
    CHECK(record["date"] == result.scenario().date(count).to_string());
    CHECK(record["state"]["MNG.autonomy"].get<double>() == result.run->months[count](0, slot));
    ++count;
  }
  CHECK(count == result.scenario().months + 1);
  // Without asking, the file is not written.
  const app::RunResult plain = app::run(app::prepare_run({.scenario = shipped("baseline")}));
  CHECK_FALSE(file_named(app::output_files(plain, {"v", "cmd"}), "trajectories.jsonl"));
}

TEST_CASE("app: an unknown writer or one with nothing to write is refused before anything runs", "[app][bad]") {
  CHECK_THROWS_WITH(app::prepare_run({.scenario = shipped("baseline"), .also_write = {"trajectories.jsnl"}}),
                    Catch::Contains("did you mean 'trajectories.jsonl'"));
  CHECK_THROWS_WITH(
      app::prepare_run(
          {.scenario = shipped("baseline"), .ensemble = {.members = 10}, .also_write = {"trajectories.jsonl"}}),
      Catch::Contains("--keep-trajectories"));
  CHECK_NOTHROW(app::prepare_run({.scenario = shipped("baseline"),
                                  .ensemble = {.members = 10, .keep_trajectories = true},
                                  .also_write = {"trajectories.jsonl"}}));
}

TEST_CASE("app: describe lists every model folder, gives one declaration, and refuses an unknown name",
          "[app][describe]") {
  std::set<std::string> listed, folders;
  for (const app::ModelSummary& model : app::list_models()) listed.insert(model.name);
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_path("models")))
    if (std::filesystem::exists(entry.path() / "example.yaml")) folders.insert(entry.path().filename().string());
  CHECK(listed == folders);
  const ModelDeclaration& declaration = app::describe_model("third_neighbor");
  const nlohmann::json document = app::json::declaration(declaration);
  CHECK(document["levers"].size() == declaration.levers.size());
  CHECK(document["random_events"].size() == declaration.random_events.size());
  CHECK_THROWS_WITH(app::describe_model("third_neighbour"), Catch::Contains("did you mean 'third_neighbor'"));
}

TEST_CASE("app: a scenario's network report gives each partner's routes, and a model without one is refused",
          "[app][describe]") {
  const app::NetworkReport report = app::describe_network(shipped("baseline"));
  const Network& network = *report.scenario->network;
  REQUIRE(report.routes.size() == static_cast<std::size_t>(network.partner_count()));
  for (int partner = 0; partner < network.partner_count(); ++partner)
    CHECK(report.routes[partner].second == network.routes(partner).size());
  for (const auto& control : report.control) {
    CHECK(control.capacity_share >= 0);
    CHECK(control.capacity_share <= 1);
  }
  const nlohmann::json document = app::json::network(report);
  CHECK(document["control"].size() == report.control.size());
  CHECK_THROWS_WITH(app::describe_network(testing::source_path("models/ishigami/example.yaml").string()),
                    Catch::Contains("uses no network"));
}

TEST_CASE("app: the build's information lists the models with their versions", "[app][describe]") {
  const app::BuildInfo info = app::build_info("9.9.9", false);
  const nlohmann::json document = app::json::build(info);
  CHECK(document["version"] == "9.9.9");
  CHECK(document["mpi"] == false);
  CHECK(document["models"].size() == app::list_models().size());
}
