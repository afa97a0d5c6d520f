// `steppe wargame` as a class plays it through files: the real binary, real moves files, the
// classroom game of examples/classroom/ (and small definitions in tests/cli/wargame/). Every
// rule a move, a definition or a facilitator's command can break is an exit 2 with a message
// that says where and why, and records nothing; every recorded game replays to the same
// numbers; teams see other actors only through the fog of war; the debrief is one
// self-contained page.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <catch2/catch.hpp>
#include <functional>

#include "cli_support.hpp"
#include "engine/io/wargame_files.hpp"

using namespace steppe::cli_testing;
using nlohmann::json;

namespace {

const std::string classroom = "examples/classroom/game.yaml";
const std::string small_game = "tests/cli/wargame/small.yaml";  // 2 teams, 2 turns of 2 months, 20 members

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A game in its own scratch folder: the game is the subfolder "game"; moves files are written
// next to it and every command runs in the scratch folder, so files are named as a class would.
struct Game {
  fs::path folder;

  fs::path game_folder() const { return folder / "game"; }
  fs::path log_file() const { return game_folder() / "game.json"; }
  json log() const { return read_json(log_file()); }
  std::string log_bytes() const { return read_text_file(log_file()); }

  // `steppe wargame COMMAND game ARGS...`
  RunResult run(const std::string& command, std::vector<std::string> args = {}) const {
    args.insert(args.begin(), {"wargame", command, "game"});
    return run_steppe(args, folder);
  }
  // Writes the moves file `file` and submits it for `team`.
  RunResult submit(const std::string& team, const std::string& file, const std::string& text) const {
    write_text_file(folder / file, text);
    return run("submit", {"--team", team, file});
  }
};

Game new_game(const std::string& name, const std::string& definition = classroom) {
  Game game{scratch("wargame-" + name)};
  const RunResult created =
      run_steppe({"wargame", "new", definition, "--dir", game.game_folder().string()}, root_folder());
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  REQUIRE(fs::is_regular_file(game.log_file()));
  return game;
}

// Checks that a command succeeded and returns what it printed.
std::string ok(const RunResult& result) {
  INFO("stdout: " << result.out);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  return result.out;
}

// Checks a refused command: exit 2, nothing on stdout, the message on stderr.
void refused(const RunResult& result, const std::vector<std::string>& fragments) {
  INFO("stdout: " << result.out);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(lines_of(result.err).size() == 1);
  for (const std::string& fragment : fragments) CHECK_THAT(result.err, Catch::Contains(fragment));
}

// The index of ACTOR.variable among game.json's slots.
std::size_t slot_of(const json& log, const std::string& name) {
  const auto& slots = log.at("slots");
  for (std::size_t index = 0; index < slots.size(); ++index)
    if (slots[index] == name) return index;
  FAIL("no slot " << name << " in game.json");
  return 0;
}

// The median of ACTOR.variable at `month` (0: the starting state) from game.json.
double median_at(const json& log, int month, const std::string& name) {
  const std::size_t slot = slot_of(log, name);
  if (month == 0) return log.at("initial").at("months").at(0).at(slot).at(1).get<double>();
  for (const json& turn : log.at("turns")) {
    if (!turn.at("adjudicated").get<bool>()) continue;
    const json& results = turn.at("results");
    const int first = results.at("first_month").get<int>();
    const int count = static_cast<int>(results.at("months").size());
    if (month >= first && month < first + count)
      return results.at("months").at(static_cast<std::size_t>(month - first)).at(slot).at(1).get<double>();
  }
  FAIL("month " << month << " was not adjudicated");
  return 0;
}

// The cells of a briefing's indicator row (actor, variable, now, range, change[, chart]).
std::vector<std::string> indicator(const std::string& text, const std::string& actor, const std::string& variable) {
  const std::regex separator(" {2,}");
  for (const std::string& line : lines_of(text)) {
    std::vector<std::string> cells;
    for (std::sregex_token_iterator it(line.begin(), line.end(), separator, -1), end; it != end; ++it)
      if (!it->str().empty()) cells.push_back(*it);
    if (cells.size() >= 5 && cells[0] == actor && cells[1] == variable) return cells;
  }
  return {};
}

// The indicator table of a briefing: from its header line to the first empty line.
std::string indicator_table(const std::string& brief) {
  const auto start = brief.find("actor ");
  if (start == std::string::npos) return "";
  return brief.substr(start, brief.find("\n\n", start) - start);
}

const std::string approximately = "≈";

bool is_estimate(const std::vector<std::string>& row) {
  return row.size() >= 5 && row[2].rfind(approximately, 0) == 0 && row[3].rfind("estimate of ", 0) == 0;
}

double number_in(std::string cell) {
  if (cell.rfind(approximately, 0) == 0) cell.erase(0, approximately.size());
  return std::stod(cell);
}

// A turn's results, as saved in game.json.
json results_of(const json& log, int turn) {
  return log.at("turns").at(static_cast<std::size_t>(turn - 1)).at("results");
}

// The classroom game's first two turns, shared by the full game and its control without the
// inject: varied moves, a resubmission, an override.
void play_classroom_turn_1(const Game& game) {
  const std::string mng = ok(game.submit("MNG", "mng-1.yaml",
                                         "team: MNG\n"
                                         "turn: 1\n"
                                         "moves:\n"
                                         "  outreach: 0.9\n"
                                         "  balanced_diplomacy: 0.4\n"));
  CHECK(mng ==
        "recorded MNG's moves for turn 1: balanced_diplomacy 0.4, outreach 0.9\n"
        "the settings held cost 10 of a budget of 12\n");
  ok(game.submit("CHN", "chn-1.yaml",
                 "moves:\n"
                 "  hawkishness: 0.8\n"
                 "  direct_pressure: 0.05\n"));
  // Resubmitting replaces the moves: direct_pressure goes back to the starting 0.
  const std::string replaced = ok(game.submit("CHN", "chn-1b.yaml",
                                              "team: CHN\n"
                                              "moves:\n"
                                              "  CHN.hawkishness: 0.8\n"
                                              "  inducements: 0.2\n"));
  CHECK(replaced ==
        "replaced CHN's moves for turn 1: hawkishness 0.8, inducements 0.2\n"
        "the settings held cost 4 of a budget of 10\n");
  CHECK(game.log()["turns"][0]["moves"]["CHN"] == json({{"hawkishness", 0.8}, {"inducements", 0.2}}));
  ok(game.submit("RUS", "rus-1.yaml", "moves:\n"));
  ok(game.submit("USA", "usa-1.yaml",
                 "moves:\n"
                 "  high_level_visits: 0.8\n"
                 "  air_link: 1.0\n"
                 "  framing: 0.0\n"));
}

void play_classroom_turn_2(const Game& game, bool squeeze) {
  if (squeeze) CHECK(ok(game.run("inject", {"border_squeeze"})) == "inject for turn 2: Border squeeze\n");
  CHECK(ok(game.run("override", {"--team", "MNG", "outreach=0.3", "--note", "the white cell rules outreach out"})) ==
        "override for turn 2: MNG outreach 0.3\n");
  ok(game.submit("MNG", "mng-2.yaml", "moves:\n  peacekeeping_deployments: 1.0\n"));
  ok(game.submit("CHN", "chn-2.yaml", "moves:\n"));
  ok(game.submit("RUS", "rus-2.yaml", "moves:\n  direct_pressure: 0.05\n"));
  ok(game.submit("USA", "usa-2.yaml", "moves: {}\n"));
}

}  // namespace

