// The wargame's rules (engine/wargame) on the flagship model: settings carried from turn to
// turn, upkeep and budgets with carry-over, the move checks, adjudication through the stepping
// API (the same numbers as the scenario when no one moves; injects as scenario events would
// be; turn by turn as one run), undo, the fog of war, what a turn reveals, and the
// counterfactual.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "engine/io/wargame_files.hpp"
#include "engine/io/wargame_report.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::wargame;
using namespace steppe::testing;

namespace {

// A two-team game on the baseline without randomness (exact comparisons), 3 turns of 2 months.
std::string definition_yaml(const std::string& extra = "") {
  return R"(title: test game
scenario: {scenarios}/baseline.yaml
turns: 3
turn_months: 2
members: 4
stochastic: false
public: [coercion, tension]
intelligence: {noise: 0.05, lag_months: 2}
teams:
  CHN:
    name: China
    budget: {per_turn: 6, carry_over: 0.5, max_bank: 2}
    menu:
      hawkishness: {settings: {0.2: 1, 0.5: 2, 0.8: 3}, visibility: secret}
      direct_pressure: {settings: {0: 0, 0.1: 3, 0.2: 5}}
  USA:
    budget: {per_turn: 4}
    menu:
      pme: {settings: {0.2: 0, 0.5: 1, 0.8: 2}}
      basing: {settings: {0: 0, 1: 3}}
injects:
  squeeze:
    title: Border squeeze
    levers: {CHN.direct_pressure: 0.1}
    months: 3
  crisis:
    title: Crisis
    jumps: {CHN.coercion: 0.15, system.tension: 0.2}
  turnover:
    title: Turnover
    events: [{event: leadership_turnover, actor: MNG}]
)" + extra;
}

Definition load(const std::string& yaml, const std::string& name = "game") {
  std::string text = yaml;
  const std::string marker = "{scenarios}";
  for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker))
    text.replace(at, marker.size(), source_path("scenarios").string());
  const auto file = fresh_folder("wargame-" + name) / "game.yaml";
  std::ofstream(file) << text;
  return load_definition(file);
}

// Every team submits `moves` (team → lever → setting) for the open turn and the turn is adjudicated.
void play_turn(const Definition& definition, GameLog& log,
               const std::map<std::string, std::map<std::string, double>>& moves = {}) {
  for (const Team& team : definition.teams) {
    const auto found = moves.find(team.id);
    log.open_turn()->moves[team.id] = found == moves.end() ? std::map<std::string, double>{} : found->second;
  }
  advance(definition, log, false);
}

int slot_of(const Definition& definition, const std::string& actor, const std::string& variable) {
  const int slot = definition.scenario->layout->state_index(actor, variable);
  REQUIRE(slot >= 0);
  return slot;
}

// The state of every member after each month of a plain run of `scenario`, as bands.
std::vector<double> medians_of_run(const std::shared_ptr<const Scenario>& scenario, std::int64_t members, int slot) {
  Simulation simulation(scenario, {members, 0});
  std::vector<double> medians = {simulation.state()(0, slot)};
  while (!simulation.finished()) {
    simulation.step();
    medians.push_back(simulation.state()(0, slot));
  }
  return medians;
}

}  // namespace

TEST_CASE("wargame: a team holds its settings from turn to turn, and a facilitator's override wins over its move",
          "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  const Team& china = *definition.find_team("CHN");
  CHECK(held_settings(log, china, 0) == std::map<std::string, double>{{"hawkishness", 0.5}, {"direct_pressure", 0}});
  play_turn(definition, log, {{"CHN", {{"hawkishness", 0.8}}}});
  log.open_turn()->moves["CHN"] = {{"direct_pressure", 0.1}};
  log.open_turn()->overrides.push_back({"CHN", "direct_pressure", 0.2, "white cell"});
  const auto held = held_settings(log, china, 2);
  CHECK(held.at("hawkishness") == 0.8);      // carried from turn 1
  CHECK(held.at("direct_pressure") == 0.2);  // the override, not the move
}

