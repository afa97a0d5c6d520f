#include "engine/scenario_difference.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>

#include "engine/network.hpp"

namespace steppe {

namespace {

bool same_segments(const LeverSchedule& a, const LeverSchedule& b) {
  return std::equal(a.segments.begin(), a.segments.end(), b.segments.begin(), b.segments.end(),
                    [](const ScheduleSegment& x, const ScheduleSegment& y) {
                      return x.from == y.from && x.to == y.to && x.start_value == y.start_value &&
                             x.end_value == y.end_value && x.linear == y.linear;
                    });
}

bool same_triggers(const std::vector<Trigger>& a, const std::vector<Trigger>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Trigger& x, const Trigger& y) {
    return x.when.state_slot == y.when.state_slot && x.when.comparison == y.when.comparison &&
           x.when.threshold == y.when.threshold && x.set == y.set;
  });
}

bool same_network(const Network* a, const Network* b) {
  if (!a || !b) return a == b;
  if (a->partner_count() != b->partner_count() || a->partners() != b->partners()) return false;
  for (int partner = 0; partner < a->partner_count(); ++partner)
    if (a->routes(partner) != b->routes(partner)) return false;
  return std::equal(a->edges().begin(), a->edges().end(), b->edges().begin(), b->edges().end(),
                    [](const Network::Edge& x, const Network::Edge& y) {
                      return x.base == y.base && x.gate == y.gate && x.controls == y.controls;
                    });
}

// The uncertainty about `name`, described ("uniform [0.1, 0.3]"), or "" when it is certain.
std::string uncertainty_about(const Scenario& scenario, const std::string& name) {
  for (const Uncertainty& uncertainty : scenario.uncertainties)
    if (uncertainty.name == name) return uncertainty.distribution.describe();
  return "";
}

// Jumps and model events that one side has and the other lacks, matched one for one.
template <class Dated, class Same>
void unmatched(const std::vector<Dated>& mine, const std::vector<Dated>& theirs, Same same, std::vector<int>& alone) {
  std::vector<bool> taken(theirs.size(), false);
  for (std::size_t index = 0; index < mine.size(); ++index) {
    std::size_t match = 0;
    while (match < theirs.size() && (taken[match] || !same(mine[index], theirs[match]))) ++match;
    if (match < theirs.size())
      taken[match] = true;
    else
      alone.push_back(static_cast<int>(index));
  }
}

bool same_jump(const StateJump& a, const StateJump& b) { return a.month == b.month && a.deltas == b.deltas; }
bool same_event(const ScheduledModelEvent& a, const ScheduledModelEvent& b) {
  return a.month == b.month && a.kind == b.kind && a.actor == b.actor;
}

std::string jump_text(const Scenario& scenario, const StateJump& jump) {
  std::vector<std::string> parts;
  for (const auto& [slot, delta] : jump.deltas)
    parts.push_back(fmt::format("{}={:+}", scenario.layout->state_name(slot), delta));
  return fmt::format("jump {}@{}", fmt::join(parts, ","), scenario.date(jump.month).to_string());
}

std::string event_text(const Scenario& scenario, const ScheduledModelEvent& event) {
  return fmt::format("event {} {} {}", scenario.layout->declaration().event_kinds[event.kind].name,
                     scenario.layout->actors()[event.actor].name, scenario.date(event.month).to_string());
}

// The dated entries of a scenario between the two: the first's, less those it has alone that
// are chosen, plus those the second has alone that are chosen.
template <class Dated>
std::vector<Dated> dated_between(const std::vector<Dated>& first, const std::vector<Dated>& second,
                                 SettingDifference::Kind kind, const std::vector<SettingDifference>& differences,
                                 const std::vector<bool>& from_second) {
  std::vector<bool> dropped(first.size(), false);
  std::vector<Dated> between;
  for (std::size_t index = 0; index < differences.size(); ++index) {
    const SettingDifference& difference = differences[index];
    if (difference.kind != kind || !from_second[index]) continue;
    if (difference.in_second)
      between.push_back(second[difference.index]);
    else
      dropped[difference.index] = true;
  }
  for (std::size_t index = 0; index < first.size(); ++index)
    if (!dropped[index]) between.push_back(first[index]);
  std::stable_sort(between.begin(), between.end(), [](const Dated& a, const Dated& b) { return a.month < b.month; });
  return between;
}

// The uncertainty about `name` as `from` has it, in place of `into`'s (in its place in the list,
// since the members' draws follow the list's order).
void take_uncertainty(Scenario& into, const Scenario& from, const std::string& name) {
  const auto named = [&](const Uncertainty& uncertainty) { return uncertainty.name == name; };
  const auto theirs = std::find_if(from.uncertainties.begin(), from.uncertainties.end(), named);
  const auto mine = std::find_if(into.uncertainties.begin(), into.uncertainties.end(), named);
  if (theirs == from.uncertainties.end()) {
    if (mine != into.uncertainties.end()) into.uncertainties.erase(mine);
  } else if (mine != into.uncertainties.end()) {
    *mine = *theirs;
  } else {
    into.uncertainties.push_back(*theirs);
  }
}

}  // namespace