TEST_CASE(
    "wargame: a four-team game through files, with injects, an override, a forced turn and an undo, "
    "replays to the same numbers",
    "[wargame]") {
  const Game game = new_game("full");

  // Before anyone moves, every team waits; budgets are the per-turn ones, which only the
  // facilitator sees (a budget tells what a team's settings cost, secret ones included).
  std::string status = ok(game.run("status"));
  CHECK_THAT(status, Catch::StartsWith("The Third Neighbor — Mongolia between two neighbors, 2025–2026 — turn 1 of 8 "
                                       "(2025-01 to 2025-03), 0 played\n"));
  CHECK(table_row(status, "MNG") == std::vector<std::string>{"MNG", "Mongolia", "waiting"});
  CHECK_FALSE(contains(status, "budget"));
  status = ok(game.run("status", {"--facilitator"}));
  CHECK(table_row(status, "MNG") == std::vector<std::string>{"MNG", "Mongolia", "waiting", "12"});
  CHECK(table_row(status, "CHN") == std::vector<std::string>{"CHN", "China", "waiting", "10"});

  // Turn 1: every team submits, CHN twice.
  play_classroom_turn_1(game);
  status = ok(game.run("status"));
  for (const std::string team : {"MNG", "CHN", "RUS", "USA"}) CHECK(table_row(status, team).at(2) == "submitted");
  // What a team now holds stays its own until the turn is adjudicated.
  CHECK(table_row(ok(game.run("status", {"--facilitator"})), "CHN") ==
        std::vector<std::string>{"CHN", "China", "submitted", "10"});
  const json status_json = json::parse(ok(game.run("status", {"--json"})));
  CHECK(status_json["turn"] == 1);
  CHECK(status_json["adjudicated"] == 0);
  for (const json& team : status_json["teams"]) {
    CHECK(team["submitted"] == true);
    CHECK_FALSE(team.contains("budget"));
  }
  for (const json& team : json::parse(ok(game.run("status", {"--json", "--facilitator"})))["teams"])
    CHECK(team.contains("budget"));

  const std::string turn_1 = ok(game.run("advance"));
  CHECK_THAT(turn_1, Catch::StartsWith("Turn 1 (2025-01 to 2025-03)\n"));
  CHECK_THAT(turn_1, Catch::Contains("  MNG outreach 0.6 → 0.9\n"));
  CHECK_THAT(turn_1, Catch::Contains("  MNG balanced_diplomacy 0.7 → 0.4\n"));
  CHECK_THAT(turn_1, Catch::Contains("  CHN inducements 0.5 → 0.2\n"));
  CHECK_THAT(turn_1, Catch::Contains("  USA high_level_visits 0.3 → 0.8\n"));  // model visibility 0.2: public
  CHECK_THAT(turn_1, Catch::Contains("  USA framing 0.2 → 0\n"));
  CHECK_THAT(turn_1, Catch::Contains("  CHN made 1 move no one else saw\n"));  // hawkishness: secret
  CHECK_THAT(turn_1, Catch::Contains("  USA made 1 move no one else saw\n"));  // air_link: model visibility 0.1
  CHECK_FALSE(contains(turn_1, "hawkishness"));
  CHECK_FALSE(contains(turn_1, "air_link"));
  CHECK_FALSE(contains(turn_1, "adjudicated before every team had moved"));
  CHECK_THAT(turn_1, Catch::EndsWith("\nturn 2 of 8 (2025-04 to 2025-06), 1 played\n"));

  // Budgets carry over carry_over × what was left, up to max_bank: MNG 12 + 0.5 × 2, CHN 10 +
  // 0.5 × 6, RUS 8 + 0.5 × 4, USA 26 + 0.5 × 13.5.
  status = ok(game.run("status", {"--facilitator"}));
  CHECK(table_row(status, "MNG").at(2) == "waiting");
  CHECK(table_row(status, "MNG").at(3) == "13");
  CHECK(table_row(status, "CHN").at(3) == "13");
  CHECK(table_row(status, "RUS").at(3) == "10");
  CHECK(table_row(status, "USA").at(3) == "32.75");

  // Turn 2: a deck inject and an override on a public lever.
  play_classroom_turn_2(game, true);
  const std::string turn_2 = ok(game.run("advance"));
  CHECK_THAT(turn_2, Catch::Contains("  inject: Border squeeze — After a visit by a religious leader"));
  CHECK_THAT(turn_2, Catch::Contains("  MNG outreach 0.9 → 0.3 (facilitator)\n"));
  CHECK_THAT(turn_2, Catch::Contains("  MNG peacekeeping_deployments 0.7 → 1\n"));
  CHECK_THAT(turn_2, Catch::Contains("  RUS direct_pressure 0 → 0.05\n"));
  {
    const json log = game.log();
    CHECK(
        log["turns"][1]["overrides"] ==
        json::array(
            {{{"team", "MNG"}, {"lever", "outreach"}, {"value", 0.3}, {"note", "the white cell rules outreach out"}}}));
    CHECK(log["turns"][1]["injects"][0]["name"] == "border_squeeze");
    CHECK(log["turns"][1]["injects"][0]["levers"].contains("CHN.direct_pressure"));
  }

  // The inject changes the outcome: the same two turns without the border squeeze (China's direct
  // pressure held up for the turn) leave China's coercion lower.
  {
    const Game control = new_game("full-control");
    play_classroom_turn_1(control);
    ok(control.run("advance"));
    play_classroom_turn_2(control, false);
    ok(control.run("advance"));
    CHECK(results_of(control.log(), 1) == results_of(game.log(), 1));  // the same turn 1
    const double with_squeeze = median_at(game.log(), 6, "CHN.coercion");
    const double without = median_at(control.log(), 6, "CHN.coercion");
    INFO("CHN.coercion at month 6: " << with_squeeze << " with the squeeze, " << without << " without");
    CHECK(with_squeeze > without + 0.02);
  }

  // Turn 3: an election; RUS does not submit, so advance refuses until forced.
  CHECK(ok(game.run("inject", {"presidential_election"})) == "inject for turn 3: Presidential election in Mongolia\n");
  ok(game.submit("MNG", "mng-3.yaml", "moves:\n  concession_threshold: 0.3\n"));
  ok(game.submit("CHN", "chn-3.yaml", "turn: 3\nmoves:\n  hawkishness: 0.5\n"));
  ok(game.submit("USA", "usa-3.yaml", "moves:\n  domain_awareness: 0.5\n"));
  const std::string before_refusal = game.log_bytes();
  refused(game.run("advance"), {"steppe: error: turn 3 waits for RUS: they have not submitted (advance --force"});
  CHECK(game.log_bytes() == before_refusal);
  const std::string turn_3 = ok(game.run("advance", {"--force"}));
  CHECK_THAT(turn_3, Catch::StartsWith("Turn 3 (2025-07 to 2025-09), adjudicated before every team had moved\n"));
  CHECK_THAT(turn_3, Catch::Contains("  inject: Presidential election in Mongolia"));
  CHECK_THAT(turn_3, Catch::Contains("  USA domain_awareness 0.1 → 0.5\n"));
  CHECK(game.log()["turns"][2]["forced"] == true);
  CHECK(game.log()["turns"][1]["forced"] == false);

  // Turn 4, adjudicated, undone, adjudicated again unchanged (the same numbers), undone,
  // changed and adjudicated anew (other numbers).
  ok(game.run("inject", {"coal_price_collapse"}));
  ok(game.submit("MNG", "mng-4.yaml", "moves:\n  balanced_diplomacy: 0.7\n"));
  for (const std::string team : {"CHN", "RUS", "USA"}) ok(game.submit(team, "empty.yaml", "moves:\n"));
  ok(game.run("advance"));
  const json first_results = results_of(game.log(), 4);
  CHECK(ok(game.run("undo")) ==
        "turn 4 is open again: its moves, overrides and injects stand until changed; advance adjudicates it anew\n");
  {
    const json log = game.log();
    CHECK(log["turns"].size() == 4);
    CHECK(log["turns"][3]["adjudicated"] == false);
    CHECK_FALSE(log["turns"][3].contains("results"));
    CHECK(log["turns"][3]["moves"].size() == 4);
    CHECK(log["turns"][3]["injects"].size() == 1);
  }
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 4 of 8 (2025-10 to 2025-12), 3 played"));
  ok(game.run("advance"));
  CHECK(results_of(game.log(), 4) == first_results);
  ok(game.run("undo"));
  ok(game.submit("MNG", "mng-4b.yaml", "moves:\n  balanced_diplomacy: 1.0\n  concession_threshold: 0.05\n"));
  const std::string turn_4 = ok(game.run("advance"));
  CHECK_THAT(turn_4, Catch::Contains("  MNG balanced_diplomacy 0.4 → 1\n"));
  CHECK_THAT(turn_4, Catch::Contains("  MNG made 1 move no one else saw\n"));
  CHECK_FALSE(contains(turn_4, "concession_threshold"));
  const json changed_results = results_of(game.log(), 4);
  CHECK(changed_results != first_results);
  CHECK(changed_results["first_month"] == first_results["first_month"]);
  CHECK(median_at(game.log(), 12, "CHN.threat_perception") !=
        first_results["months"][2][slot_of(game.log(), "CHN.threat_perception")][1].get<double>());

  // Turns 5 and 6: two more deck injects.
  for (const std::string card : {"fuel_supply_cut", "border_crisis"}) {
    ok(game.run("inject", {card}));
    for (const std::string team : {"MNG", "CHN", "RUS", "USA"}) ok(game.submit(team, "empty.yaml", "moves:\n"));
    ok(game.run("advance"));
  }
  // The border crisis adds 0.15 to China's coercion and 0.2 to tension from turn 6's first month.
  CHECK(median_at(game.log(), 16, "system.tension") > median_at(game.log(), 15, "system.tension") + 0.1);
  CHECK(median_at(game.log(), 16, "CHN.coercion") > median_at(game.log(), 15, "CHN.coercion") + 0.05);

  // Turn 7: an ad hoc inject, with a jump, a lever held for three months and an event.
  CHECK(ok(game.run("inject", {"--jump", "MNG.resilience=-0.05", "--lever", "CHN.direct_pressure=0.1", "--months", "3",
                               "--event", "leadership_turnover:MNG", "--title", "A snap crisis"})) ==
        "inject for turn 7: A snap crisis\n");
  for (const std::string team : {"MNG", "CHN", "RUS", "USA"}) ok(game.submit(team, "empty.yaml", "moves:\n"));
  CHECK_THAT(ok(game.run("advance")), Catch::Contains("  inject: A snap crisis\n"));
  {
    const json log = game.log();
    const json& inject = log["turns"][6]["injects"][0];
    CHECK(inject["name"] == "");
    CHECK(inject["jumps"] == json({{"MNG.resilience", -0.05}}));
    CHECK(inject["levers"] == json({{"CHN.direct_pressure", 0.1}}));
    CHECK(inject["months"] == 3);
    CHECK(inject["events"] == json::array({{{"event", "leadership_turnover"}, {"actor", "MNG"}}}));
    INFO("MNG.resilience at months 18 and 19: " << median_at(log, 18, "MNG.resilience") << ", "
                                                << median_at(log, 19, "MNG.resilience"));
    CHECK(median_at(log, 19, "MNG.resilience") < median_at(log, 18, "MNG.resilience") - 0.03);
  }

  // Turn 8, the last.
  for (const std::string team : {"MNG", "CHN", "RUS", "USA"}) ok(game.submit(team, "empty.yaml", "moves:\n"));
  CHECK_THAT(ok(game.run("advance")), Catch::EndsWith("\ngame over: 8 turns played\n"));

  // The game is over: status says so, and nothing more can be played.
  status = ok(game.run("status"));
  CHECK_THAT(status, Catch::Contains("game over: 8 turns played"));
  CHECK_FALSE(contains(status, "waiting"));
  CHECK(json::parse(ok(game.run("status", {"--json"})))["turn"].is_null());
  const std::string finished = game.log_bytes();
  refused(game.submit("CHN", "late.yaml", "moves:\n  hawkishness: 0.8\n"),
          {"late.yaml:", "the game is over: all 8 turns were played"});
  refused(game.run("advance", {"--force"}), {"steppe: error: the game is over: all 8 turns were played"});
  refused(game.run("inject", {"border_crisis"}), {"steppe: error: the game is over"});
  refused(game.run("override", {"--team", "CHN", "hawkishness=0.5"}), {"steppe: error: the game is over"});
  CHECK(game.log_bytes() == finished);

  // The log: 8 adjudicated turns of 3 months, every slot a band of 4 numbers.
  const json log = game.log();
  CHECK(log["format"] == "steppe-wargame 2");
  CHECK(log["definition_hash"].is_string());
  CHECK(log["initial"]["first_month"] == 0);
  REQUIRE(log["turns"].size() == 8);
  for (int turn = 1; turn <= 8; ++turn) {
    const json& entry = log["turns"][static_cast<std::size_t>(turn - 1)];
    CHECK(entry["number"] == turn);
    CHECK(entry["adjudicated"] == true);
    CHECK(entry["results"]["first_month"] == 3 * (turn - 1) + 1);
    REQUIRE(entry["results"]["months"].size() == 3);
    for (const json& month : entry["results"]["months"]) {
      REQUIRE(month.size() == log["slots"].size());
      for (const json& band : month) CHECK(band.size() == 4);
    }
  }
  std::vector<std::string> actions;
  for (const json& entry : log["history"]) actions.push_back(entry["action"]);
  for (const std::string action : {"new", "submit", "inject", "override", "advance", "undo"})
    CHECK(std::count(actions.begin(), actions.end(), action) > 0);
  CHECK(std::count(actions.begin(), actions.end(), "advance") == 10);
  CHECK(std::count(actions.begin(), actions.end(), "undo") == 2);

  // Every number recomputes from the log.
  const std::string replay = ok(game.run("replay"));
  for (int turn = 1; turn <= 8; ++turn)
    CHECK_THAT(replay, Catch::Contains(fmt::format("turn {}: same numbers\n", turn)));
  CHECK_FALSE(contains(replay, "DIFFERENT"));
  CHECK_THAT(replay, Catch::EndsWith("replayed 8 turn(s) from the log: every number is the same\n"));
  CHECK(game.log_bytes() == finished);  // replay and status write nothing
}