TEST_CASE(
    "wargame: every held setting costs its price each turn, and part of what is unspent carries over up to the "
    "bank",
    "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  const Team& china = *definition.find_team("CHN");
  CHECK(upkeep(china, {}) == 2);  // hawkishness 0.5 (2) + direct_pressure 0 (0)
  CHECK(available_budget(definition, log, china, 1) == 6);
  play_turn(definition, log);  // spends 2 of 6: 0.5 × 4 = 2 carried, the bank's limit
  CHECK(available_budget(definition, log, china, 2) == 8);
  play_turn(definition, log, {{"CHN", {{"direct_pressure", 0.2}}}});  // spends 7 of 8: 0.5 carried
  CHECK(available_budget(definition, log, china, 3) == 6.5);
  CHECK_THROWS_WITH(upkeep(china, {{"hawkishness", 0.7}}),
                    Catch::Contains("hawkishness setting 0.7 is not on CHN's menu"));
}

TEST_CASE("wargame: moves off the menu, settings off the menu and settings over budget are refused", "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  const Team& china = *definition.find_team("CHN");
  CHECK_NOTHROW(check_moves(definition, log, china, {{"direct_pressure", 0.2}, {"hawkishness", 0.2}}));
  CHECK_THROWS_WITH(check_moves(definition, log, china, {{"hawkishnes", 0.2}}),
                    Catch::Contains("did you mean 'hawkishness'"));
  CHECK_THROWS_WITH(check_moves(definition, log, china, {{"inducements", 0.2}}),
                    Catch::Contains("unknown lever on CHN's menu"));
  CHECK_THROWS_WITH(check_moves(definition, log, china, {{"hawkishness", 0.7}}),
                    Catch::Contains("not a setting on the menu (settings: 0.2, 0.5, 0.8)"));
  CHECK_THROWS_WITH(check_moves(definition, log, china, {{"direct_pressure", 0.2}, {"hawkishness", 0.8}}),
                    Catch::Contains("over budget") && Catch::Contains("cost 8, its budget is 6"));
  for (int turn = 1; turn <= definition.turns; ++turn) play_turn(definition, log);
  CHECK_THROWS_WITH(check_moves(definition, log, china, {}), Catch::Contains("the game is over"));
}

TEST_CASE("wargame: a game in which no one moves follows its scenario exactly", "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  for (int turn = 1; turn <= definition.turns; ++turn) play_turn(definition, log);
  const int autonomy = slot_of(definition, "MNG", "autonomy");
  const std::vector<double> plain = medians_of_run(definition.scenario, definition.members, autonomy);
  const Bands game = adjudicate(definition, log, definition.turns);
  REQUIRE(game.months.size() == plain.size());
  for (std::size_t month = 0; month < plain.size(); ++month) CHECK(game.months[month][autonomy].p50 == plain[month]);
}

TEST_CASE("wargame: moves and injects enter the run as the same levers and events written in a scenario would",
          "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  // Turn 1: USA raises pme; turn 2: the squeeze (3 months from month 2), a crisis and a turnover.
  play_turn(definition, log, {{"USA", {{"pme", 0.8}}}});
  log.open_turn()->injects = {definition.deck.at("squeeze"), definition.deck.at("crisis"),
                              definition.deck.at("turnover")};
  play_turn(definition, log);
  play_turn(definition, log);
  LoadOptions six_months;
  six_months.months = 6;
  const auto scenario = scenario_from_yaml(R"(extends: {scenarios}/baseline.yaml
levers:
  USA.pme: 0.8
  CHN.direct_pressure: {pulse: {from: 2025-03, to: 2025-05, value: 0.1}}
events:
  - {at: 2025-03, jump: {CHN.coercion: 0.15, system.tension: 0.2}}
  - {at: 2025-03, event: leadership_turnover, actor: MNG}
)",
                                           six_months, "wargame-equivalent");
  const Bands game = adjudicate(definition, log, definition.turns);
  for (const std::string name : {"MNG.autonomy", "CHN.coercion", "system.tension", "USA.trust"}) {
    const auto dot = name.find('.');
    const int slot = slot_of(definition, name.substr(0, dot), name.substr(dot + 1));
    const std::vector<double> expected = medians_of_run(scenario, definition.members, slot);
    for (std::size_t month = 0; month < expected.size(); ++month) {
      INFO(name << " month " << month);
      CHECK(game.months[month][slot].p50 == expected[month]);
    }
  }
}

