#include "app/wargame.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "engine/errors.hpp"
#include "engine/io/output_files.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/wargame_report.hpp"

namespace steppe::app {

namespace fs = std::filesystem;
using wargame::Definition;
using wargame::GameError;
using wargame::GameFolder;
using wargame::GameLog;
using wargame::Team;
using wargame::Turn;

namespace {

GameClock clock_of(const Definition& definition, const GameLog& log) {
  GameClock clock{.turns = definition.turns, .played = log.adjudicated_turns()};
  if (const Turn* open = log.open_turn()) {
    clock.open_turn = open->number;
    clock.open_dates = wargame::turn_dates(definition, open->number);
  }
  return clock;
}

// What `team` (null: the facilitator) sees of every indicator now.
std::vector<Indicator> indicators(const Definition& definition, const GameLog& log, const Team* team) {
  const Layout& layout = *definition.scenario->layout;
  const int now = definition.first_month(log.adjudicated_turns() + 1);
  std::vector<Indicator> seen;
  for (const wargame::IndicatorView& view : wargame::briefing(definition, log, team)) {
    const Layout::StateSlot& slot = layout.state()[static_cast<std::size_t>(view.slot)];
    Indicator indicator{.actor = slot.actor,
                        .variable = slot.variable,
                        .exact = view.exact,
                        .is_public = definition.is_public(slot.decl->name),
                        .now = view.now,
                        .before = view.before,
                        .min = slot.decl->min,
                        .max = slot.decl->max};
    if (view.exact)
      for (int month = 0; month <= now; ++month)
        indicator.medians.push_back(wargame::band_at(definition, log, month, view.slot).p50);
    else
      indicator.as_of = definition.scenario->date(view.as_of_month).to_string();
    seen.push_back(std::move(indicator));
  }
  return seen;
}

TurnReport turn_report(const Definition& definition, const GameLog& log, int turn) {
  const Turn& entry = log.turns.at(static_cast<std::size_t>(turn - 1));
  TurnReport report{.turn = turn,
                    .dates = wargame::turn_dates(definition, turn),
                    .forced = entry.forced,
                    .injects = entry.injects,
                    .moves = wargame::summarize_turn(definition, log, turn),
                    .first_month = definition.first_month(turn)};
  for (int month = report.first_month; month < report.first_month + definition.turn_months; ++month)
    report.month_dates.push_back(definition.scenario->date(month).to_string());
  return report;
}

Menu menu_of(const Definition& definition, const GameLog& log, const Team& team, int turn, const Moves& pending) {
  Moves held = wargame::held_settings(log, team, turn - 1);
  for (const auto& [lever, value] : pending) held[lever] = value;
  Menu menu{.turn = turn};
  for (const wargame::MenuItem& item : team.menu)
    menu.lines.push_back({item.lever, held.at(item.lever), item.costs, item.visible});
  menu.budget = wargame::available_budget(definition, log, team, turn);
  menu.cost = wargame::upkeep(team, held);
  return menu;
}

const Team& team_named(const Definition& definition, const std::string& id) {
  const Team* team = definition.find_team(id);
  if (!team) throw InputError({"<command line>"}, "--team", unknown_name_message("team", id, definition.team_ids()));
  return *team;
}

Turn& open_turn(GameFolder& game) {
  Turn* open = game.log().open_turn();
  if (!open) throw GameError(wargame::game_over(game.definition()));
  return *open;
}

// Takes entry number `index` (from 0) out of an open turn's injects or overrides, or throws
// GameError saying how many there are.
template <typename Entry>
Entry take_entry(std::vector<Entry>& entries, std::size_t index, int turn, const char* what) {
  if (index >= entries.size())
    throw GameError(entries.empty() ? fmt::format("turn {} has no {}s to remove", turn, what)
                                    : fmt::format("turn {} has {} {}{}: there is no number {}", turn, entries.size(),
                                                  what, entries.size() == 1 ? "" : "s", index + 1));
  Entry entry = entries[index];
  entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(index));
  return entry;
}

InjectResult add_inject(GameFolder& game, Turn& open, wargame::Inject inject) {
  open.injects.push_back(inject);
  game.save("inject", "", inject.title);
  return {open.number, std::move(inject)};
}

}  // namespace