TEST_CASE("wargame: two games played with the same files have the same numbers, and replay finds a tampered number",
          "[wargame]") {
  const auto play = [](const std::string& name) {
    const Game game = new_game(name);
    ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n  direct_pressure: 0.05\n"));
    ok(game.submit("USA", "usa.yaml", "moves:\n  basing: 0.5\n"));
    ok(game.run("advance", {"--force"}));
    ok(game.run("inject", {"border_crisis"}));
    ok(game.run("inject", {"--jump", "MNG.autonomy=-0.04", "--event", "partner_election:USA", "--title", "Shock"}));
    ok(game.run("override", {"--team", "RUS", "inducements=0.6"}));
    ok(game.submit("MNG", "mng.yaml", "moves:\n  outreach: 0.3\n"));
    ok(game.run("advance", {"--force"}));
    ok(game.run("advance", {"--force"}));
    return game;
  };
  const Game first = play("same-a");
  const Game second = play("same-b");
  json a = first.log(), b = second.log();
  REQUIRE(a["turns"].size() == 4);
  CHECK(a["initial"].dump() == b["initial"].dump());
  for (std::size_t turn = 0; turn < 3; ++turn) {
    INFO("turn " << turn + 1);
    REQUIRE(a["turns"][turn]["adjudicated"] == true);
    CHECK(a["turns"][turn]["results"].dump() == b["turns"][turn]["results"].dump());
  }
  // Only the history's times may differ, and so the hash that seals it.
  for (json* log : {&a, &b}) {
    log->erase("history");
    log->erase("history_hash");
  }
  CHECK(a.dump() == b.dump());

  // One number changed by hand in turn 2's results: every command refuses the game, naming turn 2.
  json tampered = second.log();
  const std::size_t slot = slot_of(tampered, "MNG.autonomy");
  json& median = tampered["turns"][1]["results"]["months"][1][slot][1];
  median = median.get<double>() + 1e-9;
  const std::string saved = second.log_bytes();
  write_text_file(second.log_file(), tampered.dump(1) + "\n");
  refused(second.run("replay"), {"game.json: error: turn 2's record does not match the hash saved with it"});
  write_text_file(second.log_file(), saved);
  // The same number changed through steppe's own files (as a different build of the model would
  // compute it): the chain holds, and replay names turn 2 and exits 1.
  {
    steppe::wargame::GameFolder folder = steppe::wargame::GameFolder::open(second.game_folder(), true);
    folder.log().turns[1].results.months[1][slot].p50 += 1e-9;
    folder.save("edit", "", "a test changes one number");
  }
  const RunResult replay = second.run("replay");
  INFO(replay.out << replay.err);
  CHECK(replay.exit_code == 1);
  CHECK_THAT(replay.out, Catch::Contains("turn 1: same numbers\n"));
  CHECK_THAT(replay.out, Catch::Contains("turn 2: DIFFERENT numbers\n"));
  CHECK_THAT(replay.out, Catch::Contains("turn 3: same numbers\n"));
  CHECK_THAT(replay.out, Catch::EndsWith("replay differs from the log in 1 turn(s)\n"));
  CHECK(ok(first.run("replay")) ==
        "turn 1: same numbers\nturn 2: same numbers\nturn 3: same numbers\n"
        "replayed 3 turn(s) from the log: every number is the same\n");
}