TEST_CASE(
    "wargame: turns adjudicated one by one give the numbers of one run through them all, and undo reopens a "
    "turn to be adjudicated anew",
    "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  play_turn(definition, log, {{"CHN", {{"direct_pressure", 0.1}}}});
  play_turn(definition, log, {{"USA", {{"basing", 1}}}});
  const Bands through = adjudicate(definition, log, 2);
  for (int turn = 1; turn <= 2; ++turn) {
    const Bands& results = log.turns[static_cast<std::size_t>(turn - 1)].results;
    for (std::size_t index = 0; index < results.months.size(); ++index)
      CHECK(results.months[index] == through.months[static_cast<std::size_t>(results.first_month) + index]);
  }

  const int threat = slot_of(definition, "CHN", "threat_perception");
  const double with_basing = log.turns[1].results.at(4, threat).p50;
  CHECK_NOTHROW(undo(log, false));  // the open turn 3 has nothing yet
  CHECK(log.open_turn()->number == 2);
  log.open_turn()->moves["USA"] = {{"basing", 0}};
  advance(definition, log, false);
  CHECK(log.turns[1].results.at(4, threat).p50 < with_basing);

  log.open_turn()->moves["CHN"] = {};
  CHECK_THROWS_WITH(undo(log, false), Catch::Contains("undo --discard-open"));
  CHECK_THROWS_WITH(advance(definition, log, false), Catch::Contains("waits for USA"));
  CHECK_NOTHROW(undo(log, true));
  CHECK(log.adjudicated_turns() == 1);
  GameLog fresh = new_game(definition);
  CHECK_THROWS_WITH(undo(fresh, false), Catch::Contains("nothing to undo"));
}

TEST_CASE(
    "wargame: a team sees its own actor and public variables exactly and the rest as lagged, noisy estimates, "
    "and the facilitator sees everything",
    "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  play_turn(definition, log, {{"CHN", {{"direct_pressure", 0.2}}}});
  play_turn(definition, log);
  const Team& china = *definition.find_team("CHN");
  const int autonomy = slot_of(definition, "MNG", "autonomy");
  const int tension = slot_of(definition, "system", "tension");
  const int threat = slot_of(definition, "CHN", "threat_perception");
  const auto find = [](const std::vector<IndicatorView>& views, int slot) {
    const auto view = std::find_if(views.begin(), views.end(), [&](const IndicatorView& v) { return v.slot == slot; });
    REQUIRE(view != views.end());
    return *view;
  };
  const std::vector<IndicatorView> team_view = briefing(definition, log, &china);
  CHECK(find(team_view, tension).exact);  // public
  CHECK(find(team_view, threat).exact);   // its own
  const IndicatorView estimate = find(team_view, autonomy);
  CHECK_FALSE(estimate.exact);
  CHECK(estimate.as_of_month == 2);  // four months played, two months' lag
  const double lagged = log.turns[0].results.at(2, autonomy).p50;
  CHECK(estimate.now.p50 != lagged);                                    // noise
  CHECK(std::abs(estimate.now.p50 - lagged) < 5 * 0.05);                // but not much of it
  CHECK(briefing(definition, log, &china)[0].now == team_view[0].now);  // the same every time it is shown

  for (const IndicatorView& view : briefing(definition, log, nullptr)) {
    CHECK(view.exact);
    CHECK(view.now == log.turns[1].results.at(4, view.slot));
  }
}

