#include "tools/steppe/wargame.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/io/output_files.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/wargame_files.hpp"
#include "engine/io/wargame_report.hpp"
#include "engine/io/yaml_input.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace fs = std::filesystem;
using namespace steppe::wargame;

namespace {

// --- what the commands print ------------------------------------------------------------------

std::string now_text(const Definition& definition, const GameLog& log) {
  const int played = log.adjudicated_turns();
  if (const Turn* open = log.open_turn())
    return fmt::format("turn {} of {} ({}), {} played", open->number, definition.turns,
                       turn_dates(definition, open->number), played);
  return fmt::format("game over: {} turns played", played);
}

// A compact chart of the median over the months played: one block character per month.
std::string sparkline(const Definition& definition, const GameLog& log, int slot) {
  static const char* blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  const VariableDecl& variable = *definition.scenario->layout->state()[static_cast<std::size_t>(slot)].decl;
  std::string line;
  const int now = definition.first_month(log.adjudicated_turns() + 1);
  for (int month = 0; month <= now; ++month) {
    const Band& band = band_at(definition, log, month, slot);
    const double share = (band.p50 - variable.min) / (variable.max - variable.min);
    line += blocks[std::clamp(static_cast<int>(share * 8), 0, 7)];
  }
  return line;
}

// The indicators of a view as a table; `only_public` keeps what everyone sees (the projector).
std::string indicator_table(const Definition& definition, const GameLog& log, const std::vector<IndicatorView>& views,
                            bool only_public) {
  const Layout& layout = *definition.scenario->layout;
  Table table({"actor", "variable", "now", "90% range", "change", "since start"});
  for (const IndicatorView& view : views) {
    if (only_public && !definition.is_public(layout.state()[static_cast<std::size_t>(view.slot)].decl->name)) continue;
    const Layout::StateSlot& slot = layout.state()[static_cast<std::size_t>(view.slot)];
    if (view.exact)
      table.add_row({slot.actor, slot.variable, format_for_people(view.now.p50),
                     fmt::format("{}–{}", format_for_people(view.now.p05), format_for_people(view.now.p95)),
                     format_for_people(view.now.p50 - view.before, true), sparkline(definition, log, view.slot)});
    else
      table.add_row({slot.actor, slot.variable, "≈" + format_for_people(view.now.p50),
                     "estimate of " + definition.scenario->date(view.as_of_month).to_string(),
                     format_for_people(view.now.p50 - view.before, true), ""});
  }
  return table.render();
}

std::string menu_table(const GameLog& log, const Team& team, int turn, const std::map<std::string, double>& pending) {
  auto held = held_settings(log, team, turn - 1);
  for (const auto& [lever, value] : pending) held[lever] = value;
  Table table({"#", "lever", "holding", "settings (cost per turn)", "seen by others"});
  int number = 1;
  for (const MenuItem& item : team.menu) {
    std::string settings;
    for (const auto& [setting, cost] : item.costs)
      settings += fmt::format("{}{:g} ({:g})", settings.empty() ? "" : "  ", setting, cost);
    table.add_row({std::to_string(number++), item.lever, fmt::format("{:g}", held.at(item.lever)), settings,
                   item.visible ? "yes" : "no"});
  }
  return table.render() + fmt::format("budget this turn {:g}; these settings cost {:g}\n",
                                      available_budget(log, team, turn), upkeep(team, held));
}

std::string turn_report(const Definition& definition, const GameLog& log, int turn, bool facilitator) {
  const Turn& entry = log.turns.at(static_cast<std::size_t>(turn - 1));
  const TurnSummary summary = summarize_turn(definition, log, turn);
  std::string text = fmt::format("Turn {} ({}){}\n", turn, turn_dates(definition, turn),
                                 entry.forced ? ", adjudicated before every team had moved" : "");
  for (const Inject& inject : entry.injects)
    text += fmt::format("  inject: {}{}\n", inject.title, inject.text.empty() ? "" : " — " + inject.text);
  for (const PublicMove& move : summary.visible)
    text += fmt::format("  {} {} {:g} → {:g}{}\n", move.team, move.lever, move.from, move.to,
                        move.overridden ? " (facilitator)" : "");
  std::map<std::string, int> secret;
  for (const PublicMove& move : summary.secret) {
    ++secret[move.team];
    if (facilitator)
      text += fmt::format("  {} {} {:g} → {:g} (secret){}\n", move.team, move.lever, move.from, move.to,
                          move.overridden ? " (facilitator)" : "");
  }
  if (!facilitator)
    for (const auto& [team, count] : secret)
      text += fmt::format("  {} made {} move{} no one else saw\n", team, count, count == 1 ? "" : "s");
  if (summary.visible.empty() && summary.secret.empty() && entry.injects.empty()) text += "  no moves\n";
  return text;
}

// The scenario's own dated events in a turn, as lines.
std::string scheduled_events(const Definition& definition, int turn) {
  std::string text;
  for (const TimelineNote& note : scheduled_in_turn(definition, turn))
    text += fmt::format("  {}: {}\n", definition.scenario->date(note.month).to_string(), note.text);
  return text;
}

// --- the commands -------------------------------------------------------------------------------

bool is_definition(const std::string& file) {
  const Located root = load_yaml_file(file, "scenario or game definition");
  return root.node.IsMap() && root.node["teams"];
}

int new_game(const WargameOptions& options) {
  fs::path definition_file = options.file;
  if (is_definition(options.file)) {
    if (options.turns || options.turn_months)
      throw InputError({options.file}, "--turns", "a game definition sets its own turns and turn_months");
  } else {
    // A scenario: write a default definition into the new folder, to edit before play begins.
    if (fs::exists(fs::path(options.game) / "game.json"))
      throw InputError({options.game}, "--dir", "a game is already in this folder; choose another --dir");
    const auto scenario = load_scenario(options.file);
    const int turns = options.turns ? options.turns : 8, turn_months = options.turn_months ? options.turn_months : 3;
    if (turns * turn_months > 6000) throw InputError({}, "--turns", "the game is longer than 6000 months");
    OutputFolder folder(options.game);
    const std::string relative = fs::relative(fs::absolute(options.file), fs::absolute(options.game)).string();
    folder.add("game.yaml", default_definition(*scenario, relative, turns, turn_months));
    folder.commit();
    definition_file = fs::path(options.game) / "game.yaml";
  }
  GameFolder game = GameFolder::create(options.game, definition_file);
  const Definition& definition = game.definition();
  fmt::print("new game in {}: {}\n{} teams ({}), {} turns of {} months from {}, adjudicated by {} members\n",
             options.game, definition.title, definition.teams.size(), fmt::join(definition.team_ids(), ", "),
             definition.turns, definition.turn_months, definition.scenario->start.to_string(), definition.members);
  if (definition_file != options.file)
    fmt::print("the game's rules are in {} (edit them before the first move)\n", definition_file.string());
  fmt::print("next: each team submits its moves (steppe wargame submit {} --team ID moves.yaml)\n", options.game);
  return 0;
}

int status(const WargameOptions& options) {
  const GameFolder game = GameFolder::open(options.game, false);
  const Definition& definition = game.definition();
  const GameLog& log = game.log();
  const Turn* open = log.open_turn();
  if (options.json) {
    nlohmann::json teams = nlohmann::json::array();
    for (const Team& team : definition.teams) {
      nlohmann::json entry = {{"team", team.id}, {"name", team.name}};
      if (open) {
        entry["submitted"] = open->moves.contains(team.id);
        entry["budget"] = available_budget(log, team, open->number);
      }
      teams.push_back(entry);
    }
    const nlohmann::json document = {{"turn", open ? nlohmann::json(open->number) : nlohmann::json(nullptr)},
                                     {"turns", definition.turns},
                                     {"adjudicated", log.adjudicated_turns()},
                                     {"teams", teams}};
    fmt::print("{}\n", document.dump(2));
    return 0;
  }
  fmt::print("{} — {}\n\n", definition.title, now_text(definition, log));
  if (!open) {
    fmt::print("steppe wargame report {} writes the debrief\n", options.game);
    return 0;
  }
  // Only who has moved and what each may spend: what a team holds stays its own until adjudicated.
  Table table({"team", "name", "moves", "budget"});
  for (const Team& team : definition.teams)
    table.add_row({team.id, team.name, open->moves.contains(team.id) ? "submitted" : "waiting",
                   fmt::format("{:g}", available_budget(log, team, open->number))});
  fmt::print("{}", table.render());
  if (!open->injects.empty() || !open->overrides.empty())
    fmt::print("\nthe facilitator has {} inject{} and {} override{} for this turn\n", open->injects.size(),
               open->injects.size() == 1 ? "" : "s", open->overrides.size(), open->overrides.size() == 1 ? "" : "s");
  return 0;
}

int brief(const WargameOptions& options) {
  const GameFolder game = GameFolder::open(options.game, false);
  const Definition& definition = game.definition();
  const GameLog& log = game.log();
  const Team* team = nullptr;
  if (!options.facilitator) {
    if (options.team.empty()) throw InputError({}, "--team", "say whose briefing: --team ID, or --facilitator");
    team = definition.find_team(options.team);
    if (!team) throw InputError({}, "--team", unknown_name_message("team", options.team, definition.team_ids()));
  }
  fmt::print("{} — {}\nbriefing for {}\n\n", definition.title, now_text(definition, log),
             team ? fmt::format("{} ({})", team->name, team->id) : "the facilitator (everything)");
  fmt::print("{}", indicator_table(definition, log, briefing(definition, log, team), false));
  if (const int played = log.adjudicated_turns(); played > 0)
    fmt::print("\nlast turn:\n{}", turn_report(definition, log, played, team == nullptr));
  if (const Turn* open = log.open_turn()) {
    if (const std::string events = scheduled_events(definition, open->number); !events.empty())
      fmt::print("\nscheduled this turn:\n{}", events);
    if (team) {
      const auto submitted = open->moves.find(team->id);
      fmt::print("\nyour menu for turn {} ({}):\n{}", open->number,
                 submitted == open->moves.end() ? "not submitted yet" : "with the moves you submitted",
                 menu_table(log, *team, open->number,
                            submitted == open->moves.end() ? std::map<std::string, double>{} : submitted->second));
    }
  }
  return 0;
}

// Records a team's checked moves for the open turn (replacing any it submitted before) and
// saves the game; returns the moves as text.
std::string record_moves(GameFolder& game, const std::string& team, const std::map<std::string, double>& moves) {
  game.log().open_turn()->moves[team] = moves;
  std::string changes;
  for (const auto& [lever, value] : moves)
    changes += fmt::format("{}{} {:g}", changes.empty() ? "" : ", ", lever, value);
  if (changes.empty()) changes = "no change";
  game.save("submit", team, changes);
  return changes;
}

int submit(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  const Definition& definition = game.definition();
  const auto moves = load_moves(options.moves, definition, game.log(), options.team);
  Turn& open = *game.log().open_turn();
  const bool replacing = open.moves.contains(options.team);
  const std::string changes = record_moves(game, options.team, moves);
  const Team& team = *definition.find_team(options.team);
  fmt::print("{} {}'s moves for turn {}: {}\nthe settings held cost {:g} of a budget of {:g}\n",
             replacing ? "replaced" : "recorded", options.team, open.number, changes,
             upkeep(team, held_settings(game.log(), team, open.number)),
             available_budget(game.log(), team, open.number));
  return 0;
}

int inject(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  const Definition& definition = game.definition();
  Turn* open = game.log().open_turn();
  if (!open) throw GameError(game_over(definition));
  const bool ad_hoc = !options.jumps.empty() || !options.levers.empty() || !options.events.empty();
  if (ad_hoc && !options.inject.empty())
    throw InputError({}, "inject", "name a card of the deck or give --jump/--lever/--event, not both");
  Inject inject =
      ad_hoc || options.inject.empty()
          ? ad_hoc_inject(definition, {options.title, options.jumps, options.levers, options.events, options.months})
          : deck_inject(definition, options.inject);
  open->injects.push_back(inject);
  game.save("inject", "", inject.title);
  fmt::print("inject for turn {}: {}\n", open->number, inject.title);
  return 0;
}

int override_move(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  Turn* open = game.log().open_turn();
  if (!open) throw GameError(game_over(game.definition()));
  const wargame::Override entry = read_override(game.definition(), options.team, options.assignment, options.note);
  open->overrides.push_back(entry);
  game.save("override", entry.team,
            fmt::format("{} {:g}{}", entry.lever, entry.value, entry.note.empty() ? "" : ": " + entry.note));
  fmt::print("override for turn {}: {} {} {:g}\n", open->number, entry.team, entry.lever, entry.value);
  return 0;
}

std::string results_text(const Definition& definition, const GameLog& log, int turn) {
  return fmt::format("{}\nwhat everyone sees now (median of {} runs, 90% range, change this turn):\n{}",
                     turn_report(definition, log, turn, false), definition.members,
                     indicator_table(definition, log, briefing(definition, log, nullptr), true));
}

int advance_turn(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  const Definition& definition = game.definition();
  advance(definition, game.log(), options.force);
  const int turn = game.log().adjudicated_turns();
  game.save(
      "advance", "",
      fmt::format("turn {}{}", turn, game.log().turns[static_cast<std::size_t>(turn - 1)].forced ? " (forced)" : ""));
  fmt::print("{}", results_text(definition, game.log(), turn));
  fmt::print("\n{}\n", now_text(definition, game.log()));
  return 0;
}

int undo_turn(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  undo(game.log(), options.discard_open);
  const int turn = game.log().open_turn()->number;
  game.save("undo", "", fmt::format("turn {} reopened", turn));
  fmt::print(
      "turn {} is open again: its moves, overrides and injects stand until changed; advance adjudicates it anew\n",
      turn);
  return 0;
}

int replay(const WargameOptions& options) {
  const GameFolder game = GameFolder::open(options.game, false);
  const Definition& definition = game.definition();
  const GameLog& log = game.log();
  const int played = log.adjudicated_turns();
  const Bands recomputed = adjudicate(definition, log, played);
  int differing = 0;
  if (recomputed.months.front() != log.initial.months.front()) {
    fmt::print("the starting state differs\n");
    ++differing;
  }
  for (int turn = 1; turn <= played; ++turn) {
    const Bands& saved = log.turns[static_cast<std::size_t>(turn - 1)].results;
    bool same = true;
    for (int month = saved.first_month; month < saved.first_month + static_cast<int>(saved.months.size()); ++month)
      same = same && saved.months[static_cast<std::size_t>(month - saved.first_month)] ==
                         recomputed.months[static_cast<std::size_t>(month)];
    fmt::print("turn {}: {}\n", turn, same ? "same numbers" : "DIFFERENT numbers");
    differing += same ? 0 : 1;
  }
  fmt::print("{}\n", differing ? fmt::format("replay differs from the log in {} turn(s)", differing)
                               : fmt::format("replayed {} turn(s) from the log: every number is the same", played));
  return differing ? 1 : 0;
}

int report(const WargameOptions& options) {
  const GameFolder game = GameFolder::open(options.game, false);
  const Definition& definition = game.definition();
  std::optional<Counterfactual> counterfactual = definition.counterfactual;
  if (!options.counterfactual.empty()) {
    const auto equals = options.counterfactual.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError({}, "--counterfactual", "expected TEAM=SCENARIO, e.g. USA=scenarios/calibrated.yaml");
    counterfactual = load_counterfactual(definition, options.counterfactual.substr(0, equals),
                                         options.counterfactual.substr(equals + 1));
  }
  const ReportFiles files =
      render_report(definition, game.log(), game.history(), counterfactual ? &*counterfactual : nullptr);
  OutputFolder folder(options.out.empty() ? fs::path(options.game) / "report" : fs::path(options.out));
  folder.add("report.html", files.html);
  folder.add("report.md", files.markdown);
  const auto written = folder.commit();
  fmt::print("wrote {}/ : report.html, report.md\n", folder.path().string());
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

void clear_screen() {
  if (::isatty(STDOUT_FILENO)) fmt::print("\033[2J\033[H");
}

// Walks one team through its menu; returns false when input ended.
bool play_team(GameFolder& game, const Team& team) {
  const Definition& definition = game.definition();
  const int turn = game.log().open_turn()->number;
  clear_screen();
  std::string line;
  if (!ask(fmt::format("Turn {} of {} ({}). Pass the keyboard to {} ({}) and press Enter. ", turn, definition.turns,
                       turn_dates(definition, turn), team.name, team.id),
           line))
    return false;
  clear_screen();
  fmt::print("{} ({}) — turn {} of {} ({})\n\n{}", team.name, team.id, turn, definition.turns,
             turn_dates(definition, turn),
             indicator_table(definition, game.log(), briefing(definition, game.log(), &team), false));
  if (const std::string events = scheduled_events(definition, turn); !events.empty())
    fmt::print("\nscheduled this turn:\n{}", events);
  std::map<std::string, double> moves;
  while (true) {
    fmt::print("\n{}", menu_table(game.log(), team, turn, moves));
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
    std::map<std::string, double> trial = moves;
    trial[team.menu[number - 1].lever] = value ? *value : -1;
    try {
      check_moves(definition, game.log(), team, trial);
      moves = trial;
    } catch (const GameError& error) {
      fmt::print("not allowed: {}\n", error.what());
    }
  }
  record_moves(game, team.id, moves);
  return true;
}

int play(const WargameOptions& options) {
  GameFolder game = GameFolder::open(options.game, true);
  const Definition& definition = game.definition();
  std::string line;
  while (const Turn* open = game.log().open_turn()) {
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
        const Inject card = deck_inject(definition, line.substr(7));
        game.log().open_turn()->injects.push_back(card);
        game.save("inject", "", card.title);
        fmt::print("inject: {}\n", card.title);
      } catch (const InputError& error) {
        fmt::print("{}\n", error.message());
      }
    }
    advance(definition, game.log(), false);
    const int turn = game.log().adjudicated_turns();
    game.save("advance", "", fmt::format("turn {}", turn));
    clear_screen();
    fmt::print("{}", results_text(definition, game.log(), turn));
    if (game.log().open_turn() && !ask("\nPress Enter for the next turn. ", line)) return 0;
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

  auto* status_app = wargame->add_subcommand("status", "The turn, who has submitted, budgets");
  game_argument(status_app);
  status_app->add_flag("--json", options.json, "Machine-readable output");

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
  inject_app->add_option("--jump", options.jumps, "Ad hoc: add to a state variable, NAME=DELTA")
      ->type_name("NAME=DELTA");
  inject_app->add_option("--lever", options.levers, "Ad hoc: hold a lever, NAME=VALUE, for --months")
      ->type_name("NAME=VALUE");
  inject_app->add_option("--event", options.events, "Ad hoc: a model event, KIND:ACTOR")->type_name("KIND:ACTOR");
  inject_app->add_option("--months", options.months, "How long --lever holds")->check(CLI::Range(1, 6000));
  inject_app->add_option("--title", options.title, "What the class is told");

  auto* override_app = wargame->add_subcommand("override", "Facilitator: replace a team's move for the open turn");
  game_argument(override_app);
  override_app->add_option("--team", options.team, "The team")->required();
  override_app->add_option("move", options.assignment, "LEVER=SETTING")->required();
  override_app->add_option("--note", options.note, "Why, for the log");

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
    std::cerr << "steppe wargame: " << error.what() << "\n";
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
