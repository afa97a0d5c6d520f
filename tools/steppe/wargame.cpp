#include "tools/steppe/wargame.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/json.hpp"
#include "app/wargame.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace fs = std::filesystem;
using wargame::GameError;
using wargame::GameFolder;
using wargame::Team;

namespace {

// --- what the commands print ------------------------------------------------------------------

std::string now_text(const app::GameClock& clock) {
  if (!clock.over())
    return fmt::format("turn {} of {} ({}), {} played", clock.open_turn, clock.turns, clock.open_dates, clock.played);
  return fmt::format("game over: {} turns played", clock.played);
}

// A compact chart of the median over the months played: one block character per month.
std::string sparkline(const app::Indicator& indicator) {
  static const char* blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string line;
  for (const double median : indicator.medians) {
    const double share = (median - indicator.min) / (indicator.max - indicator.min);
    line += blocks[std::clamp(static_cast<int>(share * 8), 0, 7)];
  }
  return line;
}

std::string indicator_table(const std::vector<app::Indicator>& indicators) {
  Table table({"actor", "variable", "now", "90% range", "change", "since start"});
  for (const app::Indicator& indicator : indicators) {
    if (indicator.exact)
      table.add_row({indicator.actor, indicator.variable, format_for_people(indicator.now.p50),
                     fmt::format("{}–{}", format_for_people(indicator.now.p05), format_for_people(indicator.now.p95)),
                     format_for_people(indicator.now.p50 - indicator.before, true), sparkline(indicator)});
    else
      table.add_row({indicator.actor, indicator.variable, "≈" + format_for_people(indicator.now.p50),
                     "estimate of " + indicator.as_of, format_for_people(indicator.now.p50 - indicator.before, true),
                     ""});
  }
  return table.render();
}

using wargame::amount_text;

std::string menu_table(const app::Menu& menu) {
  Table table({"#", "lever", "holding", "settings (cost per turn)", "seen by others"});
  int number = 1;
  for (const app::MenuLine& line : menu.lines) {
    std::string settings;
    for (const auto& [setting, cost] : line.costs)
      settings += fmt::format("{}{:g} ({})", settings.empty() ? "" : "  ", setting, amount_text(cost));
    table.add_row({std::to_string(number++), line.lever, fmt::format("{:g}", line.holding), settings,
                   line.visible ? "yes" : "no"});
  }
  return table.render() +
         fmt::format("budget this turn {}; these settings cost {}\n", amount_text(menu.budget), amount_text(menu.cost));
}

// The months an inject held a lever: "2025-04 to 2025-06", or one month.
std::string hold_months(const app::TurnReport& report, const wargame::InjectHold& hold) {
  return hold.first_month == hold.last_month
             ? report.month_dates.at(static_cast<std::size_t>(hold.first_month - report.first_month))
             : fmt::format("{} to {}",
                           report.month_dates.at(static_cast<std::size_t>(hold.first_month - report.first_month)),
                           report.month_dates.at(static_cast<std::size_t>(hold.last_month - report.first_month)));
}

// The inject that held a team's lever this turn, if one did.
const wargame::InjectHold* held_by_inject(const app::TurnReport& report, const wargame::PublicMove& move) {
  for (const wargame::InjectHold& hold : report.moves.holds)
    if (hold.actor == move.team && hold.lever == move.lever) return &hold;
  return nullptr;
}

std::string move_line(const app::TurnReport& report, const wargame::PublicMove& move, bool secret) {
  std::string line = fmt::format("  {} {} {:g} → {:g}{}{}", move.team, move.lever, move.from, move.to,
                                 secret ? " (secret)" : "", move.overridden ? " (facilitator)" : "");
  if (const wargame::InjectHold* hold = held_by_inject(report, move))
    line += fmt::format(", but {} held it at {:g} in {} ({} not charged for it then)", hold->inject, hold->value,
                        hold_months(report, *hold), move.team);
  return line + "\n";
}

std::string turn_report(const app::TurnReport& report, bool facilitator) {
  std::string text = fmt::format("Turn {} ({}){}\n", report.turn, report.dates,
                                 report.forced ? ", adjudicated before every team had moved" : "");
  for (const wargame::Inject& inject : report.injects)
    text += fmt::format("  inject: {}{}\n", inject.title, inject.text.empty() ? "" : " — " + inject.text);
  for (const wargame::PublicMove& move : report.moves.visible) text += move_line(report, move, false);
  std::map<std::string, int> secret;
  for (const wargame::PublicMove& move : report.moves.secret) {
    ++secret[move.team];
    if (facilitator) text += move_line(report, move, true);
  }
  // Levers an inject held that no team moved this turn: the model ran the inject's value.
  for (const wargame::InjectHold& hold : report.moves.holds) {
    if (!hold.visible && !facilitator) continue;
    const bool moved =
        std::any_of(report.moves.visible.begin(), report.moves.visible.end(),
                    [&](const wargame::PublicMove& move) { return &hold == held_by_inject(report, move); }) ||
        std::any_of(report.moves.secret.begin(), report.moves.secret.end(),
                    [&](const wargame::PublicMove& move) { return &hold == held_by_inject(report, move); });
    if (!moved)
      text += fmt::format("  {} held {} {} at {:g} in {}{}\n", hold.inject, hold.actor, hold.lever, hold.value,
                          hold_months(report, hold),
                          hold.on_menu ? fmt::format(" ({} not charged for it then)", hold.actor) : "");
  }
  if (!facilitator)
    for (const auto& [team, count] : secret)
      text += fmt::format("  {} made {} move{} no one else saw\n", team, count, count == 1 ? "" : "s");
  if (report.moves.visible.empty() && report.moves.secret.empty() && report.injects.empty() &&
      report.moves.holds.empty())
    text += "  no moves\n";
  return text;
}

// The scenario's own dated events in a turn, as lines.
std::string scheduled_events(const std::vector<app::ScheduledEvent>& events) {
  std::string text;
  for (const app::ScheduledEvent& event : events) text += fmt::format("  {}: {}\n", event.date, event.text);
  return text;
}

std::string results_text(const app::AdvanceResult& result) {
  return fmt::format("{}\nwhat everyone sees now (median of {} runs, 90% range, change this turn):\n{}",
                     turn_report(result.turn, false), result.members, indicator_table(result.everyone_sees));
}

// --- the commands -------------------------------------------------------------------------------

int new_game(const WargameOptions& options) {
  const app::NewGameResult result = app::new_game(
      {.file = options.file, .folder = options.game, .turns = options.turns, .turn_months = options.turn_months});
  const wargame::Definition& definition = result.definition;
  fmt::print("new game in {}: {}\n{} teams ({}), {} turns of {} months from {}, adjudicated by {} members\n",
             result.folder, definition.title, definition.teams.size(), fmt::join(definition.team_ids(), ", "),
             definition.turns, definition.turn_months, definition.scenario->start.to_string(), definition.members);
  if (result.wrote_definition)
    fmt::print("the game's rules are in {} (edit them before the first move)\n", result.definition_file);
  fmt::print("next: each team submits its moves (steppe wargame submit {} --team ID moves.yaml)\n", result.folder);
  return 0;
}

int status(const WargameOptions& options) {
  const app::GameStatus status =
      app::game_status({.game = options.game, .facilitator = options.facilitator, .team = options.team});
  if (options.json) {
    fmt::print("{}\n", app::json::wargame_status(status).dump(2));
    return 0;
  }
  fmt::print("{} — {}\n\n", status.title, now_text(status.clock));
  if (status.clock.over()) {
    fmt::print("steppe wargame report {} writes the debrief\n", options.game);
    return 0;
  }
  // A budget shows what a team's settings cost, and so its secret ones: only the facilitator
  // sees every team's, a team (--team) its own.
  const bool budgets = options.facilitator || !options.team.empty();
  Table table(budgets ? std::vector<std::string>{"team", "name", "moves", "budget"}
                      : std::vector<std::string>{"team", "name", "moves"});
  for (const app::TeamStatus& team : status.teams) {
    std::vector<std::string> row = {team.id, team.name,
                                    team.computer    ? "made by the computer"
                                    : team.submitted ? "submitted"
                                                     : "waiting"};
    if (budgets) row.push_back(team.budget ? amount_text(*team.budget) : "");
    table.add_row(row);
  }
  fmt::print("{}", table.render());
  if (options.facilitator) {
    if (!status.open_injects.empty()) fmt::print("\ninjects this turn (inject --remove N removes one):\n");
    for (std::size_t index = 0; index < status.open_injects.size(); ++index)
      fmt::print("  {}. {}\n", index + 1, status.open_injects[index].title);
    if (!status.open_overrides.empty()) fmt::print("\noverrides this turn (override --remove N removes one):\n");
    for (std::size_t index = 0; index < status.open_overrides.size(); ++index) {
      const wargame::Override& entry = status.open_overrides[index];
      fmt::print("  {}. {} {} {:g}{}\n", index + 1, entry.team, entry.lever, entry.value,
                 entry.note.empty() ? "" : " — " + entry.note);
    }
  } else if (status.injects || status.overrides) {
    fmt::print("\nthe facilitator has {} inject{} and {} override{} for this turn\n", status.injects,
               status.injects == 1 ? "" : "s", status.overrides, status.overrides == 1 ? "" : "s");
  }
  return 0;
}

int brief(const WargameOptions& options) {
  const app::Briefing briefing =
      app::brief({.game = options.game, .team = options.team, .facilitator = options.facilitator});
  const bool facilitator = briefing.team.empty();
  fmt::print("{} — {}\nbriefing for {}\n\n", briefing.title, now_text(briefing.clock),
             facilitator ? "the facilitator (everything)" : fmt::format("{} ({})", briefing.team_name, briefing.team));
  fmt::print("{}", indicator_table(briefing.indicators));
  if (briefing.last_turn) fmt::print("\nlast turn:\n{}", turn_report(*briefing.last_turn, facilitator));
  if (const std::string events = scheduled_events(briefing.scheduled); !events.empty())
    fmt::print("\nscheduled this turn:\n{}", events);
  if (briefing.menu)
    fmt::print("\nyour menu for turn {} ({}):\n{}", briefing.menu->turn,
               briefing.submitted ? "with the moves you submitted" : "not submitted yet", menu_table(*briefing.menu));
  return 0;
}

int submit(const WargameOptions& options) {
  const app::SubmitResult result =
      app::submit_moves({.game = options.game, .team = options.team, .moves_file = options.moves});
  fmt::print("{} {}'s moves for turn {}: {}\nthe settings held cost {} of a budget of {}\n",
             result.replaced ? "replaced" : "recorded", result.team, result.turn, app::moves_text(result.moves),
             amount_text(result.cost), amount_text(result.budget));
  return 0;
}

int inject(const WargameOptions& options) {
  if (options.remove) {
    if (!options.inject.empty() || !options.jumps.empty() || !options.levers.empty() || !options.events.empty())
      throw InputError({"<command line>"}, "--remove", "removes an inject: give no card, --jump, --lever or --event");
    const app::InjectResult removed = app::remove_inject({.game = options.game, .index = options.remove - 1});
    fmt::print("removed inject {} from turn {}: {}\n", options.remove, removed.turn, removed.inject.title);
    return 0;
  }
  const app::InjectResult result =
      app::inject({.game = options.game,
                   .card = options.inject,
                   .ad_hoc = {options.title, options.jumps, options.levers, options.events, options.months}});
  fmt::print("inject for turn {}: {}\n", result.turn, result.inject.title);
  return 0;
}

int override_move(const WargameOptions& options) {
  if (options.remove) {
    if (!options.team.empty() || !options.assignments.empty() || !options.note.empty())
      throw InputError({"<command line>"}, "--remove", "removes an override: give no --team, LEVER=SETTING or --note");
    const app::OverrideResult removed = app::remove_override({.game = options.game, .index = options.remove - 1});
    fmt::print("removed override {} from turn {}: {} {} {:g}\n", options.remove, removed.turn, removed.entry.team,
               removed.entry.lever, removed.entry.value);
    return 0;
  }
  if (options.team.empty()) throw InputError({"<command line>"}, "--team", "say whose move: --team ID");
  if (options.assignments.empty())
    throw InputError({"<command line>"}, "override", "give at least one LEVER=SETTING (or --remove N)");
  const app::OverrideResult result = app::override_move(
      {.game = options.game, .team = options.team, .assignments = options.assignments, .note = options.note});
  std::vector<std::string> settings;
  for (const wargame::Override& entry : result.entries)
    settings.push_back(fmt::format("{} {:g}", entry.lever, entry.value));
  fmt::print("override for turn {}: {} {}\n", result.turn, result.entry.team, fmt::join(settings, ", "));
  return 0;
}

int advance_turn(const WargameOptions& options) {
  const app::AdvanceResult result = app::advance_turn({.game = options.game, .force = options.force});
  fmt::print("{}", results_text(result));
  fmt::print("\n{}\n", now_text(result.clock));
  return 0;
}

int undo_turn(const WargameOptions& options) {
  const app::UndoResult result = app::undo_turn({.game = options.game, .discard_open = options.discard_open});
  if (result.discarded_turn) {
    fmt::print("discarded from turn {}:\n", result.discarded_turn);
    for (const app::DiscardedEntry& entry : result.discarded)
      fmt::print("  {}\n", entry.kind == "moves"    ? fmt::format("{}'s moves: {}", entry.team, entry.detail)
                           : entry.kind == "inject" ? fmt::format("inject: {}", entry.detail)
                                                    : fmt::format("override of {}: {}", entry.team, entry.detail));
  }
  fmt::print(
      "turn {} is open again: its moves, overrides and injects stand until changed; advance adjudicates it anew\n",
      result.reopened_turn);
  return 0;
}

int replay(const WargameOptions& options) {
  const app::ReplayResult result = app::replay({options.game});
  if (!result.start_same) fmt::print("the starting state differs\n");
  for (const app::TurnReplay& turn : result.turns)
    fmt::print("turn {}: {}\n", turn.turn, turn.same ? "same numbers" : "DIFFERENT numbers");
  const int differing = result.differing();
  fmt::print("{}\n", differing ? fmt::format("replay differs from the log in {} turn(s)", differing)
                               : fmt::format("replayed {} turn(s) from the log: every number is the same",
                                             result.turns.size()));
  return differing ? 1 : 0;
}

int report(const WargameOptions& options) {
  app::ReportRequest request{.game = options.game, .facilitator = options.facilitator};
  if (!options.counterfactual.empty()) {
    const auto equals = options.counterfactual.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError({"<command line>"}, "--counterfactual",
                       "expected TEAM=SCENARIO, e.g. USA=scenarios/calibrated.yaml");
    request.counterfactual_team = options.counterfactual.substr(0, equals);
    request.counterfactual_scenario = options.counterfactual.substr(equals + 1);
  }
  const app::ReportResult result = app::report(request);
  OutputFolder folder(options.out.empty() ? fs::path(options.game) / "report" : fs::path(options.out));
  write_files(folder, result.files);
  std::vector<std::string> names;
  for (const app::OutputFile& file : result.files) names.push_back(file.name);
  fmt::print("wrote {}/ : {}\n", folder.path().string(), fmt::join(names, ", "));
  return 0;
}

// --- hotseat play -------------------------------------------------------------------------------

// A line from the keyboard; false at the end of input (Ctrl-D), when play stops (all is saved).
bool ask(const std::string& prompt, std::string& line) {
  fmt::print("{}", prompt);
  std::fflush(stdout);
  if (!std::getline(std::cin, line)) {
    fmt::print("\n");  // the prompt's line ends, so what follows starts on its own
    return false;
  }
  line.erase(0, line.find_first_not_of(" \t"));
  line.erase(line.find_last_not_of(" \t\r") + 1);
  return true;
}

// Clears the screen, then the terminal's scrollback (ESC[3J; a terminal such as tmux keeps a
// cleared screen in its scrollback), so that the next team cannot scroll
// back to the one before's briefing and moves.
void clear_screen() {
  if (::isatty(STDOUT_FILENO)) fmt::print("\033[H\033[2J\033[3J");
}

// Walks one team through its menu; returns false when input ended.
bool play_team(GameFolder& game, const Team& team) {
  const app::Briefing briefing = app::brief(game, &team);
  const app::GameClock& clock = briefing.clock;
  clear_screen();
  std::string line;
  if (!ask(fmt::format("Turn {} of {} ({}). Pass the keyboard to {} ({}) and press Enter. ", clock.open_turn,
                       clock.turns, clock.open_dates, team.name, team.id),
           line))
    return false;
  clear_screen();
  fmt::print("{} ({}) — turn {} of {} ({})\n\n{}", team.name, team.id, clock.open_turn, clock.turns, clock.open_dates,
             indicator_table(briefing.indicators));
  if (const std::string events = scheduled_events(briefing.scheduled); !events.empty())
    fmt::print("\nscheduled this turn:\n{}", events);
  app::Moves moves;
  while (true) {
    fmt::print("\n{}", menu_table(app::menu(game, team, moves)));
    if (!ask("move: a lever's number and a setting (e.g. '2 0.8'), or 'done': ", line)) return false;
    if (line == "done") break;
    std::istringstream words(line);
    std::size_t number = 0;
    std::string setting;
    if (!(words >> number >> setting) || number < 1 || number > team.menu.size()) {
      fmt::print("type a number from 1 to {} and a setting, or 'done'\n", team.menu.size());
      continue;
    }
    const auto value = parse_number(setting);
    app::Moves trial = moves;
    trial[team.menu[number - 1].lever] = value ? *value : -1;
    try {
      app::check_moves(game, team, trial);
      moves = trial;
    } catch (const GameError& error) {
      fmt::print("not allowed: {}\n", error.what());
    }
  }
  app::record_moves(game, team, moves);
  return true;
}

int play(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  const wargame::Definition& definition = game.definition();
  std::string line;
  while (const wargame::Turn* open = game.log().open_turn()) {
    for (const Team& team : definition.teams)
      if (!game.log().open_turn()->moves.contains(team.id) && !play_team(game, team)) return 0;
    clear_screen();
    std::vector<std::string> deck;
    for (const auto& [name, card] : definition.deck) deck.push_back(name);
    fmt::print("Turn {}: every team has moved.\n", open->number);
    while (true) {
      if (!ask(fmt::format("facilitator: 'inject NAME' ({}), or Enter to adjudicate: ",
                           deck.empty() ? "no deck" : fmt::format("{}", fmt::join(deck, ", "))),
               line))
        return 0;
      if (line.empty()) break;
      if (line.rfind("inject ", 0) != 0) {
        fmt::print("type 'inject NAME' or press Enter\n");
        continue;
      }
      try {
        fmt::print("inject: {}\n", app::inject_card(game, line.substr(7)).inject.title);
      } catch (const InputError& error) {
        fmt::print("{}\n", error.message());
      }
    }
    const app::AdvanceResult result = app::advance_turn(game, false);
    clear_screen();
    fmt::print("{}", results_text(result));
    if (!result.clock.over() && !ask("\nPress Enter for the next turn. ", line)) return 0;
  }
  fmt::print("\nThe game is over. steppe wargame report {} writes the debrief.\n", options.game);
  return 0;
}

}  // namespace

