// Controllers end to end through the real binary: a doctrine's and a lookahead's decisions.csv
// from the shipped examples, ensembles with controllers, `steppe equilibrium` on the example and
// its refusals, and a mistake in a scenario's controllers reported at its place with exit 2.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace {

using namespace steppe::cli_testing;

RunResult run_from_root(const std::vector<std::string>& args) { return run_steppe(args, root_folder()); }

// decisions.csv's rows, split at commas (no field of these examples is quoted).
std::vector<std::vector<std::string>> decision_rows(const fs::path& folder) {
  std::vector<std::vector<std::string>> rows;
  const std::vector<std::string> lines = lines_of(read_text_file(folder / "decisions.csv"));
  REQUIRE(!lines.empty());
  CHECK(lines.front() == "date,actor,controller,option,score,chosen,reason");
  for (std::size_t index = 1; index < lines.size(); ++index) rows.push_back(split(lines[index], ','));
  return rows;
}

}  // namespace

TEST_CASE("steppe run writes a doctrine's decisions month by month", "[cli][controllers]") {
  const fs::path folder = scratch("doctrine") / "out";
  const RunResult result =
      run_from_root({"run", "examples/controllers/china_2016_doctrine.yaml", "--out", folder.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto rows = decision_rows(folder);
  REQUIRE(rows.size() == 120);  // one a month: the doctrine decides every month
  // Quiet until the affront of 2026-06, China squeezes from the month after, until it sees
  // Mongolia's concession (three months late) and relents.
  for (const auto& row : rows) {
    REQUIRE(row.size() == 7);
    CHECK(row[1] == "CHN");
    CHECK(row[2] == "doctrine");
    CHECK(row[5] == "1");
    const bool squeezing = row[3] == "direct_pressure=0.15";
    CHECK(squeezing == (row[6] == "CHN.threat_perception > 0.3"));
    CHECK(squeezing == (row[0] >= "2026-07" && row[0] <= "2026-11"));
  }
}

TEST_CASE("steppe run writes a lookahead's options and scores, the chosen one the best", "[cli][controllers]") {
  const fs::path folder = scratch("lookahead") / "out";
  const RunResult result =
      run_from_root({"run", "examples/controllers/china_lookahead.yaml", "--out", folder.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto rows = decision_rows(folder);
  REQUIRE(rows.size() == 40 * 9);  // every 3 months of 120: the status quo and 8 candidates
  for (std::size_t first = 0; first < rows.size(); first += 9) {
    double best = -1e300, chosen = 0;
    int chosen_count = 0;
    for (std::size_t option = first; option < first + 9; ++option) {
      const double score = std::stod(rows[option][4]);
      best = std::max(best, score);
      if (rows[option][5] == "1") chosen = score, ++chosen_count;
    }
    CHECK(rows[first][3].rfind("status quo: ", 0) == 0);
    CHECK(chosen_count == 1);
    CHECK(chosen == best);
  }
}

TEST_CASE("steppe run ensembles scenarios with controllers, without a decisions file", "[cli][controllers]") {
  const fs::path folder = scratch("controller-ensemble") / "out";
  const RunResult result = run_from_root({"run", "examples/controllers/china_lookahead.yaml", "--members", "64",
                                          "--months", "24", "--out", folder.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(fs::exists(folder / "bands.csv"));
  CHECK_FALSE(fs::exists(folder / "decisions.csv"));
  // choices.csv: each month, each of China's two levers held by all 64 members between its settings.
  const std::vector<std::string> lines = lines_of(read_text_file(folder / "choices.csv"));
  REQUIRE(!lines.empty());
  CHECK(lines.front() == "date,actor,lever,setting,members,share");
  std::map<std::string, long> members;
  for (std::size_t index = 1; index < lines.size(); ++index) {
    const std::vector<std::string> row = split(lines[index], ',');
    REQUIRE(row.size() == 6);
    CHECK(row[1] == "CHN");
    members[row[0] + " " + row[2]] += std::stol(row[4]);
  }
  CHECK(members.size() == 24 * 2);
  for (const auto& [date_and_lever, count] : members) CHECK(count == 64);

  // Kept trajectories hold each member's chosen settings too, as lever rows.
  const fs::path kept = scratch("controller-kept") / "out";
  const RunResult with_members = run_from_root({"run", "examples/controllers/china_lookahead.yaml", "--members", "4",
                                                "--months", "12", "--keep-trajectories", "--out", kept.string(), "-q"});
  INFO(with_members.err);
  REQUIRE(with_members.exit_code == 0);
  const Csv trajectories = read_csv(kept / "trajectories.csv");
  CHECK(trajectories.header == "date,member,actor,variable,value,kind");
  std::size_t lever_rows = 0;
  for (const CsvRow& row : trajectories.rows)
    if (row.kind == "lever") {
      ++lever_rows;
      CHECK(row.actor == "CHN");
      CHECK((row.variable == "direct_pressure" || row.variable == "hawkishness"));
    }
  CHECK(lever_rows == 12 * 4 * 2);  // each month's step, each member, each lever China's controller sets
}

TEST_CASE("steppe equilibrium finds the example's stable pair and refuses actors without lookahead",
          "[cli][controllers]") {
  const RunResult found =
      run_from_root({"equilibrium", "examples/controllers/china_usa_equilibrium.yaml", "--actors", "CHN,USA"});
  INFO(found.err);
  REQUIRE(found.exit_code == 0);
  CHECK_THAT(found.out, Catch::Contains("stable after"));
  CHECK_THAT(found.out, Catch::Contains("each is a best response to the others within its menu"));

  const RunResult refused = run_from_root({"equilibrium", "scenarios/calibrated.yaml", "--actors", "CHN,USA"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("CHN has no lookahead controller in the scenario"));
}

TEST_CASE("a mistake in a scenario's controllers is reported at its place with exit 2", "[cli][controllers]") {
  const fs::path folder = scratch("controller-typo");
  write_text_file(folder / "typo.yaml", "extends: " + (root_folder() / "scenarios/calibrated.yaml").string() +
                                            "\n"
                                            "controllers:\n"
                                            "  - actor: CHN\n"
                                            "    lookahead: {menu: {direct_presure: [0, 0.1]}}\n");
  const RunResult result = run_steppe({"run", "typo.yaml", "--out", (folder / "out").string()}, folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("typo.yaml:4:24: error: controllers[0].lookahead.menu.direct_presure: "
                                         "unknown lever of CHN 'direct_presure', did you mean 'direct_pressure'?"));
  CHECK_FALSE(fs::exists(folder / "out"));
}

TEST_CASE("a sweep varies a controller's objective weight and temperature as uncertainties", "[cli][controllers]") {
  const fs::path folder = scratch("controller-sweep");
  write_text_file(folder / "sweep.yaml",
                  "extends: " + (root_folder() / "examples/controllers/china_lookahead.yaml").string() +
                      "\n"
                      "stochastic: true\n"
                      "uncertainties:\n"
                      "  CHN.objective.leverage: {uniform: [0.5, 2]}\n"
                      "  CHN.temperature: {uniform: [0, 0.05]}\n"
                      "sweep: {design: latin_hypercube, samples: 16, database: sweep.sqlite}\n");
  const RunResult swept = run_steppe({"sweep", "sweep.yaml", "--months", "24", "-q"}, folder);
  INFO(swept.err);
  REQUIRE(swept.exit_code == 0);
  const RunResult analyzed = run_steppe({"analyze", "sweep.sqlite", "--out", (folder / "out").string()}, folder);
  INFO(analyzed.err);
  REQUIRE(analyzed.exit_code == 0);
  CHECK_THAT(analyzed.out, Catch::Contains("CHN.objective.leverage"));
  CHECK_THAT(analyzed.out, Catch::Contains("CHN.temperature"));
}

TEST_CASE("the classroom game for three groups: the computer plays Russia", "[cli][controllers]") {
  const fs::path folder = scratch("three-groups");
  const RunResult created = run_steppe(
      {"wargame", "new", (root_folder() / "examples/classroom/game_three_groups.yaml").string(), "--dir", "game"},
      folder);
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  const RunResult status = run_steppe({"wargame", "status", "game"}, folder);
  REQUIRE(status.exit_code == 0);
  CHECK_THAT(status.out, Catch::Contains("Russia         made by the computer"));
  // Its moves are in as the turn opens: no one submits for it.
  write_text_file(folder / "moves.yaml", "team: RUS\nmoves: {}\n");
  const RunResult refused = run_steppe({"wargame", "submit", "game", "--team", "RUS", "moves.yaml"}, folder);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("RUS is played by the computer: its moves are made as each turn opens"));
}