NewGameResult new_game(const NewGameRequest& request) {
  fs::path definition_file = request.file;
  const bool from_scenario = !wargame::is_definition_file(request.file);
  if (!from_scenario) {
    if (request.turns || request.turn_months)
      throw InputError({request.file}, "--turns", "a game definition sets its own turns and turn_months");
  } else {
    // A scenario: write a default definition into the new folder, to edit before play begins.
    if (fs::exists(fs::path(request.folder) / "game.json"))
      throw InputError({request.folder}, "--dir", "a game is already in this folder; choose another --dir");
    const auto scenario = load_scenario(request.file);
    const int turns = request.turns ? request.turns : 8;
    const int turn_months = request.turn_months ? request.turn_months : 3;
    if (turns * turn_months > 6000)
      throw InputError({"<command line>"}, "--turns", "the game is longer than 6000 months");
    OutputFolder folder(request.folder);
    const std::string relative = fs::relative(fs::absolute(request.file), fs::absolute(request.folder)).string();
    folder.add("game.yaml", wargame::default_definition(*scenario, relative, turns, turn_months));
    folder.commit();
    definition_file = fs::path(request.folder) / "game.yaml";
  }
  const GameFolder game = GameFolder::create(request.folder, definition_file);
  return {.folder = request.folder,
          .definition_file = definition_file.string(),
          .wrote_definition = from_scenario,
          .definition = game.definition()};
}

GameStatus game_status(const GameRequest& request) {
  const GameFolder game = GameFolder::open(request.game, false);
  const Definition& definition = game.definition();
  const GameLog& log = game.log();
  if (!request.team.empty()) team_named(definition, request.team);
  GameStatus status{.title = definition.title, .clock = clock_of(definition, log)};
  const Turn* open = log.open_turn();
  for (const Team& team : definition.teams) {
    TeamStatus entry{.id = team.id, .name = team.name, .computer = team.computer != nullptr};
    if (open) {
      entry.submitted = open->moves.contains(team.id);
      if (request.facilitator || request.team == team.id)
        entry.budget = wargame::available_budget(definition, log, team, open->number);
    }
    status.teams.push_back(std::move(entry));
  }
  if (open) {
    status.injects = open->injects.size(), status.overrides = open->overrides.size();
    if (request.facilitator) status.open_injects = open->injects, status.open_overrides = open->overrides;
  }
  return status;
}

Briefing brief(const BriefRequest& request) {
  const GameFolder game = GameFolder::open(request.game, false);
  const Team* team = nullptr;
  if (!request.facilitator) {
    if (request.team.empty())
      throw InputError({"<command line>"}, "--team", "say whose briefing: --team ID, or --facilitator");
    team = &team_named(game.definition(), request.team);
  }
  return brief(game, team);
}

Briefing brief(const GameFolder& game, const Team* team) {
  const Definition& definition = game.definition();
  const GameLog& log = game.log();
  Briefing briefing{.title = definition.title,
                    .clock = clock_of(definition, log),
                    .team = team ? team->id : "",
                    .team_name = team ? team->name : "",
                    .indicators = indicators(definition, log, team)};
  if (const int played = log.adjudicated_turns(); played > 0) briefing.last_turn = turn_report(definition, log, played);
  if (const Turn* open = log.open_turn()) {
    for (const TimelineNote& note : wargame::scheduled_in_turn(definition, open->number))
      briefing.scheduled.push_back({definition.scenario->date(note.month).to_string(), note.text});
    if (team) {
      const auto submitted = open->moves.find(team->id);
      briefing.submitted = submitted != open->moves.end();
      briefing.menu = menu_of(definition, log, *team, open->number, briefing.submitted ? submitted->second : Moves{});
    }
  }
  return briefing;
}

Menu menu(const GameFolder& game, const Team& team, const Moves& pending) {
  const Turn* open = game.log().open_turn();
  if (!open) throw GameError(wargame::game_over(game.definition()));
  return menu_of(game.definition(), game.log(), team, open->number, pending);
}

SubmitResult submit_moves(const SubmitRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  const Definition& definition = game.definition();
  const Team& team = team_named(definition, request.team);
  const wargame::MovesFile file(request.moves_file);
  Moves moves;
  try {
    moves = wargame::check_submission(definition, game.log(), team, file.submission());
  } catch (const wargame::SubmissionError& error) {
    file.refuse(error);
  }
  return record_moves(game, team, moves);
}

void check_moves(const GameFolder& game, const Team& team, const Moves& moves) {
  wargame::check_moves(game.definition(), game.log(), team, moves);
}