TEST_CASE("wargame: every invalid move is refused with its place and reason and records nothing", "[wargame][bad]") {
  const Game game = new_game("invalid");
  ok(game.run("advance", {"--force"}));  // turn 1 closed; CHN held 5 of 10: turn 2's budget is 10 + 2.5
  ok(game.submit("CHN", "valid.yaml", "moves:\n  hawkishness: 0.8\n"));

  struct Case {
    std::string team, file, text;
    std::vector<std::string> expected;  // the first starts the message
  };
  const std::vector<Case> cases = {
      {"CHN",
       "over.yaml",
       "moves:\n  direct_pressure: 0.2\n  inducements: 0.8\n",
       {"over.yaml:2:3: error: moves: over budget: the settings CHN would hold in turn 2 cost 17, its budget is 12.5 "
        "(10 per turn + 2.5 carried over)"}},
      {"CHN",
       "typo.yaml",
       "moves:\n  hawkishnes: 0.8\n",
       {"typo.yaml:2:3: error: moves.hawkishnes: unknown lever of CHN: 'hawkishnes', did you mean 'hawkishness'?"}},
      {"MNG",
       "not-mongolian.yaml",
       "moves:\n  outreach: 0.9\n  basing: 1.0\n",
       {"not-mongolian.yaml:3:3: error: moves.basing: unknown lever of MNG: 'basing'"}},
      {"CHN",
       "setting.yaml",
       "moves:\n  hawkishness: 0.7\n",
       {"setting.yaml:2:16: error: moves.hawkishness: 0.7 is not a setting of hawkishness on the menu: 0.2 (cost 1), "
        "0.5 (cost 2), 0.8 (cost 3)"}},
      {"USA",
       "range.yaml",
       "moves:\n  basing: 1.5\n",
       {"range.yaml:2:11: error: moves.basing: value 1.5 is outside [0, 1]"}},
      {"CHN",
       "russian.yaml",
       "team: RUS\nmoves:\n  hawkishness: 0.8\n",
       {"russian.yaml:1:7: error: team: wrong team: this file holds RUS's moves, submitted as CHN"}},
      {"CHN",
       "american.yaml",
       "moves:\n  hawkishness: 0.8\n  USA.pme: 0.8\n",
       {"american.yaml:3:3: error: moves.USA.pme: wrong team: USA.pme is a lever of USA; CHN moves only its own "
        "levers"}},
      {"CHN",
       "nobody.yaml",
       "moves:\n  XYZ.hawkishness: 0.8\n",
       {"nobody.yaml:2:3: error: moves.XYZ.hawkishness: unknown actor 'XYZ'"}},
      {"CHN",
       "closed.yaml",
       "turn: 1\nmoves:\n  hawkishness: 0.8\n",
       {"closed.yaml:1:7: error: turn: turn 1 is closed: it was adjudicated; the open turn is 2"}},
      {"CHN",
       "early.yaml",
       "turn: 3\nmoves:\n  hawkishness: 0.8\n",
       {"early.yaml:1:7: error: turn: turn 3 is not open yet; the open turn is 2"}},
      {"CHN",
       "extra.yaml",
       "moves:\n  hawkishness: 0.8\nmove: {}\n",
       {"extra.yaml:3:1: error: move: unknown key 'move'"}},
      {"CHN",
       "twice.yaml",
       "moves:\n  CHN.hawkishness: 0.8\n  hawkishness: 0.8\n",
       {"twice.yaml:3:3: error: moves.hawkishness: names the lever CHN.hawkishness twice (line 2)"}},
      {"CHN", "no-moves.yaml", "team: CHN\n", {"no-moves.yaml:", "'moves'"}},
      {"CHN", "syntax.yaml", "moves:\n  hawkishness: [0.8\n", {"syntax.yaml:3:1: error: "}},
      {"CHm", "valid.yaml", "", {"error: --team: unknown team 'CHm', did you mean 'CHN'?"}},
      {"XYZ", "valid.yaml", "", {"error: --team: unknown team 'XYZ'"}},
      {"CHN", "missing.yaml", "", {"missing.yaml: error: cannot read moves file"}},
  };
  for (const Case& bad : cases) {
    INFO(bad.file << " for " << bad.team << ":\n" << bad.text);
    const std::string before = game.log_bytes();
    if (!bad.text.empty()) write_text_file(game.folder / bad.file, bad.text);
    const RunResult result = game.run("submit", {"--team", bad.team, bad.file});
    refused(result, bad.expected);
    if (bad.expected.front().find(".yaml:") != std::string::npos)
      CHECK_THAT(result.err, Catch::StartsWith(bad.expected.front()));
    CHECK(game.log_bytes() == before);
  }
  CHECK(game.log()["turns"][1]["moves"] == json({{"CHN", {{"hawkishness", 0.8}}}}));

  // A lever the model declares for the team's actor but its menu leaves out.
  const Game small = new_game("invalid-small", small_game);
  std::string before = small.log_bytes();
  refused(small.submit("CHN", "off-menu.yaml", "moves:\n  inducements: 0.5\n"),
          {"off-menu.yaml:2:3: error: moves.inducements: inducements is not on CHN's menu (menu: hawkishness)"});
  CHECK(small.log_bytes() == before);
  // A game that is over.
  ok(small.run("advance", {"--force"}));
  ok(small.run("advance", {"--force"}));
  before = small.log_bytes();
  refused(small.submit("CHN", "over.yaml", "moves:\n  hawkishness: 0.8\n"),
          {"over.yaml:", "the game is over: all 2 turns were played"});
  CHECK(small.log_bytes() == before);
}

TEST_CASE("wargame: bad overrides and injects are refused and record nothing", "[wargame][bad]") {
  const Game game = new_game("bad-facilitator");
  const std::string before = game.log_bytes();
  refused(game.run("override", {"--team", "CHN", "hawkishness=0.7"}),
          {"0.7 is not a setting of hawkishness on the menu"});
  refused(game.run("override", {"--team", "CHN", "hawkishnes=0.5"}), {"did you mean 'hawkishness'?"});
  refused(game.run("override", {"--team", "CHA", "hawkishness=0.5"}), {"unknown team 'CHA', did you mean 'CHN'?"});
  refused(game.run("inject", {"border_sqeeze"}), {"unknown inject 'border_sqeeze', did you mean 'border_squeeze'?"});
  refused(game.run("inject", {"--jump", "MNG.resilence=-0.05"}),
          {"unknown state variable 'MNG.resilence', did you mean 'MNG.resilience'?"});
  refused(game.run("inject", {"--lever", "CHN.direct_pressure=0.1"}), {"needs --months"});
  refused(game.run("inject", {"--event", "leadership_turnover:CHN"}), {"leadership_turnover happens to a focal (MNG)"});
  refused(game.run("inject", {"border_crisis", "--jump", "MNG.resilience=-0.05"}), {"not both"});
  CHECK(game.log_bytes() == before);
}

TEST_CASE("wargame: bad game definitions are input errors at their place and create no game", "[wargame][bad]") {
  struct Case {
    std::string file, expected;
  };
  const std::vector<Case> cases = {
      {"bad_menu_lever",
       "bad_menu_lever.yaml:8:7: error: teams.CHN.menu.hawkishnes: unknown lever of CHN: 'hawkishnes', did you mean "
       "'hawkishness'?"},
      {"bad_setting_range",
       "bad_setting_range.yaml:8:40: error: teams.CHN.menu.hawkishness.settings.1.5: setting 1.5 is outside the "
       "lever's range [0, 1]"},
      {"bad_setting_twice",
       "bad_setting_twice.yaml:8:40: error: teams.CHN.menu.hawkishness.settings..5: setting 0.5 is on the menu twice "
       "(written another way above)"},
      {"bad_missing_start",
       "bad_missing_start.yaml:8:31: error: teams.CHN.menu.hawkishness.settings: the settings of hawkishness must "
       "include its starting value 0.5"},
      {"bad_start_over_budget",
       "bad_start_over_budget.yaml:6:13: error: teams.CHN.budget: CHN's starting settings cost 2 per turn, above its "
       "budget of 1"},
      {"bad_team_actor", "bad_team_actor.yaml:5:3: error: teams.CHA: unknown actor 'CHA', did you mean 'CHN'?"},
      {"bad_public", "bad_public.yaml:4:20: error: public[1]: unknown variable 'tensions', did you mean 'tension'?"},
      {"bad_inject_event",
       "bad_inject_event.yaml:12:22: error: injects.election.events[0].event: unknown event 'leadership_turnovr', did "
       "you mean 'leadership_turnover'?"},
      {"bad_visibility",
       "bad_visibility.yaml:8:69: error: teams.CHN.menu.hawkishness.visibility: unknown visibility 'secrett', did you "
       "mean 'secret'?"},
      {"bad_top_key", "bad_top_key.yaml:3:1: error: turn: unknown key 'turn', did you mean 'turns'?"},
  };
  for (const Case& bad : cases) {
    INFO(bad.file);
    const fs::path folder = scratch("wargame-bad-definition-" + bad.file);
    // Into a folder that does not exist yet, and into an existing empty one.
    for (const fs::path& game : {folder / "game", folder}) {
      const RunResult result = run_steppe({"wargame", "new", "wargame/" + bad.file + ".yaml", "--dir", game.string()});
      refused(result, {});
      CHECK_THAT(result.err, Catch::StartsWith("wargame/" + bad.expected));
      CHECK_FALSE(fs::exists(game / "game.json"));
    }
    CHECK_FALSE(fs::exists(folder / "game"));
    CHECK(folder_entries(folder).empty());
  }
}