TEST_CASE("wargame: after a turn everyone sees the moves of visible levers, and secret ones stay apart", "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  log.open_turn()->overrides.push_back({"USA", "pme", 0.2, "white cell"});
  play_turn(definition, log, {{"CHN", {{"hawkishness", 0.8}, {"direct_pressure", 0.1}}}, {"USA", {{"pme", 0.8}}}});
  const TurnSummary summary = summarize_turn(definition, log, 1);
  // direct_pressure is public by the definition's default (no visibility trait); pme is barely
  // visible in the model (0.05) and hawkishness secret by the definition.
  REQUIRE(summary.visible.size() == 1);
  CHECK(summary.visible[0].team == "CHN");
  CHECK(summary.visible[0].lever == "direct_pressure");
  CHECK(summary.visible[0].to == 0.1);
  REQUIRE(summary.secret.size() == 2);
  CHECK(summary.secret[0].lever == "hawkishness");
  CHECK(summary.secret[1].lever == "pme");
  CHECK(summary.secret[1].to == 0.2);
  CHECK(summary.secret[1].overridden);
  CHECK(summary.spent.at("CHN") == 6);
}

TEST_CASE("wargame: the counterfactual replays the game with one team's levers following another scenario",
          "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  for (int turn = 1; turn <= definition.turns; ++turn) play_turn(definition, log, {{"USA", {{"basing", 1}}}});
  const Bands played = adjudicate(definition, log, definition.turns);
  const int coercion = slot_of(definition, "CHN", "coercion");

  // USA following the baseline: as if it had never moved.
  const Counterfactual baseline = load_counterfactual(definition, "USA", source_path("scenarios/baseline.yaml"));
  const Bands restrained = adjudicate(definition, log, definition.turns, &baseline);
  CHECK(restrained.at(6, coercion).p50 < played.at(6, coercion).p50);
  GameLog quiet = new_game(definition);
  for (int turn = 1; turn <= definition.turns; ++turn) play_turn(definition, quiet);
  CHECK(restrained.months == adjudicate(definition, quiet, definition.turns).months);

  // USA following the calibrated package: its levers the package names, on the menu or not.
  const Counterfactual calibrated = load_counterfactual(definition, "USA", source_path("scenarios/calibrated.yaml"));
  const Bands package = adjudicate(definition, log, definition.turns, &calibrated);
  const int air_link = slot_of(definition, "USA", "engagement.air_link");
  CHECK(package.at(6, air_link).p50 > played.at(6, air_link).p50);
  CHECK_THROWS_AS(load_counterfactual(definition, "RUS", source_path("scenarios/calibrated.yaml")), GameError);
}

TEST_CASE(
    "wargame: an inject that holds a lever shows as held over the team's setting, and the team is not charged for "
    "the months it held it",
    "[wargame]") {
  const Definition definition = load(definition_yaml());
  GameLog log = new_game(definition);
  const Team& china = *definition.find_team("CHN");
  // The squeeze holds CHN.direct_pressure at 0.1 for 3 months from turn 1's first month: both of
  // turn 1's months and the first of turn 2's. CHN sets it to 0.2 (cost 5 a turn).
  log.open_turn()->injects = {definition.deck.at("squeeze")};
  play_turn(definition, log, {{"CHN", {{"direct_pressure", 0.2}}}});
  TurnSummary summary = summarize_turn(definition, log, 1);
  REQUIRE(summary.holds.size() == 1);
  const InjectHold& hold = summary.holds[0];
  CHECK(hold.inject == "Border squeeze");
  CHECK(hold.actor == "CHN");
  CHECK(hold.lever == "direct_pressure");
  CHECK(hold.on_menu);
  CHECK(hold.visible);
  CHECK(hold.value == 0.1);
  CHECK(hold.first_month == 0);
  CHECK(hold.last_month == 1);
  REQUIRE(summary.visible.size() == 1);
  CHECK(summary.visible[0].to == 0.2);  // what CHN set, which the hold is shown against
  // Turn 1: hawkishness 0.5 (2) for both months, direct_pressure not charged: 2 of 6 spent.
  CHECK(charged_upkeep(definition, log, china, 1) == 2);
  CHECK(summary.spent.at("CHN") == 2);
  CHECK(available_budget(definition, log, china, 2) == 8);  // 6 + 0.5 × 4 = 6 + 2, the bank's limit

  play_turn(definition, log);
  summary = summarize_turn(definition, log, 2);
  REQUIRE(summary.holds.size() == 1);
  CHECK(summary.holds[0].first_month == 2);
  CHECK(summary.holds[0].last_month == 2);
  // Turn 2: direct_pressure 0.2 charged for one month of two.
  CHECK(summary.spent.at("CHN") == 2 + 5 * 0.5);
  CHECK(summarize_turn(definition, log, 3 - 1).holds.size() == 1);
  play_turn(definition, log);
  CHECK(summarize_turn(definition, log, 3).holds.empty());
  CHECK(summarize_turn(definition, log, 3).spent.at("CHN") == 7);
}

