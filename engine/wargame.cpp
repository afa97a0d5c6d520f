#include "engine/wargame.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "engine/ensemble.hpp"
#include "engine/random.hpp"
#include "engine/simulation.hpp"

namespace steppe::wargame {

namespace {

std::string setting_text(double value) { return fmt::format("{:g}", value); }

std::string settings_list(const MenuItem& item) {
  std::string list;
  for (const auto& [setting, cost] : item.costs) list += (list.empty() ? "" : ", ") + setting_text(setting);
  return list;
}

std::vector<Band> bands_of(const MemberArrays& state) {
  std::vector<Band> bands;
  for (Eigen::Index slot = 0; slot < state.cols(); ++slot) {
    const auto column = state.col(slot);
    const OutcomeStatistics statistics = outcome_statistics({column.begin(), column.end()});
    bands.push_back({statistics.q05, statistics.median, statistics.q95, statistics.mean});
  }
  return bands;
}

// A lever held by an inject from `from` through `to`.
struct LeverWindow {
  int from, to, slot;
  double value;
};

// A standard normal draw from the game's seed: the same viewer, month and slot always get the
// same noise.
double normal_draw(std::uint64_t seed, std::uint64_t viewer, int month, int slot) {
  const double u1 = uniform_draw(seed, viewer, static_cast<std::uint32_t>(month), static_cast<std::uint32_t>(2 * slot));
  const double u2 =
      uniform_draw(seed, viewer, static_cast<std::uint32_t>(month), static_cast<std::uint32_t>(2 * slot + 1));
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

}  // namespace

const MenuItem* Team::find(const std::string& lever) const {
  for (const MenuItem& item : menu)
    if (item.lever == lever) return &item;
  return nullptr;
}

const Team* Definition::find_team(const std::string& id) const {
  for (const Team& team : teams)
    if (team.id == id) return &team;
  return nullptr;
}

std::vector<std::string> Definition::team_ids() const {
  std::vector<std::string> ids;
  for (const Team& team : teams) ids.push_back(team.id);
  return ids;
}

bool Definition::is_public(const std::string& variable) const {
  return std::find(public_variables.begin(), public_variables.end(), variable) != public_variables.end();
}

std::string amount_text(double value) {
  std::string text = fmt::format("{:.2f}", value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string turn_dates(const Definition& definition, int turn) {
  const int first = definition.first_month(turn);
  return fmt::format("{} to {}", definition.scenario->date(first).to_string(),
                     definition.scenario->date(first + definition.turn_months - 1).to_string());
}

std::vector<TimelineNote> scheduled_in_turn(const Definition& definition, int turn) {
  const int first = definition.first_month(turn);
  std::vector<TimelineNote> notes;
  for (const TimelineNote& note : definition.scenario->timeline)
    if (note.month >= first && note.month < first + definition.turn_months) notes.push_back(note);
  return notes;
}

std::string game_over(const Definition& definition) {
  return fmt::format("the game is over: all {} turns were played", definition.turns);
}

const Band& band_at(const Definition& definition, const GameLog& log, int month, int slot) {
  if (month == 0) return log.initial.at(0, slot);
  const int turn = (month - 1) / definition.turn_months + 1;
  return log.turns.at(static_cast<std::size_t>(turn - 1)).results.at(month, slot);
}

int GameLog::adjudicated_turns() const {
  return static_cast<int>(std::count_if(turns.begin(), turns.end(), [](const Turn& turn) { return turn.adjudicated; }));
}

const Turn* GameLog::open_turn() const { return !turns.empty() && !turns.back().adjudicated ? &turns.back() : nullptr; }

Turn* GameLog::open_turn() { return !turns.empty() && !turns.back().adjudicated ? &turns.back() : nullptr; }

std::map<std::string, double> held_settings(const GameLog& log, const Team& team, int turn) {
  std::map<std::string, double> held;
  for (const MenuItem& item : team.menu) held[item.lever] = item.starting_value;
  for (int number = 1; number <= turn && number <= static_cast<int>(log.turns.size()); ++number) {
    const Turn& entry = log.turns[static_cast<std::size_t>(number - 1)];
    if (const auto moves = entry.moves.find(team.id); moves != entry.moves.end())
      for (const auto& [lever, value] : moves->second) held[lever] = value;
    for (const Override& override_entry : entry.overrides)
      if (override_entry.team == team.id) held[override_entry.lever] = override_entry.value;
  }
  return held;
}

// What holding `item` at its setting in `settings` (its starting value if not there) costs per
// turn; GameError for a setting not on the menu.
double cost_per_turn(const Team& team, const MenuItem& item, const std::map<std::string, double>& settings) {
  const auto held = settings.find(item.lever);
  const double value = held == settings.end() ? item.starting_value : held->second;
  const auto cost = item.costs.find(value);
  if (cost == item.costs.end())
    throw GameError(fmt::format("{} setting {} is not on {}'s menu (settings: {})", item.lever, setting_text(value),
                                team.id, settings_list(item)));
  return cost->second;
}

double upkeep(const Team& team, const std::map<std::string, double>& settings) {
  double total = 0;
  for (const MenuItem& item : team.menu) total += cost_per_turn(team, item, settings);
  return total;
}

std::vector<InjectHold> inject_holds(const Definition& definition, const GameLog& log, int turn) {
  const Layout& layout = *definition.scenario->layout;
  const int first = definition.first_month(turn), last = first + definition.turn_months - 1;
  std::vector<InjectHold> holds;
  for (int number = 1; number <= turn && number <= static_cast<int>(log.turns.size()); ++number)
    for (const Inject& inject : log.turns[static_cast<std::size_t>(number - 1)].injects)
      for (const auto& [slot, value] : inject.levers) {
        const int from = definition.first_month(number), to = from + std::max(inject.months, 1) - 1;
        if (to < first || from > last) continue;
        const Layout::LeverSlot& lever = layout.levers().at(static_cast<std::size_t>(slot));
        InjectHold hold{.inject = inject.title,
                        .actor = lever.actor,
                        .lever = lever.decl->name,
                        .value = value,
                        .first_month = std::max(from, first),
                        .last_month = std::min(to, last)};
        if (const Team* team = definition.find_team(lever.actor))
          if (const MenuItem* item = team->find(hold.lever)) hold.on_menu = true, hold.visible = item->visible;
        holds.push_back(std::move(hold));
      }
  return holds;
}

double charged_upkeep(const Definition& definition, const GameLog& log, const Team& team, int turn) {
  const std::map<std::string, double> held = held_settings(log, team, turn);
  std::map<std::string, std::vector<char>> held_by_injects;  // lever → which months of the turn
  const int first = definition.first_month(turn);
  for (const InjectHold& hold : inject_holds(definition, log, turn)) {
    if (hold.actor != team.id || !hold.on_menu) continue;
    auto& months = held_by_injects[hold.lever];
    months.resize(static_cast<std::size_t>(definition.turn_months), 0);
    for (int month = hold.first_month; month <= hold.last_month; ++month)
      months[static_cast<std::size_t>(month - first)] = 1;
  }
  double total = 0;
  for (const MenuItem& item : team.menu) {
    const auto months = held_by_injects.find(item.lever);
    const auto free = months == held_by_injects.end() ? 0 : std::count(months->second.begin(), months->second.end(), 1);
    total +=
        cost_per_turn(team, item, held) * static_cast<double>(definition.turn_months - free) / definition.turn_months;
  }
  return total;
}

double available_budget(const Definition& definition, const GameLog& log, const Team& team, int turn) {
  double bank = 0;
  for (int earlier = 1; earlier < turn; ++earlier) {
    const double unspent = team.budget.per_turn + bank - charged_upkeep(definition, log, team, earlier);
    bank = std::min(team.budget.max_bank, team.budget.carry_over * std::max(0.0, unspent));
  }
  return team.budget.per_turn + bank;
}

void check_moves(const Definition& definition, const GameLog& log, const Team& team,
                 const std::map<std::string, double>& moves) {
  const Turn* open = log.open_turn();
  if (!open) throw GameError(game_over(definition));
  std::vector<std::string> menu;
  for (const MenuItem& item : team.menu) menu.push_back(item.lever);
  for (const auto& [lever, value] : moves) {
    const MenuItem* item = team.find(lever);
    if (!item) throw GameError(unknown_name_message(fmt::format("lever on {}'s menu:", team.id), lever, menu));
    if (!item->costs.contains(value))
      throw GameError(fmt::format("{} {} is not a setting on the menu (settings: {})", lever, setting_text(value),
                                  settings_list(*item)));
  }
  std::map<std::string, double> held = held_settings(log, team, open->number - 1);
  for (const auto& [lever, value] : moves) held[lever] = value;
  for (const Override& override_entry : open->overrides)
    if (override_entry.team == team.id) held[override_entry.lever] = override_entry.value;
  const double cost = upkeep(team, held);
  const double budget = available_budget(definition, log, team, open->number);
  if (cost > budget + 1e-9)
    throw GameError(
        fmt::format("over budget: the settings {} would hold in turn {} cost {}, its budget is {} "
                    "({} per turn + {} carried over)",
                    team.id, open->number, amount_text(cost), amount_text(budget), amount_text(team.budget.per_turn),
                    amount_text(budget - team.budget.per_turn)));
}

std::map<std::string, double> check_submission(const Definition& definition, const GameLog& log, const Team& team,
                                               const Submission& submission) {
  using Part = SubmissionError::Part;
  if (team.computer)
    throw SubmissionError(Part::team, 0,
                          fmt::format("{} is played by the computer: its moves are made as each turn opens", team.id));
  if (submission.team && *submission.team != team.id)
    throw SubmissionError(
        Part::team, 0,
        fmt::format("wrong team: this file holds {}'s moves, submitted as {}", *submission.team, team.id));
  const Turn* open = log.open_turn();
  if (!open) throw SubmissionError(Part::whole, 0, game_over(definition));
  if (submission.turn && *submission.turn < open->number)
    throw SubmissionError(
        Part::turn, 0,
        fmt::format("turn {} is closed: it was adjudicated; the open turn is {}", *submission.turn, open->number));
  if (submission.turn && *submission.turn > open->number)
    throw SubmissionError(Part::turn, 0,
                          fmt::format("turn {} is not open yet; the open turn is {}", *submission.turn, open->number));
  std::map<std::string, double> moves;
  if (submission.keeps_everything) return moves;

  const Layout& layout = *definition.scenario->layout;
  std::vector<std::string> actors, own_levers, menu;
  for (const Actor& actor : layout.actors()) actors.push_back(actor.name);
  for (const Layout::LeverSlot& slot : layout.levers())
    if (slot.actor == team.id) own_levers.push_back(slot.decl->name);
  for (const MenuItem& item : team.menu) menu.push_back(item.lever);
  std::map<std::string, std::size_t> named;  // lever -> the move that named it
  for (std::size_t index = 0; index < submission.moves.size(); ++index) {
    const SubmittedMove& move = submission.moves[index];
    const auto refuse = [&](Part part, const std::string& message) { throw SubmissionError(part, index, message); };
    std::string lever = move.lever;
    if (const auto dot = lever.find('.'); dot != std::string::npos) {
      const std::string actor = lever.substr(0, dot);
      lever = lever.substr(dot + 1);
      if (actor != team.id && std::find(actors.begin(), actors.end(), actor) != actors.end())
        refuse(Part::lever, fmt::format("wrong team: {} is a lever of {}; {} moves only its own levers", move.lever,
                                        actor, team.id));
      if (actor != team.id) refuse(Part::lever, unknown_name_message("actor", actor, actors));
    }
    const MenuItem* item = team.find(lever);
    if (!item) {
      if (std::find(own_levers.begin(), own_levers.end(), lever) == own_levers.end())
        refuse(Part::lever, unknown_name_message(fmt::format("lever of {}:", team.id), lever, own_levers));
      refuse(Part::lever, fmt::format("{} is not on {}'s menu (menu: {})", lever, team.id, fmt::join(menu, ", ")));
    }
    const LeverDecl& decl = *layout.levers()[static_cast<std::size_t>(item->lever_slot)].decl;
    if (move.setting < decl.min || move.setting > decl.max)
      refuse(Part::setting, fmt::format("value {} is outside [{}, {}]", move.setting, decl.min, decl.max));
    if (!item->costs.contains(move.setting)) {
      std::vector<std::string> settings;
      for (const auto& [setting, cost] : item->costs)
        settings.push_back(fmt::format("{:g} (cost {:g})", setting, cost));
      refuse(Part::setting, fmt::format("{:g} is not a setting of {} on the menu: {}", move.setting, lever,
                                        fmt::join(settings, ", ")));
    }
    // `CHN.hawkishness` and `hawkishness` are one lever: the second must not silently win.
    if (const auto [first, added] = named.emplace(lever, index); !added)
      throw SubmissionError(Part::repeated, index, fmt::format("names the lever {}.{} twice", team.id, lever),
                            first->second);
    moves[lever] = move.setting;
  }
  try {
    check_moves(definition, log, team, moves);
  } catch (const GameError& error) {
    throw SubmissionError(Part::moves, 0, error.what());
  }
  return moves;
}

Bands adjudicate(const Definition& definition, const GameLog& log, int through_turn,
                 const Counterfactual* counterfactual) {
  const Scenario& scenario = *definition.scenario;
  const Layout& layout = *scenario.layout;
  Simulation simulation(definition.scenario, {.members = definition.members});
  Bands bands;
  bands.months.push_back(bands_of(simulation.state()));

  // Counterfactual: every lever of the replaced team's actor follows the other scenario.
  std::vector<int> replaced_slots, replacement_slots;
  if (counterfactual) {
    const Team* team = definition.find_team(counterfactual->team);
    if (!team) throw GameError("the counterfactual names no team of the game: " + counterfactual->team);
    const Layout& other = *counterfactual->scenario->layout;
    for (std::size_t slot = 0; slot < layout.levers().size(); ++slot) {
      if (layout.levers()[slot].actor != team->id) continue;
      const int other_slot = other.lever_index(team->id, layout.levers()[slot].decl->name);
      if (other_slot < 0) continue;
      replaced_slots.push_back(static_cast<int>(slot));
      replacement_slots.push_back(other_slot);
    }
  }

  std::vector<LeverWindow> windows;
  std::vector<char> touched(layout.levers().size(), 0);
  for (int turn = 1; turn <= through_turn; ++turn) {
    const Turn& entry = log.turns.at(static_cast<std::size_t>(turn - 1));
    const int first = definition.first_month(turn);
    for (const Inject& inject : entry.injects) {
      simulation.inject(StateJump{first, inject.jumps, inject.title});
      for (const ModelEventFiring& event : inject.events) simulation.inject(event);
      for (const auto& [slot, value] : inject.levers)
        windows.push_back({first, first + std::max(inject.months, 1) - 1, slot, value});
    }
    std::vector<std::optional<double>> held_by_teams(layout.levers().size());
    for (const Team& team : definition.teams) {
      if (counterfactual && team.id == counterfactual->team) continue;
      for (const auto& [lever, value] : held_settings(log, team, turn))
        held_by_teams[static_cast<std::size_t>(team.find(lever)->lever_slot)] = value;
    }
    for (int month = first; month < first + definition.turn_months; ++month) {
      std::vector<std::optional<double>> wanted = held_by_teams;
      for (std::size_t index = 0; index < replaced_slots.size(); ++index) {
        const Scenario& other = *counterfactual->scenario;
        const int other_slot = replacement_slots[index];
        wanted[static_cast<std::size_t>(replaced_slots[index])] =
            other.levers[static_cast<std::size_t>(other_slot)].value_at(
                month, other.layout->levers()[static_cast<std::size_t>(other_slot)].status_quo);
      }
      for (const LeverWindow& window : windows)
        if (window.from <= month && month <= window.to) wanted[static_cast<std::size_t>(window.slot)] = window.value;
      for (std::size_t slot = 0; slot < wanted.size(); ++slot) {
        if (wanted[slot]) {
          simulation.set_lever(static_cast<int>(slot), *wanted[slot]);
          touched[slot] = 1;
        } else if (touched[slot]) {
          simulation.clear_lever(static_cast<int>(slot));
          touched[slot] = 0;
        }
      }
      simulation.step();
      bands.months.push_back(bands_of(simulation.state()));
    }
  }
  return bands;
}

namespace {

// The log as it stood when turn `turn` opened: the turns before it adjudicated, it open.
GameLog log_as_turn_opened(const GameLog& log, int turn) {
  GameLog opened;
  opened.initial = log.initial;
  opened.turns.assign(log.turns.begin(), log.turns.begin() + turn);
  Turn& open = opened.turns.back();
  open = Turn{};
  open.number = turn;
  return opened;
}

// What `team` sees when the log's open turn opens, as one observed state (1 × state slots): its
// briefing's medians (its own actor and the public variables exactly, others' estimates), and the
// ensemble's medians of the bookkeeping a briefing leaves out.
MemberArrays observed_state(const Definition& definition, const GameLog& log, const Team& team) {
  const Layout& layout = *definition.scenario->layout;
  const int now = definition.first_month(log.adjudicated_turns() + 1);
  MemberArrays observed(1, static_cast<Eigen::Index>(layout.state().size()));
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    observed(0, static_cast<Eigen::Index>(slot)) = band_at(definition, log, now, static_cast<int>(slot)).p50;
  for (const IndicatorView& view : briefing(definition, log, &team)) observed(0, view.slot) = view.now.p50;
  return observed;
}

// The levers in force at the open turn as `team` knows them (1 × lever slots): the scenario's
// schedules at the turn's first month, with what every team holds on its menu where the team can
// see it (its own, and others' public levers).
MemberArrays known_levers(const Definition& definition, const GameLog& log, const Team& team) {
  const Scenario& scenario = *definition.scenario;
  const Layout& layout = *scenario.layout;
  const int turn = log.open_turn()->number, month = definition.first_month(turn);
  MemberArrays levers(1, static_cast<Eigen::Index>(layout.levers().size()));
  for (std::size_t slot = 0; slot < layout.levers().size(); ++slot)
    levers(0, static_cast<Eigen::Index>(slot)) =
        scenario.levers[slot].value_at(month, layout.levers()[slot].status_quo);
  for (const Team& holder : definition.teams) {
    const std::map<std::string, double> held = held_settings(log, holder, turn);
    for (const MenuItem& item : holder.menu)
      if (&holder == &team || item.visible) levers(0, item.lever_slot) = held.at(item.lever);
  }
  return levers;
}

}  // namespace

std::map<std::string, double> computer_moves(const Definition& definition, const GameLog& log, const Team& team) {
  const Turn* open = log.open_turn();
  if (!open || !team.computer) throw std::logic_error("computer_moves without an open turn or a computer team");
  const Layout& layout = *definition.scenario->layout;
  const std::vector<int>& held_levers = team.computer->spec().levers;
  const std::map<std::string, double> held = held_settings(log, team, open->number);
  const auto lever_name = [&](std::size_t lever) {
    return layout.levers()[static_cast<std::size_t>(held_levers[lever])].decl->name;
  };
  // The moves that hold `settings` (NaN: left as it is), or none when the team cannot afford them.
  const auto moves_for = [&](const std::vector<double>& settings) {
    std::map<std::string, double> moves;
    for (std::size_t lever = 0; lever < held_levers.size(); ++lever)
      if (!std::isnan(settings[lever]) && settings[lever] != held.at(lever_name(lever)))
        moves[lever_name(lever)] = settings[lever];
    try {
      check_moves(definition, log, team, moves);
    } catch (const GameError&) {
      moves.clear();
    }
    return moves;
  };

  if (const auto* doctrine = dynamic_cast<const DoctrineController*>(team.computer.get())) {
    // The rules' modes carried from the first turn on, each seen as the team saw it then.
    std::vector<double> modes, settings;
    for (int turn = 1; turn <= open->number; ++turn) {
      const GameLog then = log_as_turn_opened(log, turn);
      settings = doctrine->settings_for(observed_state(definition, then, team), modes);
    }
    return moves_for(settings);
  }

  const auto& lookahead = dynamic_cast<const LookaheadController&>(*team.computer);
  std::vector<std::vector<double>> affordable;
  for (const std::vector<double>& candidate : lookahead.candidates()) {
    std::map<std::string, double> moves;
    for (std::size_t lever = 0; lever < held_levers.size(); ++lever) moves[lever_name(lever)] = candidate[lever];
    try {
      check_moves(definition, log, team, moves);
      affordable.push_back(candidate);
    } catch (const GameError&) {
    }
  }
  MemberArrays status_quo(1, static_cast<Eigen::Index>(held_levers.size()));
  for (std::size_t lever = 0; lever < held_levers.size(); ++lever)
    status_quo(0, static_cast<Eigen::Index>(lever)) = held.at(lever_name(lever));
  const std::shared_ptr<const Kernel> kernel =
      definition.scenario->model->compile(layout, definition.scenario->parameters, definition.scenario->network.get());
  const MemberArrays& scores =
      lookahead.score(*kernel, definition.first_month(open->number), observed_state(definition, log, team),
                      known_levers(definition, log, team), status_quo, affordable);
  Eigen::Index best = 0;
  scores.row(0).maxCoeff(&best);  // the first of equals: the status quo when nothing does better
  if (best == 0) return {};
  return moves_for(affordable[static_cast<std::size_t>(best - 1)]);
}

namespace {

// Has every team the computer plays move in the log's open turn, as it opens.
void play_computer_teams(const Definition& definition, GameLog& log) {
  for (const Team& team : definition.teams)
    if (team.computer) log.open_turn()->moves[team.id] = computer_moves(definition, log, team);
}

}  // namespace

GameLog new_game(const Definition& definition) {
  GameLog log;
  log.initial = adjudicate(definition, log, 0);
  log.turns.push_back(Turn{});
  play_computer_teams(definition, log);
  return log;
}

void advance(const Definition& definition, GameLog& log, bool force) {
  Turn* open = log.open_turn();
  if (!open) throw GameError(game_over(definition));
  std::vector<std::string> waiting;
  for (const Team& team : definition.teams)
    if (!open->moves.contains(team.id)) waiting.push_back(team.id);
  if (!waiting.empty() && !force)
    throw GameError(
        fmt::format("turn {} waits for {}: they have not submitted (advance --force adjudicates anyway; "
                    "they keep their settings)",
                    open->number, fmt::join(waiting, ", ")));
  const Bands all = adjudicate(definition, log, open->number);
  const int first = definition.first_month(open->number);
  open->results.first_month = first + 1;
  open->results.months.assign(all.months.begin() + first + 1, all.months.end());
  open->adjudicated = true;
  open->forced = !waiting.empty();
  if (open->number < definition.turns) {
    Turn next;
    next.number = open->number + 1;
    log.turns.push_back(std::move(next));
    play_computer_teams(definition, log);
  }
}

void undo(GameLog& log, bool discard_open) {
  if (log.adjudicated_turns() == 0) throw GameError("no turn has been adjudicated yet: nothing to undo");
  if (const Turn* open = log.open_turn()) {
    const bool has_entries = !open->moves.empty() || !open->overrides.empty() || !open->injects.empty();
    if (has_entries && !discard_open)
      throw GameError(
          fmt::format("turn {} already has submissions, overrides or injects, which undo would discard "
                      "(undo --discard-open to go back anyway)",
                      open->number));
    log.turns.pop_back();
  }
  Turn& last = log.turns.back();
  last.adjudicated = false;
  last.forced = false;
  last.results = {};
}

double estimate_noise(const Definition& definition, int slot) {
  const Layout& layout = *definition.scenario->layout;
  const Layout::StateSlot& state = layout.state().at(static_cast<std::size_t>(slot));
  const std::string prefix = state.decl->name + ".";
  if (state.decl->per != Per::lever || !state.variable.starts_with(prefix)) return definition.intelligence_noise;
  const std::string lever = state.variable.substr(prefix.size());
  const Team* team = definition.find_team(state.actor);
  const MenuItem* item = team ? team->find(lever) : nullptr;
  if (!item || item->visible || item->costs.size() < 2) return definition.intelligence_noise;
  double step = std::numeric_limits<double>::infinity();
  for (auto it = item->costs.begin(), next = std::next(it); next != item->costs.end(); ++it, ++next)
    step = std::min(step, next->first - it->first);
  const auto own = definition.lever_steps.find(state.actor + "." + lever);
  const double steps = own == definition.lever_steps.end() ? definition.secret_lever_steps : own->second;
  return std::max(definition.intelligence_noise, steps * step);
}

std::vector<IndicatorView> briefing(const Definition& definition, const GameLog& log, const Team* team) {
  const Layout& layout = *definition.scenario->layout;
  const int now = definition.first_month(log.adjudicated_turns() + 1);
  const int before = std::max(0, now - definition.turn_months);
  // Each team's noise has its own stream (the facilitator's view has none).
  const std::uint64_t viewer = team ? static_cast<std::uint64_t>(team - definition.teams.data()) + 1 : 0;
  std::vector<IndicatorView> views;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
    const Layout::StateSlot& state = layout.state()[slot];
    if (state.decl->internal) continue;
    IndicatorView view;
    view.slot = static_cast<int>(slot);
    const bool public_variable = definition.is_public(state.decl->name);
    view.exact = !team || state.actor == team->id || public_variable;
    if (view.exact) {
      view.now = band_at(definition, log, now, view.slot);
      view.before = band_at(definition, log, before, view.slot).p50;
      view.as_of_month = now;
    } else {
      const double noise = estimate_noise(definition, view.slot);
      const auto estimate = [&](int month) {
        const int seen = std::max(0, month - definition.intelligence_lag_months);
        const double noisy = band_at(definition, log, seen, view.slot).p50 +
                             noise * normal_draw(definition.scenario->seed, viewer, month, view.slot);
        return std::clamp(noisy, state.decl->min, state.decl->max);
      };
      view.now.p50 = view.now.mean = estimate(now);
      view.now.p05 = view.now.p95 = view.now.p50;
      view.before = estimate(before);
      view.as_of_month = std::max(0, now - definition.intelligence_lag_months);
    }
    views.push_back(view);
  }
  return views;
}

TurnSummary summarize_turn(const Definition& definition, const GameLog& log, int turn) {
  TurnSummary summary;
  const Turn& entry = log.turns.at(static_cast<std::size_t>(turn - 1));
  for (const Team& team : definition.teams) {
    const auto before = held_settings(log, team, turn - 1);
    const auto after = held_settings(log, team, turn);
    summary.spent[team.id] = charged_upkeep(definition, log, team, turn);
    for (const MenuItem& item : team.menu) {
      const double from = before.at(item.lever), to = after.at(item.lever);
      if (from == to) continue;
      const bool overridden = std::any_of(entry.overrides.begin(), entry.overrides.end(), [&](const Override& o) {
        return o.team == team.id && o.lever == item.lever;
      });
      (item.visible ? summary.visible : summary.secret).push_back({team.id, item.lever, from, to, overridden});
    }
  }
  summary.holds = inject_holds(definition, log, turn);
  return summary;
}

std::vector<TeamScore> score_teams(const Definition& definition, const GameLog& log) {
  const int now = definition.first_month(log.adjudicated_turns() + 1);
  const Layout& layout = *definition.scenario->layout;
  std::vector<TeamScore> scores;
  for (const Team& team : definition.teams) {
    TeamScore score{.team = team.id};
    double weights = 0;
    for (const Objective& objective : team.objectives) {
      const VariableDecl& variable = *layout.state()[static_cast<std::size_t>(objective.slot)].decl;
      ObjectiveScore entry{.objective = objective,
                           .start = band_at(definition, log, 0, objective.slot).p50,
                           .end = band_at(definition, log, now, objective.slot).p50};
      entry.score = (objective.higher_is_better ? 1 : -1) * (entry.end - entry.start) / (variable.max - variable.min);
      score.total += objective.weight * entry.score;
      weights += objective.weight;
      score.objectives.push_back(entry);
    }
    if (weights > 0) score.total /= weights;
    scores.push_back(std::move(score));
  }
  return scores;
}

std::string objective_label(const Definition& definition, int slot) {
  std::vector<std::string> higher, lower;
  for (const Team& team : definition.teams)
    for (const Objective& objective : team.objectives)
      if (objective.slot == slot) (objective.higher_is_better ? higher : lower).push_back(team.name);
  std::vector<std::string> parts;
  if (!higher.empty()) parts.push_back(fmt::format("higher is better for {}", fmt::join(higher, " and ")));
  if (!lower.empty()) parts.push_back(fmt::format("lower is better for {}", fmt::join(lower, " and ")));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace steppe::wargame