TEST_CASE(
    "wargame: a game made from a plain scenario writes a game.yaml that loads and plays, and new refuses "
    "an existing game and --turns with a definition",
    "[wargame]") {
  const Game game{scratch("wargame-from-scenario")};
  const std::string created = ok(run_steppe({"wargame", "new", "scenarios/baseline.yaml", "--dir",
                                             game.game_folder().string(), "--turns", "4", "--turn-months", "2"},
                                            root_folder()));
  CHECK_THAT(created, Catch::Contains("4 teams (MNG, CHN, RUS, USA), 4 turns of 2 months from 2025-01"));
  CHECK_THAT(created, Catch::Contains("the game's rules are in " + (game.game_folder() / "game.yaml").string()));
  CHECK(folder_entries(game.game_folder()) == std::vector<std::string>{"game.json", "game.yaml", "scenarios"});
  CHECK(folder_entries(game.game_folder() / "scenarios") == std::vector<std::string>{"baseline.yaml"});
  const std::string definition = read_text_file(game.game_folder() / "game.yaml");
  CHECK_THAT(definition, Catch::Contains("\nturns: 4\n"));
  CHECK_THAT(definition, Catch::Contains("\nturn_months: 2\n"));
  CHECK_THAT(definition, Catch::Contains("\n      hawkishness: {settings: {"));

  // The written definition loads on its own, as a definition.
  const fs::path again = game.folder / "again";
  CHECK_THAT(ok(run_steppe({"wargame", "new", (game.game_folder() / "game.yaml").string(), "--dir", again.string()})),
             Catch::Contains("4 teams (MNG, CHN, RUS, USA), 4 turns of 2 months"));

  // One turn, forced.
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 1 of 4 (2025-01 to 2025-02), 0 played"));
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.75\n"));
  CHECK_THAT(ok(game.run("advance", {"--force"})),
             Catch::StartsWith("Turn 1 (2025-01 to 2025-02), adjudicated before every team had moved\n"));
  CHECK(game.log()["turns"][0]["results"]["months"].size() == 2);
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 2 of 4 (2025-03 to 2025-04), 1 played"));

  // new refuses a folder that holds a game, from a scenario or a definition, and changes nothing.
  const std::string log = game.log_bytes();
  refused(
      run_steppe({"wargame", "new", "scenarios/baseline.yaml", "--dir", game.game_folder().string(), "--turns", "2"},
                 root_folder()),
      {"a game is already in this folder; choose another --dir"});
  refused(run_steppe({"wargame", "new", classroom, "--dir", game.game_folder().string()}, root_folder()),
          {"a game is already in this folder; choose another --dir"});
  CHECK(game.log_bytes() == log);
  CHECK(read_text_file(game.game_folder() / "game.yaml") == definition);

  // --turns and --turn-months belong to games made from scenarios.
  const fs::path other = game.folder / "other";
  refused(run_steppe({"wargame", "new", classroom, "--dir", other.string(), "--turns", "3"}, root_folder()),
          {"examples/classroom/game.yaml: error: --turns: a game definition sets its own turns and turn_months"});
  refused(run_steppe({"wargame", "new", classroom, "--dir", other.string(), "--turn-months", "1"}, root_folder()),
          {"a game definition sets its own turns and turn_months"});
  CHECK_FALSE(fs::exists(other));
}

TEST_CASE("wargame: new writes a game.yaml that loads whatever the scenario's lever values and title", "[wargame]") {
  for (const std::string scenario : {"scenario_fine_lever", "scenario_quoted_title"}) {
    INFO(scenario);
    const fs::path folder = scratch("wargame-odd-" + scenario);
    const RunResult created = run_steppe(
        {"wargame", "new", "wargame/" + scenario + ".yaml", "--dir", (folder / "game").string(), "--turns", "2"});
    INFO(created.err);
    CHECK(created.exit_code == 0);
    CHECK(fs::is_regular_file(folder / "game" / "game.json"));
  }
}

TEST_CASE(
    "wargame: a generated game.yaml edited before the first move, as the docs invite, replays to the same "
    "numbers",
    "[wargame]") {
  const Game game{scratch("wargame-edited")};
  ok(run_steppe({"wargame", "new", "examples/classroom/world.yaml", "--dir", game.game_folder().string(), "--turns",
                 "2", "--turn-months", "1"},
                root_folder()));
  const fs::path definition = game.game_folder() / "game.yaml";
  std::string text = read_text_file(definition);
  const auto members = text.find("\nmembers: 200\n");
  REQUIRE(members != std::string::npos);
  text.replace(members, 14, "\nmembers: 50\n");
  write_text_file(definition, text);
  CHECK_THAT(ok(game.run("advance", {"--force"})), Catch::Contains("(median of 50 runs"));
  const RunResult replay = game.run("replay");
  INFO(replay.out);
  CHECK(replay.exit_code == 0);
  CHECK_THAT(replay.out, Catch::EndsWith("replayed 1 turn(s) from the log: every number is the same\n"));
}

TEST_CASE("wargame: a game keeps its rules: an edited definition stops it after the first move", "[wargame]") {
  const Game game{scratch("wargame-pinned")};
  const fs::path definition = game.folder / "game.yaml";
  std::string text = read_text_file(root_folder() / small_game);
  const std::string relative = "scenario: ../../../scenarios/baseline.yaml";
  REQUIRE(text.find(relative) != std::string::npos);
  text.replace(text.find(relative), relative.size(),
               "scenario: " + (root_folder() / "scenarios/baseline.yaml").string());
  write_text_file(definition, text);
  ok(run_steppe({"wargame", "new", "game.yaml", "--dir", "game"}, game.folder));
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n"));
  const std::string log = game.log_bytes();
  // The game reads its copy of the definition: an edit of the file it was made from changes nothing.
  const std::string budget = "budget: {per_turn: 4,";
  REQUIRE(text.find(budget) != std::string::npos);
  write_text_file(definition, text.replace(text.find(budget), budget.size(), "budget: {per_turn: 9,"));
  ok(game.run("status"));
  // An edit of the copy in the game folder stops it.
  std::string copy = read_text_file(game.game_folder() / "game.yaml");
  REQUIRE(copy.find(budget) != std::string::npos);
  write_text_file(game.game_folder() / "game.yaml",
                  copy.replace(copy.find(budget), budget.size(), "budget: {per_turn: 9,"));
  for (const std::string command : {"status", "advance", "replay"}) {
    INFO(command);
    refused(game.run(command), {"the game definition or its scenario changed since play began"});
  }
  CHECK(game.log_bytes() == log);
}

TEST_CASE("wargame: undo and advance refuse what would lose or skip moves", "[wargame][bad]") {
  const Game game = new_game("undo");
  std::string log = game.log_bytes();
  refused(game.run("undo"), {"steppe: error: no turn has been adjudicated yet: nothing to undo"});
  CHECK(game.log_bytes() == log);

  ok(game.submit("MNG", "mng.yaml", "moves:\n  outreach: 0.9\n"));
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n"));
  log = game.log_bytes();
  refused(game.run("advance"),
          {"steppe: error: turn 1 waits for RUS, USA: they have not submitted (advance --force adjudicates anyway; "
           "they keep their settings)"});
  CHECK(game.log_bytes() == log);
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 1 of 8"));
  ok(game.run("advance", {"--force"}));

  // Turn 2 has an inject: undo would discard it.
  ok(game.run("inject", {"border_crisis"}));
  log = game.log_bytes();
  refused(game.run("undo"), {"steppe: error: turn 2 already has submissions, overrides or injects, which undo would "
                             "discard (undo --discard-open to go back anyway)"});
  CHECK(game.log_bytes() == log);
  // A submission alone blocks it too.
  ok(game.run("undo", {"--discard-open"}));
  ok(game.run("advance", {"--force"}));
  ok(game.submit("USA", "usa.yaml", "moves:\n"));
  log = game.log_bytes();
  refused(game.run("undo"), {"turn 2 already has submissions"});
  CHECK(game.log_bytes() == log);

  CHECK(ok(game.run("undo", {"--discard-open"})) ==
        "discarded from turn 2:\n"
        "  USA's moves: no change\n"
        "turn 1 is open again: its moves, overrides and injects stand until changed; advance adjudicates it anew\n");
  const json reopened = game.log();
  // The history marks what was discarded.
  CHECK(reopened["history"].back()["action"] == "undo");
  CHECK(reopened["history"].back()["detail"] == "turn 1 reopened; discarded turn 2: USA's moves (no change)");
  REQUIRE(reopened["turns"].size() == 1);
  CHECK(reopened["turns"][0]["adjudicated"] == false);
  CHECK(reopened["turns"][0]["forced"] == false);
  CHECK(reopened["turns"][0]["moves"] == json({{"CHN", {{"hawkishness", 0.8}}}, {"MNG", {{"outreach", 0.9}}}}));
  const std::string status = ok(game.run("status"));
  CHECK(table_row(status, "MNG").at(2) == "submitted");
  CHECK(table_row(status, "USA").at(2) == "waiting");
  refused(game.run("advance"), {"turn 1 waits for RUS, USA"});

  // After the last turn, undo reopens it.
  const Game small = new_game("undo-small", small_game);
  ok(small.run("advance", {"--force"}));
  ok(small.run("advance", {"--force"}));
  CHECK_THAT(ok(small.run("status")), Catch::Contains("game over: 2 turns played"));
  CHECK_THAT(ok(small.run("undo")), Catch::StartsWith("turn 2 is open again"));
  CHECK_THAT(ok(small.run("status")), Catch::Contains("turn 2 of 2 (2025-03 to 2025-04), 1 played"));
  ok(small.submit("MNG", "mng.yaml", "moves:\n  outreach: 0.9\n"));
  CHECK_THAT(ok(small.run("advance", {"--force"})), Catch::Contains("MNG outreach 0.6 → 0.9"));
  CHECK(ok(small.run("replay")) ==
        "turn 1: same numbers\nturn 2: same numbers\n"
        "replayed 2 turn(s) from the log: every number is the same\n");
}

