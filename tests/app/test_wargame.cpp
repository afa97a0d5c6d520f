// The wargame's use cases called directly, as the classroom server will: a small game (two teams,
// two turns of two months, 20 members) made, played, undone, replayed and debriefed, each action's
// result struct checked against what happened, and the status JSON against the struct.
#include <catch2/catch.hpp>
#include <fstream>

#include "app/json.hpp"
#include "app/wargame.hpp"
#include "support.hpp"

using namespace steppe;

namespace {

const std::string small_game = testing::source_path("tests/cli/wargame/small.yaml").string();

// Writes a moves file into `folder` and returns its path.
std::string moves_file(const std::filesystem::path& folder, const std::string& name, const std::string& text) {
  const auto file = folder / name;
  std::ofstream(file) << text;
  return file.string();
}

const app::TeamStatus& team_status(const app::GameStatus& status, const std::string& id) {
  for (const app::TeamStatus& team : status.teams)
    if (team.id == id) return team;
  FAIL("no team " << id);
  return status.teams.front();
}

// The status JSON says what the struct says.
void check_json(const app::GameStatus& status) {
  const nlohmann::json document = app::json::wargame_status(status);
  CHECK(document["turns"] == status.clock.turns);
  CHECK(document["adjudicated"] == status.clock.played);
  if (status.clock.over())
    CHECK(document["turn"].is_null());
  else
    CHECK(document["turn"] == status.clock.open_turn);
  REQUIRE(document["teams"].size() == status.teams.size());
  for (std::size_t index = 0; index < status.teams.size(); ++index) {
    const nlohmann::json& team = document["teams"][index];
    CHECK(team["team"] == status.teams[index].id);
    CHECK(team["name"] == status.teams[index].name);
    CHECK(team.contains("submitted") == !status.clock.over());
    if (!status.clock.over()) CHECK(team["submitted"] == status.teams[index].submitted);
    CHECK(team.contains("budget") == status.teams[index].budget.has_value());
    if (status.teams[index].budget) CHECK(team["budget"].get<double>() == *status.teams[index].budget);
  }
}

}  // namespace