TEST_CASE("wargame: budgets and costs read with at most two decimals", "[wargame]") {
  CHECK(amount_text(11.671875) == "11.67");
  CHECK(amount_text(1.515625) == "1.52");
  CHECK(amount_text(10) == "10");
  CHECK(amount_text(12.5) == "12.5");
  CHECK(amount_text(-0.001) == "0");
}

TEST_CASE(
    "wargame: an estimate of a variable that tracks a secret lever is as noisy as a step between its settings, so "
    "one turn cannot tell two neighbouring settings apart",
    "[wargame]") {
  // USA's pme is secret (the model rates it barely visible) with settings 0.2, 0.5, 0.8; the
  // model's USA.engagement.pme follows it. Basing is public (visibility 0.2 and above).
  const Definition definition = load(definition_yaml());
  const int pme = slot_of(definition, "USA", "engagement.pme");
  const int basing = slot_of(definition, "USA", "engagement.basing");
  const int autonomy = slot_of(definition, "MNG", "autonomy");
  CHECK(estimate_noise(definition, pme) == Approx(0.3));
  CHECK(estimate_noise(definition, basing) == 0.05);
  CHECK(estimate_noise(definition, autonomy) == 0.05);
  const Definition wider = load(std::regex_replace(definition_yaml(), std::regex("lag_months: 2\\}"),
                                                   "lag_months: 2, secret_lever_steps: 2, levers: {USA.pme: 0.5}}"),
                                "wider");
  CHECK(wider.secret_lever_steps == 2);
  CHECK(estimate_noise(wider, pme) == Approx(0.15));  // its own: half a step

  // What CHN is shown: its estimates of pme's engagement stray from the truth by about a step.
  GameLog log = new_game(definition);
  double squares = 0;
  int count = 0;
  for (int turn = 1; turn <= definition.turns; ++turn) {
    for (const IndicatorView& view : briefing(definition, log, definition.find_team("CHN")))
      if (view.slot == pme) {
        const double truth = band_at(definition, log, std::max(0, view.as_of_month), pme).p50;
        squares += (view.now.p50 - truth) * (view.now.p50 - truth);
        ++count;
      }
    if (turn < definition.turns) play_turn(definition, log);
  }
  REQUIRE(count == definition.turns);
  CHECK(std::sqrt(squares / count) > 0.05);  // more than the plain noise
}