TEST_CASE("wargame: teams see others through the fog of war, and secret moves stay secret", "[wargame][fog]") {
  const Game game = new_game("fog");
  const std::string chn = ok(game.run("brief", {"--team", "CHN"}));
  CHECK_THAT(chn, Catch::Contains("briefing for China (CHN)\n"));
  CHECK(chn == ok(game.run("brief", {"--team", "CHN"})));  // the same numbers every time

  // Another actor's hidden variable: a lagged, noisy estimate.
  const auto autonomy = indicator(chn, "MNG", "autonomy");
  INFO("MNG autonomy as CHN sees it: " << fmt::format("{}", fmt::join(autonomy, " | ")));
  REQUIRE(autonomy.size() >= 5);
  CHECK(is_estimate(autonomy));
  CHECK(autonomy[3] == "estimate of 2025-01");
  // Public variables and CHN's own are exact: a median and a 90% range.
  CHECK(indicator(chn, "CHN", "coercion") ==
        std::vector<std::string>{"CHN", "coercion", "0.1200", "0.1200–0.1200", "+0.0000", "▁"});
  CHECK(indicator(chn, "system", "tension") ==
        std::vector<std::string>{"system", "tension", "0.0500", "0.0500–0.0500", "+0.0000", "▁"});
  CHECK(indicator(chn, "RUS", "coercion").at(2) == "0.1000");
  CHECK(indicator(chn, "MNG", "standing").at(2) == "0.6500");
  const auto own = indicator(chn, "CHN", "threat_perception");
  REQUIRE(own.size() >= 5);
  CHECK_FALSE(is_estimate(own));
  CHECK(is_estimate(indicator(chn, "RUS", "threat_perception")));
  CHECK(is_estimate(indicator(chn, "USA", "trust")));
  CHECK_THAT(chn, Catch::Contains("your menu for turn 1 (not submitted yet):"));

  // The facilitator sees everything exactly; the estimate is not the truth.
  const std::string facilitator = ok(game.run("brief", {"--facilitator"}));
  CHECK_THAT(facilitator, Catch::Contains("briefing for the facilitator (everything)"));
  CHECK_FALSE(contains(facilitator, approximately));
  CHECK_FALSE(contains(facilitator, "estimate of"));
  const auto truth = indicator(facilitator, "MNG", "autonomy");
  REQUIRE(truth.size() >= 5);
  CHECK(number_in(truth[2]) != number_in(autonomy[2]));
  CHECK(std::abs(number_in(truth[2]) - number_in(autonomy[2])) < 0.1);  // noise 0.02

  // CHN moves a secret lever and a public one.
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n  direct_pressure: 0.05\n"));
  const std::string chn_submitted = ok(game.run("brief", {"--team", "CHN"}));
  CHECK_THAT(chn_submitted, Catch::Contains("your menu for turn 1 (with the moves you submitted):"));
  // What CHN's intelligence tells it depends on the turns adjudicated, not on what is submitted to
  // the open turn: its indicators stay the same as the others submit and the facilitator prepares.
  const std::string indicators = indicator_table(chn);
  CHECK(indicator_table(chn_submitted) == indicators);
  const std::vector<std::pair<std::string, std::vector<std::string>>> changes = {
      {"MNG submits", {"submit", "--team", "MNG", "mng.yaml"}},
      {"RUS submits", {"submit", "--team", "RUS", "empty.yaml"}},
      {"an override", {"override", "--team", "USA", "framing=0.6"}},
      {"USA submits", {"submit", "--team", "USA", "empty.yaml"}},
  };
  write_text_file(game.folder / "mng.yaml", "moves:\n  outreach: 0.9\n");
  write_text_file(game.folder / "empty.yaml", "moves:\n");
  for (const auto& [what, args] : changes) {
    INFO("CHN's briefing after " << what);
    const std::string command = args.front();
    ok(game.run(command, std::vector<std::string>(args.begin() + 1, args.end())));
    CHECK(indicator_table(ok(game.run("brief", {"--team", "CHN"}))) == indicators);
  }

  const std::string results = ok(game.run("advance"));
  CHECK_THAT(results, Catch::Contains("  CHN direct_pressure 0 → 0.05\n"));
  CHECK_THAT(results, Catch::Contains("  CHN made 1 move no one else saw\n"));
  CHECK_FALSE(contains(results, "hawkishness"));
  // The projector shows only public indicators.
  CHECK_FALSE(contains(results, "autonomy"));
  CHECK(indicator(results, "CHN", "coercion").size() == 6);

  const std::string mng = ok(game.run("brief", {"--team", "MNG"}));
  CHECK_THAT(mng, Catch::Contains("last turn:\nTurn 1 (2025-01 to 2025-03)\n"));
  CHECK_THAT(mng, Catch::Contains("  CHN direct_pressure 0 → 0.05\n"));
  CHECK_THAT(mng, Catch::Contains("  CHN made 1 move no one else saw\n"));
  CHECK_FALSE(contains(mng, "hawkishness"));
  CHECK_FALSE(is_estimate(indicator(mng, "MNG", "autonomy")));  // its own
  CHECK(is_estimate(indicator(mng, "CHN", "threat_perception")));
  const std::string rus = ok(game.run("brief", {"--team", "RUS"}));
  CHECK_FALSE(contains(rus, "CHN hawkishness"));
  CHECK_THAT(rus, Catch::Contains("  CHN made 1 move no one else saw\n"));
  CHECK_THAT(ok(game.run("brief", {"--facilitator"})), Catch::Contains("  CHN hawkishness 0.5 → 0.8 (secret)\n"));

  // A turn later CHN's estimate of MNG's autonomy is lagged to 2025-01 still, and its change is
  // measured from the estimate CHN was shown in turn 1.
  const std::string chn_turn_2 = ok(game.run("brief", {"--team", "CHN"}));
  CHECK(chn_turn_2 == ok(game.run("brief", {"--team", "CHN"})));
  const auto later = indicator(chn_turn_2, "MNG", "autonomy");
  const auto earlier = indicator(chn, "MNG", "autonomy");
  INFO("turn 1: " << fmt::format("{}", fmt::join(earlier, " | ")));
  INFO("turn 2: " << fmt::format("{}", fmt::join(later, " | ")));
  REQUIRE(later.size() >= 5);
  REQUIRE(earlier.size() >= 5);
  CHECK(is_estimate(later));
  CHECK(later[3] == "estimate of 2025-01");
  CHECK(number_in(later[2]) - std::stod(later[4]) == Approx(number_in(earlier[2])).margin(2e-4));
}

TEST_CASE("wargame: the debrief is a self-contained page with a timeline, spending and a counterfactual",
          "[wargame][report]") {
  const Game game = new_game("report");
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n  direct_pressure: 0.05\n"));
  ok(game.run("inject", {"border_squeeze"}));
  ok(game.run("advance", {"--force"}));
  ok(game.run("advance", {"--force"}));

  // A move pending in the open turn, which no debrief shows.
  ok(game.submit("CHN", "pending.yaml", "moves:\n  hawkishness: 0.2\n"));
  // The game is not over: the debrief is the facilitator's.
  refused(game.run("report"), {"steppe: error: the game is not over (turn 3 of 8 is open)", "report --facilitator"});
  CHECK_FALSE(fs::exists(game.game_folder() / "report"));
  CHECK(ok(game.run("report", {"--facilitator"})) == "wrote game/report/ : report.html, report.md\n");
  CHECK(folder_entries(game.game_folder() / "report") == std::vector<std::string>{"report.html", "report.md"});
  const std::string html = read_text_file(game.game_folder() / "report" / "report.html");
  const std::string markdown = read_text_file(game.game_folder() / "report" / "report.md");
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("<svg"));
  for (const std::string section : {"Timeline", "Spending", "Counterfactual"}) {
    CHECK_THAT(html, Catch::Contains(section));
    CHECK_THAT(markdown, Catch::Contains("## " + section));
  }
  // Self-contained: no scripts, nothing fetched; the only URL is the SVG namespace.
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<link"));
  CHECK_FALSE(contains(html, " src="));
  const std::regex url("https?://[^\"'\\s<>)]*");
  int urls = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), url), end; it != end; ++it, ++urls)
    CHECK(it->str() == "http://www.w3.org/2000/svg");
  CHECK(urls > 0);
  // The debrief reveals secret moves (apart, folded away in the page until opened), and shows
  // injects and spending against the budget.
  CHECK_THAT(markdown, Catch::Contains("### Secret moves (CHN 1"));
  CHECK_THAT(markdown, Catch::Contains("| 1 | 2025-01 to 2025-03 | CHN | hawkishness 0.5 → 0.8 |"));
  CHECK_THAT(html, Catch::Contains("<details id=\"secret-moves\">"));
  CHECK_THAT(markdown, Catch::Contains("| 1 | 2025-01 to 2025-03 | facilitator | inject: Border squeeze"));
  // The squeeze held CHN's direct pressure at 0.05 for turn 1: CHN was not charged for it then
  // (hawkishness 3 + inducements 3), and carried half of the 4 left into turn 2.
  CHECK_THAT(markdown, Catch::Contains("| CHN | 6 of 10 | 9 of 12 | 15 of 20 |"));
  CHECK_THAT(markdown,
             Catch::Contains("| 1 | 2025-01 to 2025-03 | facilitator | Border squeeze held CHN "
                             "direct_pressure at 0.05 in 2025-01 to 2025-03 (CHN not charged for it then) |"));
  CHECK_THAT(markdown, Catch::Contains("## Counterfactual: USA plays calibrated"));
  CHECK_FALSE(contains(markdown, "hawkishness 0.2"));
  CHECK_FALSE(contains(html, "hawkishness 0.2"));

  // Another counterfactual, into another folder.
  const fs::path other = game.folder / "disengaged";
  CHECK(ok(run_steppe({"wargame", "report", game.game_folder().string(), "--facilitator", "--out", other.string(),
                       "--counterfactual", "USA=scenarios/disengaged.yaml"},
                      root_folder())) == "wrote " + other.string() + "/ : report.html, report.md\n");
  CHECK_THAT(read_text_file(other / "report.md"), Catch::Contains("## Counterfactual: USA plays disengaged"));
  CHECK_THAT(read_text_file(other / "report.html"), Catch::Contains("disengaged"));

  // Bad counterfactuals write nothing.
  const fs::path bad = game.folder / "bad";
  refused(run_steppe({"wargame", "report", game.game_folder().string(), "--facilitator", "--out", bad.string(),
                      "--counterfactual", "XYZ=scenarios/disengaged.yaml"},
                     root_folder()),
          {"unknown team for the counterfactual: 'XYZ'"});
  refused(run_steppe({"wargame", "report", game.game_folder().string(), "--facilitator", "--out", bad.string(),
                      "--counterfactual", "USA"},
                     root_folder()),
          {"--counterfactual: expected TEAM=SCENARIO"});
  refused(run_steppe({"wargame", "report", game.game_folder().string(), "--facilitator", "--out", bad.string(),
                      "--counterfactual", "USA=scenarios/nowhere.yaml"},
                     root_folder()),
          {"scenarios/nowhere.yaml"});
  CHECK_FALSE(fs::exists(bad));
}