SubmitResult record_moves(GameFolder& game, const Team& team, const Moves& moves) {
  Turn& open = open_turn(game);
  SubmitResult result{.team = team.id, .turn = open.number, .replaced = open.moves.contains(team.id), .moves = moves};
  open.moves[team.id] = moves;
  game.save("submit", team.id, moves_text(moves));
  result.cost = wargame::upkeep(team, wargame::held_settings(game.log(), team, open.number));
  result.budget = wargame::available_budget(game.definition(), game.log(), team, open.number);
  return result;
}

std::string moves_text(const Moves& moves) {
  std::string text;
  for (const auto& [lever, value] : moves) text += fmt::format("{}{} {:g}", text.empty() ? "" : ", ", lever, value);
  return text.empty() ? "no change" : text;
}

InjectResult inject(const InjectRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  Turn& open = open_turn(game);
  const wargame::AdHocInject& ad_hoc = request.ad_hoc;
  const bool is_ad_hoc = !ad_hoc.jumps.empty() || !ad_hoc.levers.empty() || !ad_hoc.events.empty();
  if (is_ad_hoc && !request.card.empty())
    throw InputError({"<command line>"}, "inject", "name a card of the deck or give --jump/--lever/--event, not both");
  return add_inject(game, open,
                    is_ad_hoc || request.card.empty() ? wargame::ad_hoc_inject(game.definition(), ad_hoc)
                                                      : wargame::deck_inject(game.definition(), request.card));
}

InjectResult inject_card(GameFolder& game, const std::string& card) {
  Turn& open = open_turn(game);
  return add_inject(game, open, wargame::deck_inject(game.definition(), card));
}

InjectResult inject_ad_hoc(GameFolder& game, const wargame::AdHocInject& ad_hoc) {
  Turn& open = open_turn(game);
  return add_inject(game, open, wargame::ad_hoc_inject(game.definition(), ad_hoc));
}

InjectResult remove_inject(const RemoveRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  return remove_inject(game, request.index);
}

InjectResult remove_inject(GameFolder& game, std::size_t index) {
  Turn& open = open_turn(game);
  InjectResult result{open.number, take_entry(open.injects, index, open.number, "inject")};
  game.save("remove inject", "", result.inject.title);
  return result;
}

OverrideResult override_move(const OverrideRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  std::vector<std::string> assignments = request.assignments;
  if (!request.assignment.empty()) assignments.insert(assignments.begin(), request.assignment);
  return override_moves(game, request.team, assignments, request.note);
}

OverrideResult override_moves(GameFolder& game, const std::string& team, const std::vector<std::string>& assignments,
                              const std::string& note) {
  Turn& open = open_turn(game);
  if (assignments.empty()) throw InputError({"<command line>"}, "override", "give at least one LEVER=SETTING");
  OverrideResult result{.turn = open.number};
  for (const std::string& assignment : assignments) {
    wargame::Override entry = wargame::read_override(game.definition(), team, assignment, note);
    for (const wargame::Override& earlier : result.entries)
      if (earlier.lever == entry.lever)
        throw InputError({"<command line>"}, "override", fmt::format("{} is named twice", entry.lever));
    result.entries.push_back(std::move(entry));
  }
  result.entry = result.entries.front();
  std::vector<std::string> settings;
  for (const wargame::Override& entry : result.entries) {
    open.overrides.push_back(entry);
    settings.push_back(fmt::format("{} {:g}", entry.lever, entry.value));
  }
  game.save("override", team, fmt::format("{}{}", fmt::join(settings, ", "), note.empty() ? "" : ": " + note));
  return result;
}

OverrideResult remove_override(const RemoveRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  return remove_override(game, request.index);
}

OverrideResult remove_override(GameFolder& game, std::size_t index) {
  Turn& open = open_turn(game);
  const wargame::Override entry = take_entry(open.overrides, index, open.number, "override");
  const OverrideResult result{.turn = open.number, .entry = entry, .entries = {entry}};
  game.save("remove override", result.entry.team, fmt::format("{} {:g}", result.entry.lever, result.entry.value));
  return result;
}

AdvanceResult advance_turn(const AdvanceRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  return advance_turn(game, request.force);
}

AdvanceResult advance_turn(GameFolder& game, bool force) {
  const Definition& definition = game.definition();
  wargame::advance(definition, game.log(), force);
  const GameLog& log = game.log();
  const int turn = log.adjudicated_turns();
  const bool forced = log.turns[static_cast<std::size_t>(turn - 1)].forced;
  game.save("advance", "", fmt::format("turn {}{}", turn, forced ? " (forced)" : ""));
  AdvanceResult result{
      .turn = turn_report(definition, log, turn), .members = definition.members, .clock = clock_of(definition, log)};
  for (Indicator& indicator : indicators(definition, log, nullptr))
    if (indicator.is_public) result.everyone_sees.push_back(std::move(indicator));
  return result;
}