TEST_CASE("app: a wargame through its use cases: new, submit, inject, override, advance, undo, replay, report",
          "[app][wargame]") {
  const auto folder = testing::fresh_folder("app-wargame");
  const std::string game = (folder / "game").string();

  const app::NewGameResult created = app::new_game({.file = small_game, .folder = game});
  CHECK(created.folder == game);
  CHECK(created.definition_file == small_game);  // copied into the folder, which the game reads from
  CHECK(std::filesystem::is_regular_file(folder / "game" / "game.yaml"));
  CHECK(std::filesystem::is_regular_file(folder / "game" / "scenarios" / "baseline.yaml"));
  CHECK_FALSE(created.wrote_definition);
  CHECK(created.definition.team_ids() == std::vector<std::string>{"CHN", "MNG"});
  CHECK(std::filesystem::is_regular_file(folder / "game" / "game.json"));
  CHECK_THROWS_AS(app::new_game({.file = small_game, .folder = game}), InputError);

  // Turn 1 is open and no one has moved; budgets are the per-turn ones.
  app::GameStatus status = app::game_status({game});
  CHECK(status.title == "Small test game");
  CHECK(status.clock.turns == 2);
  CHECK(status.clock.played == 0);
  CHECK(status.clock.open_turn == 1);
  CHECK(status.clock.open_dates == "2025-01 to 2025-02");
  REQUIRE(status.teams.size() == 2);
  CHECK_FALSE(team_status(status, "CHN").submitted);
  // A budget tells what a team's settings cost, and so its secret ones: the facilitator sees
  // every team's, a team its own, anyone else none.
  CHECK_FALSE(team_status(status, "CHN").budget);
  CHECK_FALSE(team_status(status, "MNG").budget);
  check_json(status);
  status = app::game_status({.game = game, .facilitator = true});
  CHECK(team_status(status, "CHN").budget == 4);
  CHECK(team_status(status, "MNG").budget == 6);
  check_json(status);
  status = app::game_status({.game = game, .team = "MNG"});
  CHECK_FALSE(team_status(status, "CHN").budget);
  CHECK(team_status(status, "MNG").budget == 6);
  check_json(status);
  CHECK_THROWS_WITH(app::game_status({.game = game, .team = "CHm"}), Catch::Contains("did you mean 'CHN'?"));

  // A team's briefing: its menu, its own actor exactly, others' private variables as estimates.
  app::Briefing briefing = app::brief({.game = game, .team = "CHN"});
  CHECK(briefing.team_name == "China");
  CHECK_FALSE(briefing.last_turn);
  REQUIRE(briefing.menu);
  CHECK(briefing.menu->turn == 1);
  CHECK_FALSE(briefing.submitted);
  REQUIRE(briefing.menu->lines.size() == 1);
  CHECK(briefing.menu->lines[0].lever == "hawkishness");
  CHECK(briefing.menu->budget == 4);
  bool estimates = false;
  for (const app::Indicator& indicator : briefing.indicators) {
    if (indicator.actor == "CHN" || indicator.is_public) CHECK(indicator.exact);
    if (!indicator.exact) {
      estimates = true;
      CHECK(indicator.as_of == "2025-01");  // at the start there is no earlier month to see
    }
    if (indicator.exact) CHECK(indicator.medians.size() == 1);  // month 0 only
  }
  CHECK(estimates);
  const app::Briefing facilitator = app::brief({.game = game, .facilitator = true});
  CHECK(facilitator.team.empty());
  CHECK_FALSE(facilitator.menu);
  for (const app::Indicator& indicator : facilitator.indicators) CHECK(indicator.exact);
  CHECK_THROWS_AS(app::brief({.game = game}), InputError);
  CHECK_THROWS_WITH(app::brief({.game = game, .team = "CHm"}), Catch::Contains("did you mean 'CHN'?"));

  // CHN submits (hawkishness starts at 0.5), then replaces its moves.
  app::SubmitResult submitted =
      app::submit_moves({game, "CHN", moves_file(folder, "chn.yaml", "moves:\n  hawkishness: 0.2\n")});
  CHECK(submitted.team == "CHN");
  CHECK(submitted.turn == 1);
  CHECK_FALSE(submitted.replaced);
  CHECK(submitted.moves == app::Moves{{"hawkishness", 0.2}});
  CHECK(submitted.cost == 1);
  CHECK(submitted.budget == 4);
  submitted = app::submit_moves({game, "CHN", moves_file(folder, "chn-b.yaml", "moves:\n  hawkishness: 0.8\n")});
  CHECK(submitted.replaced);
  CHECK(submitted.cost == 3);
  CHECK(app::moves_text(submitted.moves) == "hawkishness 0.8");
  CHECK(app::moves_text({}) == "no change");
  status = app::game_status({game});
  CHECK(team_status(status, "CHN").submitted);
  CHECK_FALSE(team_status(status, "MNG").submitted);
  check_json(status);
  briefing = app::brief({.game = game, .team = "CHN"});
  CHECK(briefing.submitted);
  CHECK(briefing.menu->lines[0].holding == 0.8);
  CHECK(briefing.menu->cost == 3);

  // The facilitator's inject and override are in the open turn.
  const app::InjectResult injected = app::inject({.game = game, .card = "squeeze"});
  CHECK(injected.turn == 1);
  CHECK(injected.inject.title == "Squeeze");
  const app::OverrideResult overridden =
      app::override_move({.game = game, .team = "MNG", .assignment = "outreach=0.9", .note = "white cell"});
  CHECK(overridden.turn == 1);
  CHECK(overridden.entry.lever == "outreach");
  CHECK(overridden.entry.value == 0.9);
  status = app::game_status({game});
  CHECK(status.injects == 1);
  CHECK(status.overrides == 1);

  // MNG has not moved: advance waits for it unless forced.
  CHECK_THROWS_AS(app::advance_turn({.game = game}), wargame::GameError);
  app::AdvanceResult advanced = app::advance_turn({.game = game, .force = true});
  CHECK(advanced.turn.turn == 1);
  CHECK(advanced.turn.forced);
  CHECK(advanced.turn.dates == "2025-01 to 2025-02");
  REQUIRE(advanced.turn.injects.size() == 1);
  CHECK(advanced.turn.injects[0].title == "Squeeze");
  REQUIRE(advanced.turn.moves.secret.size() == 1);  // CHN's hawkishness is secret
  CHECK(advanced.turn.moves.secret[0].team == "CHN");
  CHECK(advanced.turn.moves.secret[0].from == 0.5);
  CHECK(advanced.turn.moves.secret[0].to == 0.8);
  CHECK(advanced.members == 20);
  CHECK(advanced.clock.open_turn == 2);
  CHECK(advanced.clock.played == 1);
  REQUIRE_FALSE(advanced.everyone_sees.empty());
  for (const app::Indicator& indicator : advanced.everyone_sees) {
    CHECK(indicator.is_public);
    CHECK((indicator.variable == "coercion" || indicator.variable == "tension"));
    CHECK(indicator.medians.size() == 3);  // months 0 to 2
  }

  status = app::game_status({game});
  CHECK(status.clock.open_turn == 2);
  CHECK(status.clock.played == 1);
  CHECK_FALSE(team_status(status, "CHN").budget);
  status = app::game_status({.game = game, .facilitator = true});
  CHECK(team_status(status, "CHN").budget == 4.5);  // 4 + half of the 1 unspent
  check_json(status);
  briefing = app::brief({.game = game, .team = "MNG"});
  REQUIRE(briefing.last_turn);
  CHECK(briefing.last_turn->turn == 1);

  // Undo reopens turn 1; advancing again gives the same numbers, which a replay confirms.
  CHECK(app::undo_turn({.game = game}).reopened_turn == 1);
  CHECK(app::game_status({game}).clock.open_turn == 1);
  const app::AdvanceResult again = app::advance_turn({.game = game, .force = true});
  REQUIRE(again.everyone_sees.size() == advanced.everyone_sees.size());
  for (std::size_t index = 0; index < again.everyone_sees.size(); ++index)
    CHECK(again.everyone_sees[index].now == advanced.everyone_sees[index].now);
  app::ReplayResult replayed = app::replay({game});
  CHECK(replayed.start_same);
  REQUIRE(replayed.turns.size() == 1);
  CHECK(replayed.turns[0].same);
  CHECK(replayed.differing() == 0);

  // The last turn ends the game.
  advanced = app::advance_turn({.game = game, .force = true});
  CHECK(advanced.clock.over());
  status = app::game_status({game});
  CHECK(status.clock.over());
  CHECK(status.clock.played == 2);
  check_json(status);
  CHECK_THROWS_WITH(app::submit_moves({game, "CHN", moves_file(folder, "late.yaml", "moves:\n  hawkishness: 0.8\n")}),
                    Catch::Contains("the game is over: all 2 turns were played"));
  CHECK_THROWS_AS(app::inject({.game = game, .card = "squeeze"}), wargame::GameError);
  replayed = app::replay({game});
  CHECK(replayed.turns.size() == 2);
  CHECK(replayed.differing() == 0);

  // The debrief: two files, with the counterfactual asked for (the game is over: no --facilitator needed).
  const app::ReportResult reported = app::report({.game = game});
  REQUIRE(reported.files.size() == 2);
  CHECK(reported.files[0].name == "report.html");
  CHECK(reported.files[1].name == "report.md");
  CHECK_THAT(app::content_of(reported.files[0]), Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(app::content_of(reported.files[1]), Catch::StartsWith("# Small test game — debrief"));
  CHECK_THAT(app::content_of(reported.files[1]), !Catch::Contains("Counterfactual"));
  const app::ReportResult counterfactual =
      app::report({.game = game,
                   .counterfactual_team = "MNG",
                   .counterfactual_scenario = testing::source_path("scenarios/calibrated.yaml").string()});
  CHECK_THAT(app::content_of(counterfactual.files[1]), Catch::Contains("## Counterfactual: MNG plays calibrated"));
}

TEST_CASE("app: a moves file that breaks a rule is refused at its place and records nothing", "[app][wargame][bad]") {
  const auto folder = testing::fresh_folder("app-wargame-bad");
  const std::string game = (folder / "game").string();
  app::new_game({.file = small_game, .folder = game});
  const auto log_bytes = [&] {
    std::ifstream in(folder / "game" / "game.json");
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string before = log_bytes();
  const auto refused = [&](const std::string& text) -> InputError {
    try {
      app::submit_moves({game, "CHN", moves_file(folder, "bad.yaml", text)});
    } catch (const InputError& error) {
      return error;
    }
    FAIL("not refused:\n" << text);
    return InputError({}, "", "");
  };
  const InputError setting = refused("moves:\n  hawkishness: 0.8\n  CHN.hawkishness: 0.7\n");
  CHECK(setting.mark().line == 3);
  CHECK(setting.mark().column == 20);
  CHECK(setting.key_path() == "moves.CHN.hawkishness");
  CHECK_THAT(setting.message(), Catch::StartsWith("0.7 is not a setting of hawkishness on the menu"));
  const InputError foreign = refused("moves:\n  MNG.outreach: 0.6\n");
  CHECK(foreign.mark().line == 2);
  CHECK(foreign.mark().column == 3);
  CHECK(foreign.message() == "wrong team: MNG.outreach is a lever of MNG; CHN moves only its own levers");
  const InputError turn = refused("turn: 2\nmoves:\n");
  CHECK(turn.key_path() == "turn");
  CHECK(turn.message() == "turn 2 is not open yet; the open turn is 1");
  CHECK(log_bytes() == before);

  // The same rules in the core, on a submission as any face would make it.
  const wargame::GameFolder opened = wargame::GameFolder::open(game, false);
  const wargame::Team& china = *opened.definition().find_team("CHN");
  wargame::Submission submission{.moves = {{"hawkishness", 0.5}, {"inducements", 0.5}}};
  try {
    wargame::check_submission(opened.definition(), opened.log(), china, submission);
    FAIL("not refused");
  } catch (const wargame::SubmissionError& error) {
    CHECK(error.part() == wargame::SubmissionError::Part::lever);
    CHECK(error.move() == 1);
    CHECK(std::string(error.what()) == "inducements is not on CHN's menu (menu: hawkishness)");
  }
  submission.moves.pop_back();
  CHECK(wargame::check_submission(opened.definition(), opened.log(), china, submission) ==
        std::map<std::string, double>{{"hawkishness", 0.5}});
}

TEST_CASE("app: a game made from a scenario writes its default definition into the folder", "[app][wargame]") {
  const auto folder = testing::fresh_folder("app-wargame-scenario");
  const std::string game = (folder / "game").string();
  const app::NewGameResult created = app::new_game(
      {.file = testing::source_path("scenarios/baseline.yaml").string(), .folder = game, .turns = 2, .turn_months = 2});
  CHECK(created.wrote_definition);
  CHECK(created.definition_file == (std::filesystem::path(game) / "game.yaml").string());
  CHECK(std::filesystem::is_regular_file(created.definition_file));
  CHECK(created.definition.turns == 2);
  CHECK(created.definition.turn_months == 2);
  CHECK(created.definition.teams.size() == 4);
  CHECK_THROWS_AS(app::new_game({.file = small_game, .folder = (folder / "other").string(), .turns = 3}), InputError);
}

namespace {

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE(
    "app: the facilitator removes one inject or override of the open turn, overrides several levers at once, and "
    "undo says what it discards",
    "[app][wargame]") {
  const auto folder = testing::fresh_folder("app-wargame-facilitator");
  const std::string game = (folder / "game").string();
  app::new_game({.file = small_game, .folder = game});
  wargame::GameFolder opened = wargame::GameFolder::open(game, true);

  // Several levers at once, one note for all; checked before any is recorded.
  CHECK_THROWS_WITH(app::override_moves(opened, "MNG", {"outreach=0.9", "outreach=0.3"}, "twice"),
                    Catch::Contains("outreach is named twice"));
  CHECK_THROWS_WITH(app::override_moves(opened, "CHN", {"hawkishness=0.8", "hawkishness=0.7"}, ""),
                    Catch::Contains("0.7 is not a setting of hawkishness"));
  CHECK(opened.log().open_turn()->overrides.empty());
  app::OverrideResult overridden = app::override_moves(opened, "CHN", {"hawkishness=0.8"}, "first");
  CHECK(overridden.entries.size() == 1);
  overridden = app::override_moves(opened, "MNG", {"outreach=0.9"}, "white cell");
  REQUIRE(overridden.entries.size() == 1);
  CHECK(overridden.entries[0].note == "white cell");

  // Removing: numbers count from 0 in the app (status lists them from 1).
  app::inject_card(opened, "squeeze");
  app::inject_card(opened, "squeeze");
  CHECK(opened.log().open_turn()->injects.size() == 2);
  CHECK_THROWS_WITH(app::remove_inject(opened, 2), Catch::Contains("turn 1 has 2 injects: there is no number 3"));
  CHECK(app::remove_inject(opened, 1).inject.title == "Squeeze");
  CHECK(opened.log().open_turn()->injects.size() == 1);
  CHECK_THROWS_AS(app::remove_override(opened, 5), wargame::GameError);
  const app::OverrideResult removed = app::remove_override(opened, 0);
  CHECK(removed.entry.team == "CHN");
  CHECK(removed.entry.lever == "hawkishness");
  REQUIRE(opened.log().open_turn()->overrides.size() == 1);
  CHECK(opened.log().open_turn()->overrides[0].team == "MNG");
  CHECK(opened.history().back().action == "remove override");

  // The facilitator's status lists what is left, in order.
  const app::GameStatus status = app::game_status({.game = game, .facilitator = true});
  REQUIRE(status.open_injects.size() == 1);
  REQUIRE(status.open_overrides.size() == 1);
  CHECK(status.open_overrides[0].lever == "outreach");
  CHECK(app::game_status({.game = game}).open_overrides.empty());  // not for anyone else
  CHECK(app::json::wargame_status(status)["overrides"][0]["lever"] == "outreach");

  // Turn 2 gets a submission, an inject and an override.
  app::advance_turn(opened, true);
  opened.log().open_turn()->moves["CHN"] = {{"hawkishness", 0.2}};
  opened.save("submit", "CHN", "hawkishness 0.2");
  app::inject_card(opened, "squeeze");
  app::override_moves(opened, "MNG", {"outreach=0.3"}, "calm");

  // Undo --discard-open: each team's pending moves, the injects, the overrides.
  CHECK_THROWS_AS(app::undo_turn(opened, false), wargame::GameError);
  const app::UndoResult undone = app::undo_turn(opened, true);
  CHECK(undone.reopened_turn == 1);
  CHECK(undone.discarded_turn == 2);
  REQUIRE(undone.discarded.size() == 3);
  CHECK(undone.discarded[0].kind == "moves");
  CHECK(undone.discarded[0].team == "CHN");
  CHECK(undone.discarded[0].detail == "hawkishness 0.2");
  CHECK(undone.discarded[1].kind == "inject");
  CHECK(undone.discarded[1].detail == "Squeeze");
  CHECK(undone.discarded[2].kind == "override");
  CHECK(undone.discarded[2].detail == "outreach 0.3: calm");
  CHECK(opened.history().back().action == "undo");
  CHECK_THAT(opened.history().back().detail,
             Catch::Contains("turn 1 reopened; discarded turn 2: CHN's moves (hawkishness 0.2); inject Squeeze; "
                             "override of MNG (outreach 0.3: calm)"));
}

TEST_CASE("app: a debrief before the game is over is the facilitator's and never shows the open turn's moves",
          "[app][wargame]") {
  const auto folder = testing::fresh_folder("app-wargame-report");
  const std::string game = (folder / "game").string();
  app::new_game({.file = small_game, .folder = game});
  app::submit_moves({game, "CHN", moves_file(folder, "chn.yaml", "moves:\n  hawkishness: 0.8\n")});
  app::advance_turn({.game = game, .force = true});
  app::submit_moves({game, "CHN", moves_file(folder, "chn-2.yaml", "moves:\n  hawkishness: 0.2\n")});
  app::override_move({.game = game, .team = "MNG", .assignment = "outreach=0.9", .note = "undecided"});
  CHECK_THROWS_WITH(app::report({.game = game}), Catch::Contains("report --facilitator"));
  const app::ReportResult reported = app::report({.game = game, .facilitator = true});
  const std::string markdown = app::content_of(reported.files[1]);
  CHECK_THAT(markdown, Catch::Contains("| 1 | 2025-01 to 2025-02 | CHN | hawkishness 0.5 → 0.8 |"));  // turn 1, played
  CHECK_THAT(markdown, !Catch::Contains("hawkishness 0.2"));                                          // turn 2, pending
  CHECK_THAT(markdown, !Catch::Contains("undecided"));  // the override, pending too
}

TEST_CASE(
    "app: game.json keeps its previous save as a backup, refuses a hand edit naming the turn, and the game folder "
    "still opens after it is moved",
    "[app][wargame]") {
  namespace fs = std::filesystem;
  const auto folder = testing::fresh_folder("app-wargame-files");
  const fs::path game = folder / "game";
  app::new_game({.file = small_game, .folder = game.string()});
  CHECK_FALSE(fs::exists(game / "game.json.bak"));
  app::submit_moves({game.string(), "CHN", moves_file(folder, "chn.yaml", "moves:\n  hawkishness: 0.8\n")});
  const std::string before_advance = file_text(game / "game.json");
  app::advance_turn({.game = game.string(), .force = true});
  CHECK(file_text(game / "game.json.bak") == before_advance);

  // Moved into another tree, away from the files it was made from: it opens and plays on.
  const fs::path moved = folder / "elsewhere" / "deeper" / "moved";
  fs::create_directories(moved.parent_path());
  fs::rename(game, moved);
  CHECK(app::game_status({moved.string()}).clock.open_turn == 2);
  CHECK(app::advance_turn({.game = moved.string(), .force = true}).clock.over());
  CHECK(app::replay({moved.string()}).differing() == 0);

  // A hand edit of turn 1's moves: refused, naming the turn and the backup.
  nlohmann::json document = nlohmann::json::parse(file_text(moved / "game.json"));
  document["turns"][0]["moves"]["CHN"]["hawkishness"] = 0.5;
  std::ofstream(moved / "game.json") << document.dump(1);
  try {
    app::game_status({moved.string()});
    FAIL("the edit was not noticed");
  } catch (const InputError& error) {
    CHECK(error.mark().file == (moved / "game.json").string());
    CHECK_THAT(error.message(), Catch::StartsWith("turn 1's record does not match the hash saved with it"));
    CHECK_THAT(error.message(), Catch::Contains("`cp " + (moved / "game.json.bak").string() + " " +
                                                (moved / "game.json").string() + "` restores it"));
  }
}