// A signal while a command works (an advance of 100,000 members over 24 months takes a second)
// leaves the game as it was: the save is the last thing a command does, and it checks for one.
TEST_CASE("SIGTERM during wargame advance exits 143 with the game unchanged, and the turn can be advanced again",
          "[cli][wargame][signal]") {
  const Game game{scratch("wargame-signal")};
  std::string definition = read_text_file(source_path(small_game));
  // Seconds of work in a release build; the sanitizers' debug build is some fifty times slower.
#if defined(__SANITIZE_ADDRESS__)
  definition = std::regex_replace(definition, std::regex("members: 20"), "members: 2000");
#else
  definition = std::regex_replace(definition, std::regex("members: 20"), "members: 100000");
#endif
  definition = std::regex_replace(definition, std::regex("turn_months: 2"), "turn_months: 24");
  definition = std::regex_replace(definition, std::regex("\\.\\./\\.\\./\\.\\./scenarios"),
                                  (root_folder() / "scenarios").string());
  write_text_file(game.folder / "big.yaml", definition);
  REQUIRE(run_steppe({"wargame", "new", "big.yaml", "--dir", "game"}, game.folder).exit_code == 0);
  const std::string before = game.log_bytes();

  const Interrupted advance =
      interrupt_after({"wargame", "advance", "game", "--force"}, "0.5", "wargame-advance", "TERM", game.folder);
  INFO(advance.err);
  REQUIRE(advance.signalled_while_running);  // else the advance finished first: use more members
  CHECK(advance.exit_code == 143);
  CHECK(advance.err == "steppe: interrupted; nothing was written\n");
  CHECK(game.log_bytes() == before);
  CHECK(folder_entries(game.game_folder()) == std::vector<std::string>{".lock", "game.json", "game.yaml", "scenarios"});

  ok(game.run("advance", {"--force"}));
  CHECK(game.log()["turns"][0]["adjudicated"] == true);
}

TEST_CASE(
    "wargame: status shows budgets only to the facilitator (a team its own), who sees the open turn's injects and "
    "overrides numbered and removes one by its number",
    "[wargame]") {
  const Game game = new_game("facilitator");
  ok(game.run("inject", {"border_squeeze"}));
  ok(game.run("inject", {"border_crisis"}));
  // Several levers in one override, one note for all.
  CHECK(ok(game.run("override", {"--team", "MNG", "outreach=0.3", "balanced_diplomacy=0.4", "--note", "white cell"})) ==
        "override for turn 1: MNG outreach 0.3, balanced_diplomacy 0.4\n");
  CHECK(game.log()["turns"][0]["overrides"].size() == 2);
  CHECK(game.log()["turns"][0]["overrides"][1] ==
        json({{"team", "MNG"}, {"lever", "balanced_diplomacy"}, {"value", 0.4}, {"note", "white cell"}}));
  // Every assignment is checked before any is recorded.
  std::string before = game.log_bytes();
  refused(game.run("override", {"--team", "MNG", "outreach=0.9", "outreach=0.7"}),
          {"<command line>: error: override: 0.7 is not a setting of outreach on the menu"});
  refused(game.run("override", {"--team", "MNG", "outreach=0.9", "outreach=0.3"}), {"outreach is named twice"});
  refused(game.run("override", {"--team", "MNG"}), {"give at least one LEVER=SETTING"});
  refused(game.run("override", {"--remove", "1", "--team", "MNG"}), {"--remove: removes an override"});
  refused(game.run("inject", {"--remove", "1", "border_crisis"}), {"--remove: removes an inject"});
  CHECK(game.log_bytes() == before);

  std::string status = ok(game.run("status"));
  CHECK_FALSE(contains(status, "budget"));
  CHECK_THAT(status, Catch::Contains("\nthe facilitator has 2 injects and 2 overrides for this turn\n"));
  CHECK_FALSE(contains(status, "Border squeeze"));
  CHECK_FALSE(contains(status, "outreach"));
  status = ok(game.run("status", {"--team", "CHN"}));
  CHECK(table_row(status, "CHN") == std::vector<std::string>{"CHN", "China", "waiting", "10"});
  CHECK(table_row(status, "USA") == std::vector<std::string>{"USA", "United States", "waiting"});
  status = ok(game.run("status", {"--facilitator"}));
  CHECK(table_row(status, "USA") == std::vector<std::string>{"USA", "United States", "waiting", "26"});
  CHECK_THAT(status, Catch::Contains("\ninjects this turn (inject --remove N removes one):\n"
                                     "  1. Border squeeze\n"
                                     "  2. Crisis near the border\n"
                                     "\noverrides this turn (override --remove N removes one):\n"
                                     "  1. MNG outreach 0.3 — white cell\n"
                                     "  2. MNG balanced_diplomacy 0.4 — white cell\n"));
  const json facilitator_json = json::parse(ok(game.run("status", {"--facilitator", "--json"})));
  CHECK(facilitator_json["injects"].size() == 2);
  CHECK(facilitator_json["overrides"][1]["lever"] == "balanced_diplomacy");
  CHECK_FALSE(json::parse(ok(game.run("status", {"--json"}))).contains("overrides"));

  CHECK(ok(game.run("inject", {"--remove", "1"})) == "removed inject 1 from turn 1: Border squeeze\n");
  CHECK(ok(game.run("override", {"--remove", "2"})) == "removed override 2 from turn 1: MNG balanced_diplomacy 0.4\n");
  const json log = game.log();
  REQUIRE(log["turns"][0]["injects"].size() == 1);
  CHECK(log["turns"][0]["injects"][0]["title"] == "Crisis near the border");
  REQUIRE(log["turns"][0]["overrides"].size() == 1);
  CHECK(log["turns"][0]["overrides"][0]["lever"] == "outreach");
  CHECK(log["history"][log["history"].size() - 2]["action"] == "remove inject");
  CHECK(log["history"].back()["action"] == "remove override");
  before = game.log_bytes();
  refused(game.run("inject", {"--remove", "2"}), {"steppe: error: turn 1 has 1 inject: there is no number 2"});
  refused(game.run("override", {"--remove", "3"}), {"steppe: error: turn 1 has 1 override: there is no number 3"});
  CHECK(game.log_bytes() == before);
}