CLI::App* add_wargame_commands(CLI::App& app, WargameOptions& options) {
  auto* wargame =
      app.add_subcommand("wargame", "Classroom wargame: teams play the actors turn by turn (docs/wargame.md)");
  wargame->require_subcommand(1);
  const auto game_argument = [&](CLI::App* command) {
    command->add_option("game", options.game, "The game folder")->required();
  };

  auto* create = wargame->add_subcommand("new", "Start a game from a game definition, or from any scenario");
  create->add_option("file", options.file, "A game definition (YAML with teams) or a scenario")->required();
  create->add_option("--dir", options.game, "The game folder to create")->required();
  create->add_option("--turns", options.turns, "Turns, for a game made from a scenario (default 8)")
      ->check(CLI::Range(1, 100));
  create
      ->add_option("--turn-months", options.turn_months, "Months per turn, for a game made from a scenario (default 3)")
      ->check(CLI::Range(1, 60));

  auto* status_app = wargame->add_subcommand("status", "The turn and who has submitted (budgets: --facilitator)");
  game_argument(status_app);
  status_app->add_flag("--json", options.json, "Machine-readable output");
  auto* status_facilitator = status_app->add_flag(
      "--facilitator", options.facilitator, "Every team's budget, and the open turn's injects and overrides, numbered");
  status_app->add_option("--team", options.team, "A team's own budget")->excludes(status_facilitator);

  auto* brief_app = wargame->add_subcommand("brief", "A team's briefing (fog of war), or the facilitator's");
  game_argument(brief_app);
  auto* team_option = brief_app->add_option("--team", options.team, "The team (its actor, e.g. CHN)");
  auto* facilitator = brief_app->add_flag("--facilitator", options.facilitator, "Everything, exactly");
  team_option->excludes(facilitator);

  auto* submit_app = wargame->add_subcommand("submit", "Submit a team's moves for the open turn (a YAML file)");
  game_argument(submit_app);
  submit_app->add_option("--team", options.team, "The team submitting")->required();
  submit_app->add_option("moves", options.moves, "The moves file")->required();

  auto* inject_app =
      wargame->add_subcommand("inject", "Facilitator: add an inject from the deck, or ad hoc, to the open turn");
  game_argument(inject_app);
  inject_app->add_option("name", options.inject, "A card of the game's inject deck");
  inject_app
      ->add_option("--remove", options.remove, "Remove the open turn's inject N (as status --facilitator lists them)")
      ->check(CLI::PositiveNumber);
  inject_app->add_option("--jump", options.jumps, "Ad hoc: add to a state variable, NAME=DELTA")
      ->type_name("NAME=DELTA");
  inject_app->add_option("--lever", options.levers, "Ad hoc: hold a lever, NAME=VALUE, for --months")
      ->type_name("NAME=VALUE");
  inject_app->add_option("--event", options.events, "Ad hoc: a model event, KIND:ACTOR")->type_name("KIND:ACTOR");
  inject_app->add_option("--months", options.months, "How long --lever holds")->check(CLI::Range(1, 6000));
  inject_app->add_option("--title", options.title, "What the class is told");

  auto* override_app =
      wargame->add_subcommand("override", "Facilitator: replace a team's moves for the open turn (one or more levers)");
  game_argument(override_app);
  override_app->add_option("--team", options.team, "The team");
  override_app->add_option("moves", options.assignments, "LEVER=SETTING, one or more")->type_name("LEVER=SETTING");
  override_app->add_option("--note", options.note, "Why, for the log (one note for all)");
  override_app
      ->add_option("--remove", options.remove, "Remove the open turn's override N (as status --facilitator lists them)")
      ->check(CLI::PositiveNumber);

  auto* advance_app = wargame->add_subcommand("advance", "Adjudicate the open turn: run the model for its months");
  game_argument(advance_app);
  advance_app->add_flag("--force", options.force, "Adjudicate although some teams have not submitted");

  auto* undo_app = wargame->add_subcommand("undo", "Facilitator: reopen the last adjudicated turn");
  game_argument(undo_app);
  undo_app->add_flag("--discard-open", options.discard_open, "Discard what the open turn already has");

  auto* replay_app = wargame->add_subcommand("replay", "Recompute every turn from the log and check the numbers");
  game_argument(replay_app);

  auto* play_app =
      wargame->add_subcommand("play", "Hotseat play on this terminal: each team in turn, then the results");
  game_argument(play_app);

  auto* report_app = wargame->add_subcommand("report", "The debrief: a self-contained HTML page and Markdown");
  game_argument(report_app);
  report_app->add_option("--out", options.out, "Folder for report.html and report.md (default: GAME/report)");
  report_app->add_flag("--facilitator", options.facilitator,
                       "Write it before the game is over (it shows the secret moves of the turns played)");
  report_app
      ->add_option("--counterfactual", options.counterfactual,
                   "Replace a team's moves by a scenario's levers (default: the definition's)")
      ->type_name("TEAM=SCENARIO");
  return wargame;
}

int run_wargame(const CLI::App& wargame, const WargameOptions& options) {
  const auto parsed = [&](const char* name) { return wargame.get_subcommand(name)->parsed(); };
  try {
    if (parsed("new")) return new_game(options);
    if (parsed("status")) return status(options);
    if (parsed("brief")) return brief(options);
    if (parsed("submit")) return submit(options);
    if (parsed("inject")) return inject(options);
    if (parsed("override")) return override_move(options);
    if (parsed("advance")) return advance_turn(options);
    if (parsed("undo")) return undo_turn(options);
    if (parsed("replay")) return replay(options);
    if (parsed("play")) return play(options);
    if (parsed("report")) return report(options);
  } catch (const GameError& error) {
    std::cerr << "steppe: error: " << error.what() << "\n";
    return 2;
  }
  return 2;
}

namespace {

const CommandRegistration wargame_registration(100, [](CLI::App& app) {
  auto options = std::make_shared<WargameOptions>();
  CLI::App* wargame = add_wargame_commands(app, *options);
  return Command{wargame, [options, wargame](const std::string&) { return run_wargame(*wargame, *options); }};
});

}  // namespace

}  // namespace steppe::cli