UndoResult undo_turn(const UndoRequest& request) {
  GameFolder game = GameFolder::open(request.game, true);
  return undo_turn(game, request.discard_open);
}

UndoResult undo_turn(GameFolder& game, bool discard_open) {
  UndoResult result;
  if (const Turn* open = game.log().open_turn()) {
    for (const auto& [team, moves] : open->moves) result.discarded.push_back({"moves", team, moves_text(moves)});
    for (const wargame::Inject& inject : open->injects) result.discarded.push_back({"inject", "", inject.title});
    for (const wargame::Override& entry : open->overrides)
      result.discarded.push_back(
          {"override", entry.team,
           fmt::format("{} {:g}{}", entry.lever, entry.value, entry.note.empty() ? "" : ": " + entry.note)});
    if (!result.discarded.empty()) result.discarded_turn = open->number;
  }
  wargame::undo(game.log(), discard_open);
  result.reopened_turn = game.log().open_turn()->number;
  std::string detail = fmt::format("turn {} reopened", result.reopened_turn);
  if (result.discarded_turn) {
    std::vector<std::string> entries;
    for (const DiscardedEntry& entry : result.discarded)
      entries.push_back(entry.kind == "moves"    ? fmt::format("{}'s moves ({})", entry.team, entry.detail)
                        : entry.kind == "inject" ? fmt::format("inject {}", entry.detail)
                                                 : fmt::format("override of {} ({})", entry.team, entry.detail));
    detail += fmt::format("; discarded turn {}: {}", result.discarded_turn, fmt::join(entries, "; "));
  }
  game.save("undo", "", detail);
  return result;
}

int ReplayResult::differing() const {
  int count = start_same ? 0 : 1;
  for (const TurnReplay& turn : turns) count += turn.same ? 0 : 1;
  return count;
}

ReplayResult replay(const GameRequest& request) {
  const GameFolder game = GameFolder::open(request.game, false);
  const GameLog& log = game.log();
  const int played = log.adjudicated_turns();
  const wargame::Bands recomputed = wargame::adjudicate(game.definition(), log, played);
  ReplayResult result{.start_same = recomputed.months.front() == log.initial.months.front()};
  for (int turn = 1; turn <= played; ++turn) {
    const wargame::Bands& saved = log.turns[static_cast<std::size_t>(turn - 1)].results;
    bool same = true;
    for (int month = saved.first_month; month < saved.first_month + static_cast<int>(saved.months.size()); ++month)
      same = same && saved.months[static_cast<std::size_t>(month - saved.first_month)] ==
                         recomputed.months[static_cast<std::size_t>(month)];
    result.turns.push_back({turn, same});
  }
  return result;
}

ReportResult report(const ReportRequest& request) { return report(GameFolder::open(request.game, false), request); }

ReportResult report(const GameFolder& game, const ReportRequest& request) {
  const Definition& definition = game.definition();
  const Turn* open = game.log().open_turn();
  if (open && !request.facilitator)
    throw GameError(fmt::format(
        "the game is not over (turn {} of {} is open): a debrief now would show the secret moves of the turns "
        "played; the facilitator can write one with report --facilitator",
        open->number, definition.turns));
  // The open turn's entries are pending: what teams submitted stays their own until adjudicated.
  std::vector<wargame::HistoryEntry> history;
  for (const wargame::HistoryEntry& entry : game.history())
    if (!open || entry.turn != open->number ||
        (entry.action != "submit" && entry.action != "override" && entry.action != "inject" &&
         entry.action != "remove inject" && entry.action != "remove override"))
      history.push_back(entry);
  std::optional<wargame::Counterfactual> counterfactual = definition.counterfactual;
  if (!request.counterfactual_team.empty())
    counterfactual =
        wargame::load_counterfactual(definition, request.counterfactual_team, request.counterfactual_scenario);
  std::optional<wargame::CounterfactualBands> adjudicated;
  if (counterfactual) {
    const int played = game.log().adjudicated_turns();
    adjudicated = {
        counterfactual->team, counterfactual->label,
        played > 0 ? wargame::adjudicate(definition, game.log(), played, &*counterfactual) : wargame::Bands{}};
  }
  const wargame::ReportFiles files = wargame::render_report(
      definition, game.log(), history, adjudicated ? &*adjudicated : nullptr, request.secret_moves);
  return {{{"report.html", files.html}, {"report.md", files.markdown}}};
}

}  // namespace steppe::app