TEST_CASE(
    "wargame: an inject that holds a lever says so in the results, and the team is not charged for the months it "
    "held it, and budgets print with at most two decimals",
    "[wargame]") {
  const Game game = new_game("held");
  // China sets direct pressure to 0.1 (6) with hawkishness 0.2 (1) and inducements 0.5 (3): 10 of 10.
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.2\n  direct_pressure: 0.1\n"));
  ok(game.run("inject", {"border_squeeze"}));  // holds CHN.direct_pressure at 0.05 for three months
  const std::string turn_1 = ok(game.run("advance", {"--force"}));
  CHECK_THAT(turn_1, Catch::Contains("  CHN direct_pressure 0 → 0.1, but Border squeeze held it at 0.05 in 2025-01 to "
                                     "2025-03 (CHN not charged for it then)\n"));
  // Charged 1 + 3 of 10: half of the 6 left carries over.
  CHECK(table_row(ok(game.run("status", {"--facilitator"})), "CHN").at(3) == "13");

  // Turn 2: inducements 0.8 (5), held at 0.5 for one month of three by an ad hoc inject: charged
  // 1 + 5 × 2/3 + 6, and half of what is left, 2.67, carried: 11.33.
  ok(game.submit("CHN", "chn-2.yaml", "moves:\n  inducements: 0.8\n"));
  ok(game.run("inject", {"--lever", "CHN.inducements=0.5", "--months", "1", "--title", "Trade fair"}));
  const std::string turn_2 = ok(game.run("advance", {"--force"}));
  CHECK_THAT(turn_2, Catch::Contains("  CHN inducements 0.5 → 0.8, but Trade fair held it at 0.5 in 2025-04 (CHN not "
                                     "charged for it then)\n"));
  CHECK(table_row(ok(game.run("status", {"--facilitator"})), "CHN").at(3) == "11.33");
  CHECK_THAT(ok(game.run("brief", {"--team", "CHN"})),
             Catch::Contains("budget this turn 11.33; these settings cost 12"));
  CHECK_THAT(ok(game.submit("CHN", "chn-3.yaml", "moves:\n")),  // keeps everything: not checked
             Catch::EndsWith("the settings held cost 12 of a budget of 11.33\n"));
  refused(game.submit("CHN", "chn-4.yaml", "moves:\n  inducements: 0.8\n  hawkishness: 0.5\n"),
          {"over budget: the settings CHN would hold in turn 3 cost 13, its budget is 11.33 (10 per turn + 1.33 "
           "carried over)"});
}

TEST_CASE("wargame: a moves file or definition that is a folder or a device is refused at once with exit 2",
          "[wargame][bad]") {
  const Game game = new_game("not-a-file", small_game);
  fs::create_directories(game.folder / "folder.yaml");
  const std::string before = game.log_bytes();
  refused(game.run("submit", {"--team", "CHN", "folder.yaml"}),
          {"folder.yaml: error: cannot read moves file: it is a directory, not a regular file"});
  const auto start = std::chrono::steady_clock::now();
  refused(game.run("submit", {"--team", "CHN", "/dev/zero"}),
          {"/dev/zero: error: cannot read moves file: it is a character device, not a regular file"});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(game.log_bytes() == before);
  refused(run_steppe({"wargame", "new", "folder.yaml", "--dir", "other"}, game.folder), {"it is a directory"});
  refused(run_steppe({"wargame", "new", "/dev/zero", "--dir", "other"}, game.folder), {"it is a character device"});
  CHECK_FALSE(fs::exists(game.folder / "other"));
}

TEST_CASE(
    "wargame: a damaged game.json is a clear error naming the file and how to restore the backup, and hand edits "
    "of moves, injects or the pin are refused naming where",
    "[wargame][bad]") {
  const Game game = new_game("damaged", small_game);
  CHECK_FALSE(fs::exists(game.game_folder() / "game.json.bak"));
  ok(game.run("inject", {"squeeze"}));
  ok(game.submit("CHN", "chn.yaml", "moves:\n  hawkishness: 0.8\n"));
  const std::string before_advance = game.log_bytes();
  ok(game.run("advance", {"--force"}));
  CHECK(read_text_file(game.game_folder() / "game.json.bak") == before_advance);
  const std::string good = game.log_bytes();

  // Cut short: not JSON. The message names the file and the backup, without the JSON library's words.
  write_text_file(game.log_file(), good.substr(0, good.size() / 2));
  for (const std::string command : {"status", "advance", "replay"}) {
    const RunResult result = game.run(command);
    refused(result, {"game/game.json: error: the game file is damaged: it is not valid JSON (at byte ",
                     "the save before the last change is in game/game.json.bak: `cp game/game.json.bak "
                     "game/game.json` restores it"});
    CHECK_FALSE(contains(result.err, "json.exception"));
  }
  // The hint works: the save before the advance, turn 1 still open.
  fs::copy_file(game.game_folder() / "game.json.bak", game.log_file(), fs::copy_options::overwrite_existing);
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 1 of 2"));
  write_text_file(game.log_file(), good);

  struct Edit {
    std::string what;
    std::function<void(json&)> edit;
    std::string expected;
  };
  const std::vector<Edit> edits = {
      {"a move", [](json& log) { log["turns"][0]["moves"]["CHN"]["hawkishness"] = 0.5; }, "turn 1's record"},
      {"an inject's effect", [](json& log) { log["turns"][0]["injects"][0]["levers"]["CHN.direct_pressure"] = 0.2; },
       "turn 1's record"},
      {"the pin", [](json& log) { log["definition_hash"] = nullptr; },
       "the game's start (its definition, pin or starting state)"},
      {"the history", [](json& log) { log["history"][0]["detail"] = "nothing"; }, "the game's history"},
  };
  for (const Edit& edit : edits) {
    INFO(edit.what);
    json log = json::parse(good);
    edit.edit(log);
    write_text_file(game.log_file(), log.dump(1) + "\n");
    for (const std::string command : {"status", "advance"})
      refused(game.run(command), {"game/game.json: error: " + edit.expected +
                                      " does not match the hash saved with it: game.json was changed outside steppe",
                                  "`cp game/game.json.bak game/game.json` restores it"});
  }
  write_text_file(game.log_file(), good);
  CHECK_THAT(ok(game.run("status")), Catch::Contains("turn 2 of 2"));
}

TEST_CASE(
    "wargame: the game folder holds copies of its definition and scenarios, so it still plays when moved to another "
    "tree and its sources are gone",
    "[wargame]") {
  const fs::path folder = scratch("wargame-moved");
  // A definition whose scenario extends another, in folders of their own, named with quotes.
  std::string definition = read_text_file(root_folder() / small_game);
  const std::string reference = "scenario: ../../../scenarios/baseline.yaml";
  REQUIRE(definition.find(reference) != std::string::npos);
  definition.replace(definition.find(reference), reference.size(), "scenario: \"world/mine.yaml\"");
  definition += "counterfactual: {team: MNG, scenario: 'base/baseline.yaml'}\n";
  fs::create_directories(folder / "source" / "world");
  fs::create_directories(folder / "source" / "base");
  write_text_file(folder / "source" / "game.yaml", definition);
  write_text_file(folder / "source" / "world" / "mine.yaml", "extends: ../base/baseline.yaml  # the calm world\n");
  fs::copy_file(root_folder() / "scenarios/baseline.yaml", folder / "source" / "base" / "baseline.yaml");
  ok(run_steppe({"wargame", "new", "source/game.yaml", "--dir", "first/game"}, folder));
  const fs::path first = folder / "first" / "game";
  CHECK(folder_entries(first) == std::vector<std::string>{"game.json", "game.yaml", "scenarios"});
  CHECK(folder_entries(first / "scenarios") == std::vector<std::string>{"baseline.yaml", "mine.yaml"});
  CHECK(read_text_file(first / "scenarios" / "mine.yaml") == "extends: baseline.yaml  # the calm world\n");
  const std::string copy = read_text_file(first / "game.yaml");
  CHECK_THAT(copy, Catch::Contains("\nscenario: scenarios/mine.yaml\n"));
  CHECK_THAT(copy, Catch::Contains("counterfactual: {team: MNG, scenario: scenarios/baseline.yaml}\n"));
  write_text_file(folder / "chn.yaml", "moves:\n  hawkishness: 0.8\n");
  ok(run_steppe({"wargame", "submit", "first/game", "--team", "CHN", "chn.yaml"}, folder));
  ok(run_steppe({"wargame", "advance", "first/game", "--force"}, folder));

  // The sources go, and the game moves into another tree.
  fs::remove_all(folder / "source");
  fs::create_directories(folder / "elsewhere" / "deeper");
  fs::rename(first, folder / "elsewhere" / "deeper" / "game");
  const Game moved{folder / "elsewhere" / "deeper"};
  CHECK_THAT(ok(moved.run("status")), Catch::Contains("turn 2 of 2"));
  CHECK_THAT(ok(moved.run("advance", {"--force"})), Catch::Contains("game over: 2 turns played"));
  CHECK_THAT(ok(moved.run("replay")), Catch::EndsWith("replayed 2 turn(s) from the log: every number is the same\n"));
  ok(moved.run("report"));
  CHECK_THAT(read_text_file(moved.game_folder() / "report" / "report.md"),
             Catch::Contains("## Counterfactual: MNG plays baseline"));

  // A copy never replaces a different file where it would go.
  fs::create_directories(folder / "busy" / "scenarios");
  write_text_file(folder / "busy" / "scenarios" / "baseline.yaml", "mine\n");
  refused(run_steppe({"wargame", "new", "elsewhere/deeper/game/game.yaml", "--dir", "busy"}, folder),
          {"busy/scenarios/baseline.yaml: error: --dir: the game folder already holds a different file of this name"});
  CHECK(folder_entries(folder / "busy") == std::vector<std::string>{"scenarios"});
}
