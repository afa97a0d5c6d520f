// `steppe run --explain` end to end: the lever and derived rows it adds to trajectories.csv (and
// trajectories.jsonl), their absence without it, its refusal for ensembles, and the derived
// quantities `steppe describe` lists.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace {

using namespace steppe::cli_testing;
using nlohmann::json;

// The derived quantities of third_neighbor, in declaration order.
const std::vector<std::string> derived_names = {
    "visibility",   "support",         "pressure",      "diversification_ratio", "overreach",
    "foundations",  "threat_target",   "pressure_term", "effectiveness",         "mean_engagement",
    "support_term", "visibility_term", "best_route"};

RunResult run_from_root(const std::vector<std::string>& args) { return run_steppe(args, root_folder()); }

// The baseline's first year, run from the source root with `extra` options; its trajectories.csv.
Csv run_csv(const std::string& name, const std::vector<std::string>& extra) {
  const fs::path folder = scratch(name) / "out";
  std::vector<std::string> args = {"run", "scenarios/baseline.yaml", "--months", "12", "--out", folder.string(), "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult result = run_from_root(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return read_csv(folder / "trajectories.csv");
}

}  // namespace

TEST_CASE("steppe run --explain adds each month's levers and derived quantities to trajectories.csv",
          "[cli][explain]") {
  const Csv plain = run_csv("explain-plain", {"--set", "USA.air_link=1"});
  const Csv explained = run_csv("explain-csv", {"--explain", "--set", "USA.air_link=1"});
  CHECK(explained.header == "date,member,actor,variable,value,kind");
  CHECK(explained.well_formed);

  std::map<std::string, std::vector<const CsvRow*>> by_kind;
  std::map<std::string, std::set<std::string>> derived_by_date, levers_by_date;
  for (const CsvRow& row : explained.rows) {
    by_kind[row.kind].push_back(&row);
    if (row.kind == "derived") derived_by_date[row.date].insert(row.actor + "." + row.variable);
    if (row.kind == "lever") levers_by_date[row.date].insert(row.actor + "." + row.variable);
  }
  CHECK(by_kind.size() == 3);
  // The state rows are those of the run without --explain, value for value.
  REQUIRE(by_kind["state"].size() == plain.rows.size());
  for (std::size_t index = 0; index < plain.rows.size(); ++index) {
    const CsvRow& row = *by_kind["state"][index];
    CHECK(row.date + row.actor + row.variable + row.value_text ==
          plain.rows[index].date + plain.rows[index].actor + plain.rows[index].variable + plain.rows[index].value_text);
  }
  // Every month whose step was taken (2025-01 to 2025-12; not the horizon, 2026-01) has a row per
  // lever slot and per derived quantity (the baseline has one partner and two neighbors).
  CHECK(levers_by_date.size() == 12);
  CHECK(derived_by_date.size() == 12);
  CHECK(levers_by_date.count("2026-01") == 0);
  CHECK(derived_by_date.count("2026-01") == 0);
  const std::set<std::string> expected_derived = {
      "system.visibility", "system.support",      "system.pressure",   "system.diversification_ratio",
      "system.overreach",  "system.foundations",  "CHN.threat_target", "RUS.threat_target",
      "CHN.pressure_term", "RUS.pressure_term",   "USA.effectiveness", "USA.mean_engagement",
      "USA.support_term",  "USA.visibility_term", "USA.best_route"};
  for (const auto& [date, names] : derived_by_date) {
    INFO(date);
    CHECK(names == expected_derived);
    CHECK(levers_by_date[date].size() == 30);  // 20 of USA's, 4 of MNG's, 3 each of CHN's and RUS's
  }
  // --set holds the lever in every month's step; an unscheduled lever is at its status quo.
  for (const CsvRow* row : by_kind["lever"]) {
    if (row->actor == "USA" && row->variable == "air_link") CHECK(row->value == 1.0);
    if (row->actor == "MNG" && row->variable == "balanced_diplomacy") CHECK(row->value == 0.7);
  }
}

TEST_CASE("without --explain trajectories.csv has five columns and state rows only", "[cli][explain]") {
  const Csv csv = run_csv("explain-absent", {});
  CHECK(csv.header == "date,member,actor,variable,value");
  CHECK(csv.well_formed);
  for (const CsvRow& row : csv.rows) {
    CHECK(row.kind.empty());
    CHECK(row.variable != "visibility");
    CHECK(row.variable != "direct_pressure");
  }
}

TEST_CASE("steppe run --explain --write trajectories.jsonl adds levers and derived objects with the CSV's values",
          "[cli][explain]") {
  const fs::path folder = scratch("explain-jsonl") / "out";
  const RunResult result = run_from_root({"run", "scenarios/baseline.yaml", "--months", "6", "--explain", "--write",
                                          "trajectories.jsonl", "--out", folder.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::map<std::string, double> from_csv;  // "date kind ACTOR.name" → value
  for (const CsvRow& row : read_csv(folder / "trajectories.csv").rows)
    from_csv[row.date + " " + row.kind + " " + row.actor + "." + row.variable] = row.value;
  const std::vector<std::string> lines = lines_of(read_text_file(folder / "trajectories.jsonl"));
  REQUIRE(lines.size() == 7);
  std::size_t values = 0;
  for (const std::string& line : lines) {
    const json record = json::parse(line);
    const std::string date = record.at("date").get<std::string>();
    INFO(date);
    CHECK(record.contains("levers") == (date != "2025-07"));  // the horizon's month has no step
    for (const auto& [object, kind] : {std::pair{"state", "state"}, {"levers", "lever"}, {"derived", "derived"}}) {
      if (!record.contains(object)) continue;
      for (const auto& [name, value] : record.at(object).items()) {
        INFO(name);
        CHECK(value.get<double>() == from_csv.at(date + " " + kind + " " + name));
        ++values;
      }
    }
  }
  CHECK(values == from_csv.size());
}

TEST_CASE("steppe run --explain of an ensemble exits 2 naming --explain and writes nothing", "[cli][explain][bad]") {
  const fs::path folder = scratch("explain-ensemble") / "out";
  const RunResult result = run_from_root({"run", "scenarios/baseline.yaml", "--members", "4", "--keep-trajectories",
                                          "--explain", "--out", folder.string()});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--explain"));
  CHECK_THAT(result.err, Catch::Contains("--members"));
  CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("steppe describe third_neighbor lists the derived quantities with their sections",
          "[cli][explain][describe]") {
  // Wide enough that no row wraps (describe wraps to the terminal's width).
  const RunResult result = run_steppe({"describe", "third_neighbor"}, cli_folder(), "COLUMNS=400 ");
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Derived quantities"));
  for (const std::string& name : derived_names) {
    INFO(name);
    const std::vector<std::string> row = table_row(result.out.substr(result.out.find("Derived quantities")), name);
    REQUIRE(row.size() == 5);
    CHECK_THAT(row.back(), Catch::StartsWith("docs/model.md §7."));
  }

  const RunResult as_json = run_steppe({"describe", "third_neighbor", "--json"});
  REQUIRE(as_json.exit_code == 0);
  std::vector<std::string> names;
  const json declaration = json::parse(as_json.out);
  for (const json& derived : declaration.at("derived")) {
    names.push_back(derived.at("name").get<std::string>());
    CHECK_FALSE(derived.at("help").get<std::string>().empty());
    CHECK(derived.at("role").get<std::string>().size() > 0);
  }
  CHECK(names == derived_names);
  // A model that declares none lists none.
  CHECK_FALSE(json::parse(run_steppe({"describe", "richardson", "--json"}).out).contains("derived"));
}