std::vector<SettingDifference> setting_differences(const Scenario& first, const Scenario& second,
                                                   const std::string& second_file) {
  const auto refuse = [&](const std::string& what, const std::string& a, const std::string& b) {
    throw InputError({second_file}, what,
                     fmt::format("is {} here but {} in the first scenario: an attribution compares scenarios that "
                                 "differ only in parameters, initial values, levers, dated events, triggers or network",
                                 b, a));
  };
  const auto actors = [](const Scenario& scenario) {
    std::vector<std::string> names;
    for (const Actor& actor : scenario.layout->actors()) names.push_back(actor.name + ":" + actor.role);
    return fmt::format("{}", fmt::join(names, ", "));
  };
  if (first.model != second.model) refuse("model", first.model_name, second.model_name);
  if (actors(first) != actors(second)) refuse("actors", actors(first), actors(second));
  if (first.start != second.start) refuse("start", first.start.to_string(), second.start.to_string());
  if (first.months != second.months) refuse("months", std::to_string(first.months), std::to_string(second.months));
  if (first.seed != second.seed) refuse("seed", std::to_string(first.seed), std::to_string(second.seed));
  if (first.stochastic != second.stochastic)
    refuse("stochastic", fmt::format("{}", first.stochastic), fmt::format("{}", second.stochastic));
  if (first.lever_policies != second.lever_policies) refuse("lever policies", "one set", "another");

  const Layout& layout = *first.layout;
  std::vector<SettingDifference> differences;
  using Kind = SettingDifference::Kind;
  for (int slot = 0; slot < static_cast<int>(first.parameters.size()); ++slot) {
    const std::string name = layout.parameter_name(slot);
    if (first.parameters[slot] != second.parameters[slot] ||
        uncertainty_about(first, name) != uncertainty_about(second, name))
      differences.push_back({.kind = Kind::parameter, .name = name, .slot = slot});
  }
  for (int slot = 0; slot < static_cast<int>(first.initial.size()); ++slot) {
    const std::string name = layout.state_name(slot);
    if (first.initial[slot] != second.initial[slot] ||
        uncertainty_about(first, name) != uncertainty_about(second, name))
      differences.push_back({.kind = Kind::initial, .name = name, .slot = slot});
  }
  for (int slot = 0; slot < static_cast<int>(first.levers.size()); ++slot) {
    const std::string name = layout.lever_name(slot);
    if (!same_segments(first.levers[slot], second.levers[slot]) ||
        uncertainty_about(first, name) != uncertainty_about(second, name))
      differences.push_back({.kind = Kind::lever, .name = name, .slot = slot});
  }

  std::vector<SettingDifference> dated;
  const auto add_unmatched = [&](const auto& mine, const auto& theirs, auto same, Kind kind, bool in_second,
                                 const Scenario& owner, auto text) {
    std::vector<int> alone;
    unmatched(mine, theirs, same, alone);
    for (int index : alone)
      dated.push_back({.kind = kind,
                       .name = (in_second ? "" : "without ") + text(owner, mine[index]),
                       .index = index,
                       .in_second = in_second});
  };
  add_unmatched(first.jumps, second.jumps, same_jump, Kind::jump, false, first, jump_text);
  add_unmatched(second.jumps, first.jumps, same_jump, Kind::jump, true, second, jump_text);
  add_unmatched(first.model_events, second.model_events, same_event, Kind::event, false, first, event_text);
  add_unmatched(second.model_events, first.model_events, same_event, Kind::event, true, second, event_text);
  const auto month = [&](const SettingDifference& d) {
    const Scenario& owner = d.in_second ? second : first;
    return d.kind == Kind::jump ? owner.jumps[d.index].month : owner.model_events[d.index].month;
  };
  std::stable_sort(dated.begin(), dated.end(), [&](const auto& a, const auto& b) { return month(a) < month(b); });
  differences.insert(differences.end(), dated.begin(), dated.end());

  if (!same_triggers(first.triggers, second.triggers))
    differences.push_back({.kind = Kind::triggers, .name = "triggers"});
  if (!same_network(first.network.get(), second.network.get()))
    differences.push_back({.kind = Kind::network, .name = "network"});
  return differences;
}

std::shared_ptr<const Scenario> scenario_between(const Scenario& first, const Scenario& second,
                                                 const std::vector<SettingDifference>& differences,
                                                 const std::vector<bool>& from_second) {
  auto between = std::make_shared<Scenario>(first);
  std::string chosen;
  for (std::size_t index = 0; index < differences.size(); ++index) {
    if (!from_second[index]) continue;
    const SettingDifference& difference = differences[index];
    chosen += difference.name + "\n";
    switch (difference.kind) {
      case SettingDifference::Kind::parameter:
        between->parameters[difference.slot] = second.parameters[difference.slot];
        take_uncertainty(*between, second, difference.name);
        break;
      case SettingDifference::Kind::initial:
        between->initial[difference.slot] = second.initial[difference.slot];
        take_uncertainty(*between, second, difference.name);
        break;
      case SettingDifference::Kind::lever:
        between->levers[difference.slot] = second.levers[difference.slot];
        take_uncertainty(*between, second, difference.name);
        break;
      case SettingDifference::Kind::triggers:
        between->triggers = second.triggers;
        break;
      case SettingDifference::Kind::network:
        between->network = second.network;
        break;
      case SettingDifference::Kind::jump:
      case SettingDifference::Kind::event:
        break;  // below, all at once
    }
  }
  between->jumps = dated_between(first.jumps, second.jumps, SettingDifference::Kind::jump, differences, from_second);
  between->model_events =
      dated_between(first.model_events, second.model_events, SettingDifference::Kind::event, differences, from_second);
  between->content_hash = fmt::format("{:016x}", std::hash<std::string>{}(first.content_hash + "\n" + chosen));
  return between;
}

}  // namespace steppe
