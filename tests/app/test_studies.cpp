// The sweep and study use cases called directly: a sweep into its database, its analysis, its
// export and scenario discovery on it — each result checked against the database it came from.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>

#include "app/json.hpp"
#include "app/studies.hpp"
#include "app/sweeps.hpp"
#include "engine/io/sweep_database.hpp"
#include "support.hpp"

using namespace steppe;

namespace {

// The Morris sweep of linear_effects (y = 10 x1 + 5 x2 + x3 + 2 x1 x3) into a fresh database.
std::filesystem::path morris_database(const std::string& name) {
  const auto database = testing::fresh_folder(name) / "linear.sqlite";
  const app::PreparedSweep prepared =
      app::prepare_sweep({.file = testing::source_path("examples/sweeps/linear_effects.yaml").string(),
                          .database = database.string(),
                          .version = "test",
                          .command = "test",
                          .resume_command = "steppe sweep linear_effects.yaml"});
  const SweepReport report = app::run_sweep(prepared);
  REQUIRE(report.ran == report.runs);
  return database;
}

}  // namespace

TEST_CASE("app: a sweep runs into its database, and a shard names a database of its own", "[app][sweep]") {
  const auto database = morris_database("app-sweep");
  CHECK(std::filesystem::exists(database));
  const app::PreparedSweep shard =
      app::prepare_sweep({.file = testing::source_path("examples/sweeps/linear_effects.yaml").string(),
                          .shard = 2,
                          .shards = 3,
                          .resume_command = "steppe sweep linear_effects.yaml --shard 2/3"});
  CHECK(shard.sweep.database.filename() == "linear_effects.shard-2-of-3.sqlite");
  CHECK_THAT(shard.finish_command, Catch::Contains("--resume"));
}

TEST_CASE("app: analyze returns the design's analysis, and its JSON holds the same numbers", "[app][sweep]") {
  const auto database = morris_database("app-analyze");
  const app::AnalysisResult result = app::analyze({.database = database.string()});
  REQUIRE(std::holds_alternative<std::vector<MorrisOutcome>>(result.outcomes));
  const auto& outcomes = std::get<std::vector<MorrisOutcome>>(result.outcomes);
  REQUIRE(outcomes.size() == 1);
  const auto& effects = outcomes.front().effects;
  REQUIRE(effects.size() == 4);
  // y is linear in x2 with slope 5 over a unit range: every elementary effect of x2 is 5.
  CHECK(effects[1].mu_star == Approx(5));
  CHECK(effects[1].sigma == Approx(0).margin(1e-9));
  CHECK(effects[3].mu_star == Approx(0).margin(1e-12));  // x4 does nothing

  const nlohmann::json document = app::json::analysis(result);
  for (std::size_t index = 0; index < effects.size(); ++index)
    CHECK(document[0]["effects"][index]["mu_star"].get<double>() == effects[index].mu_star);
  const auto charts = app::analysis_charts(result);
  REQUIRE(charts.size() == 1);
  CHECK(charts.front().name == outcomes.front().outcome + ".svg");
}

TEST_CASE("app: export gives one CSV per table with every run, and says when a sweep is complete", "[app][sweep]") {
  const auto database = morris_database("app-export");
  const app::ExportResult exported = app::export_tables(database);
  CHECK(exported.runs == exported.expected_runs);
  REQUIRE(exported.files.size() == SweepDatabase::tables().size());
  const auto& runs = exported.files.back();
  CHECK(runs.name == "runs.csv");
  const std::string content = app::content_of(runs);
  const auto lines = std::count(content.begin(), content.end(), '\n');
  CHECK(lines == exported.runs + 1);  // a header and a line per run
}

TEST_CASE("app: discover finds a denser box where y is high, restricting x1 (its largest term), and its JSON matches",
          "[app][prim]") {
  const auto database = morris_database("app-discover");
  const app::DiscoveryResult found = app::discover({.source = database.string(), .where = "system.y.final > 12"});
  REQUIRE(found.cases.dimensions.size() == 4);
  CHECK(found.box.density > found.first().density);
  CHECK(found.chosen == found.peeling.knee);
  CHECK(restricts(found.box, found.first(), 0));  // x1: y > 12 needs 10 x1 well above half its range
  const nlohmann::json document = app::json::discovery(found);
  CHECK(document["box"]["density"].get<double>() == found.box.density);
  CHECK(document["box"]["coverage"].get<double>() == found.box.coverage);
  CHECK(document["cases"].get<std::int64_t>() == static_cast<std::int64_t>(found.cases.cases.of_interest.size()));
  const auto files = app::discovery_files(found);
  REQUIRE(files.size() == 3);
  CHECK(nlohmann::json::parse(app::content_of(files[0])) == document);
  CHECK_THROWS_AS(app::discover({.source = database.string(), .where = "system.y.final > 12", .box = 100000}),
                  InputError);
}