TEST_CASE("wargame: each team is scored by its objectives — the median's change over the range, signed, weighted",
          "[wargame]") {
  const Definition definition = load(definition_yaml() + R"(
)",
                                     "objectives-none");
  CHECK(definition.teams[0].objectives.empty());
  std::string yaml = definition_yaml();
  const auto insert_after = [&](const std::string& anchor, const std::string& text) {
    const auto at = yaml.find(anchor);
    REQUIRE(at != std::string::npos);
    yaml.insert(at + anchor.size(), text);
  };
  insert_after(
      "    name: China\n",
      "    objectives:\n      CHN.coercion: {better: higher, weight: 3}\n      system.tension: {better: lower}\n");
  const Definition game = load(yaml, "objectives");
  REQUIRE(game.teams[0].objectives.size() == 2);
  GameLog log = new_game(game);
  play_turn(game, log, {{"CHN", {{"direct_pressure", 0.2}}}});
  play_turn(game, log);
  const int coercion = slot_of(game, "CHN", "coercion"), tension = slot_of(game, "system", "tension");
  const int now = game.first_month(3);
  // By hand from the log's bands: coercion wanted higher with weight 3, tension lower with 1.
  const double coercion_score = band_at(game, log, now, coercion).p50 - band_at(game, log, 0, coercion).p50;
  const double tension_score = -(band_at(game, log, now, tension).p50 - band_at(game, log, 0, tension).p50);
  REQUIRE(coercion_score > 0.05);  // the squeeze raised it: the case is not trivial
  const std::vector<TeamScore> scores = score_teams(game, log);
  REQUIRE(scores.size() == 2);
  CHECK(scores[0].team == "CHN");
  CHECK(scores[0].objectives[0].score == Approx(coercion_score).epsilon(1e-12));
  CHECK(scores[0].objectives[1].score == Approx(tension_score).epsilon(1e-12));
  CHECK(scores[0].total == Approx((3 * coercion_score + tension_score) / 4).epsilon(1e-12));
  CHECK(scores[1].objectives.empty());
  CHECK(scores[1].total == 0);
  CHECK(objective_label(game, coercion) == "higher is better for China");
  CHECK(objective_label(game, tension) == "lower is better for China");
  CHECK(objective_label(game, slot_of(game, "MNG", "autonomy")).empty());
}

TEST_CASE("wargame: an objective naming no state variable or no direction is refused at its place", "[wargame]") {
  for (const auto& [objective, message] :
       std::vector<std::pair<std::string, std::string>>{{"CHN.coerción: {better: higher}", "did you mean"},
                                                        {"CHN.coercion: {better: up}", "direction"},
                                                        {"CHN.coercion: {better: higher, weight: -1}", "weight"},
                                                        {"CHN.coercion: {better: higher, wieght: 2}", "wieght"}}) {
    INFO(objective);
    std::string yaml = definition_yaml();
    const std::string anchor = "    name: China\n";
    yaml.insert(yaml.find(anchor) + anchor.size(), "    objectives:\n      " + objective + "\n");
    CHECK_THROWS_WITH(load(yaml, "bad-objective"), Catch::Contains("game.yaml:") && Catch::Contains(message));
  }
}

TEST_CASE("wargame: the debrief folds the secret moves away, leaves them out or shows them, and marks injects",
          "[wargame]") {
  const Definition game = load(definition_yaml(), "debrief");
  GameLog log = new_game(game);
  log.open_turn()->injects.push_back(deck_inject(game, "squeeze"));
  log.open_turn()->overrides.push_back({"USA", "pme", 0.8, "a summit was agreed"});
  play_turn(game, log, {{"CHN", {{"hawkishness", 0.8}}}});
  const auto html = [&](SecretMoves secret_moves) { return render_report(game, log, {}, nullptr, secret_moves).html; };
  const std::string folded = html(SecretMoves::folded), left_out = html(SecretMoves::left_out),
                    shown = html(SecretMoves::shown);
  CHECK(folded.find("<details id=\"secret-moves\">") != std::string::npos);
  CHECK(folded.find("hawkishness 0.5 → 0.8") != std::string::npos);
  CHECK(shown.find("<details id=\"secret-moves\" open>") != std::string::npos);
  CHECK(left_out.find("hawkishness") == std::string::npos);
  CHECK(left_out.find("not shown until the facilitator reveals them") != std::string::npos);
  // The override's note, with its move: pme is below the model's visibility threshold, a secret move.
  CHECK(folded.find("(set by the facilitator: a summit was agreed)") != std::string::npos);
  CHECK(left_out.find("a summit was agreed") == std::string::npos);
  for (const std::string* page : {&folded, &left_out, &shown})
    CHECK(page->find("T1 ⚑ Border squeeze") != std::string::npos);  // the inject's marker on the charts
}
