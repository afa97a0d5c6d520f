// Writes what-if results as files (engine/io/results.hpp): trajectories CSV and the charts of
// scenarios side by side.
#include "engine/io/results.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <numeric>
#include <string_view>

#include "engine/io/streamed_text.hpp"

namespace steppe {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string round_trip(double value) { return fmt::format("{}", RoundTrip{value}); }

namespace {

// The rows of write_trajectories_csv. With `levers` (per month whose step was taken, members ×
// lever_slots) or `derived` (1 member × derived slots), also each such month's levers and derived
// quantities after its state, every row then ending in its kind.
//
// The rows go in groups, formatted on every core and written in order (write_rows_in_order): a
// month's groups are its members' states, one a member, then its members' levers, one a member,
// then its derived quantities. Every member's trajectory is a large file (500 MB for 2,000
// members), and the shortest round-trip text of its values most of its cost.
void write_trajectory_rows(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months,
                           const std::vector<MemberArrays>* levers, const std::vector<int>& lever_slots,
                           const std::vector<MemberArrays>* derived) {
  const Layout& layout = *scenario.layout;
  const bool kinds = levers || derived;
  const std::string_view state_kind = kinds ? ",state" : "";
  const std::string header = fmt::format("date,member,actor,variable,value{}\n", kinds ? ",kind" : "");
  stream.write(header.data(), static_cast<std::streamsize>(header.size()));
  const auto stepped = [&](std::size_t month) { return levers && month < levers->size(); };  // not the horizon
  const auto explained = [&](std::size_t month) { return derived && month < derived->size(); };
  std::vector<std::string> dates;
  std::vector<std::int64_t> month_first{0};  // each month's first group, and the end of the last
  for (std::size_t month = 0; month < months.size(); ++month) {
    dates.push_back(scenario.date(static_cast<int>(month)).to_string());
    std::int64_t groups = months[month].rows();
    if (stepped(month)) groups += (*levers)[month].rows();
    if (explained(month)) groups += 1;
    month_first.push_back(month_first.back() + groups);
  }
  const auto format_groups = [&](fmt::memory_buffer& text, std::int64_t first, std::int64_t last) {
    const auto row = [&](const auto&... fields) {
      fmt::format_to(std::back_inserter(text), FMT_COMPILE("{},{},{},{},{}{}\n"), fields...);
    };
    auto month = static_cast<std::size_t>(std::upper_bound(month_first.begin(), month_first.end(), first) -
                                          month_first.begin() - 1);
    for (std::int64_t group = first; group < last; ++group) {
      while (group >= month_first[month + 1]) ++month;
      const std::string& date = dates[month];
      const MemberArrays& state = months[month];
      Eigen::Index member = group - month_first[month];
      if (member < state.rows()) {
        for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
          const auto& variable = layout.state()[slot];
          if (!variable.decl->internal)
            row(date, member, variable.actor, variable.variable,
                RoundTrip{state(member, static_cast<Eigen::Index>(slot))}, state_kind);
        }
        continue;
      }
      member -= state.rows();
      if (stepped(month) && member < (*levers)[month].rows()) {
        for (std::size_t position = 0; position < lever_slots.size(); ++position) {
          const auto& lever = layout.levers()[static_cast<std::size_t>(lever_slots[position])];
          row(date, member, lever.actor, lever.decl->name,
              RoundTrip{(*levers)[month](member, static_cast<Eigen::Index>(position))}, ",lever");
        }
        continue;
      }
      for (std::size_t slot = 0; slot < layout.derived().size(); ++slot)
        row(date, 0, layout.derived()[slot].actor, layout.derived()[slot].name,
            RoundTrip{(*derived)[month](0, static_cast<Eigen::Index>(slot))}, ",derived");
    }
  };
  // 64 members' states are some 150 KB of text.
  write_rows_in_order(stream, month_first.back(), /*rows_per_chunk=*/64, format_groups);
}

}  // namespace

void write_trajectories_csv(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months,
                            const std::vector<MemberArrays>* chosen, const std::vector<int>& chosen_slots) {
  write_trajectory_rows(stream, scenario, months, chosen && !chosen->empty() ? chosen : nullptr, chosen_slots, nullptr);
}

void write_trajectories_csv(std::ostream& stream, const WhatIfRun& run) {
  if (!run.explained) return write_trajectory_rows(stream, *run.scenario, run.months, nullptr, {}, nullptr);
  std::vector<int> every_lever(run.scenario->layout->levers().size());
  std::iota(every_lever.begin(), every_lever.end(), 0);
  write_trajectory_rows(stream, *run.scenario, run.months, &run.levers, every_lever, &run.derived);
}

void write_decisions_csv(std::ostream& out, const WhatIfRun& run) {
  out << "date,actor,controller,option,score,chosen,reason\n";
  for (const DecisionRecord& decision : run.decisions)
    for (std::size_t option = 0; option < decision.options.size(); ++option)
      out << fmt::format("{},{},{},{},{},{},{}\n", run.scenario->date(decision.month).to_string(), decision.actor,
                         decision.controller, csv_field(decision.options[option]),
                         option < decision.scores.size() ? round_trip(decision.scores[option]) : std::string(),
                         option == decision.chosen_option ? 1 : 0, csv_field(decision.reason));
}

std::vector<int> headline_slots(const Layout& layout) {
  std::vector<int> slots;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
    const VariableDecl& decl = *layout.state()[slot].decl;
    if (!decl.internal && decl.per != Per::lever) slots.push_back(static_cast<int>(slot));
  }
  // Grouped by actor, in the scenario's order, the system last.
  auto actor_rank = [&](int slot) {
    const auto& actors = layout.actors();
    const auto found = std::find_if(actors.begin(), actors.end(),
                                    [&](const Actor& actor) { return actor.name == layout.state()[slot].actor; });
    return found - actors.begin();
  };
  std::stable_sort(slots.begin(), slots.end(), [&](int a, int b) { return actor_rank(a) < actor_rank(b); });
  return slots;
}

std::optional<YRange> parse_y_range(std::string_view text) {
  if (text == "declared") return YRange{};
  if (text == "fit") return YRange{.mode = YRange::Mode::fit};
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto low = parse_number(text.substr(0, colon)), high = parse_number(text.substr(colon + 1));
  if (!low || !high || !std::isfinite(*low) || !std::isfinite(*high) || *low >= *high) return std::nullopt;
  return YRange{.mode = YRange::Mode::fixed, .low = *low, .high = *high};
}

void set_y_range(ChartPanel& panel, const VariableDecl& variable, const YRange& range) {
  const bool unbounded = !variable.clipped && variable.max - variable.min > 10;
  if (range.mode == YRange::Mode::fixed) {
    panel.y_min = range.low;
    panel.y_max = range.high;
  } else if (range.mode == YRange::Mode::declared && !unbounded) {
    panel.y_min = variable.min;
    panel.y_max = variable.max;
  } else {
    panel.y_min = panel.y_max = 0;  // fit the data
  }
}

namespace {

// "with USA.air_link=1, CHN.hawkishness=0.9": the changes every side has (a comparison's sides
// name their own changes in their labels, so they are not repeated here).
std::string changes_text(const std::vector<const Scenario*>& scenarios) {
  std::vector<std::string> common;
  for (const std::string& change : scenarios.front()->changes)
    if (std::all_of(scenarios.begin(), scenarios.end(), [&](const Scenario* scenario) {
          return std::find(scenario->changes.begin(), scenario->changes.end(), change) != scenario->changes.end();
        }))
      common.push_back(change);
  return common.empty() ? "" : fmt::format("with {}", fmt::join(common, ", "));
}

// One scenario's windows (a span: from, to) and marks (to < 0), by month.
struct TimelineItem {
  int from = 0;
  int to = -1;
  std::string label;
  auto operator<=>(const TimelineItem&) const = default;
};

std::vector<TimelineItem> timeline_items(const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  std::vector<TimelineItem> items;
  for (std::size_t slot = 0; slot < scenario.levers.size(); ++slot) {
    const std::string lever = layout.lever_name(static_cast<int>(slot));
    for (const ScheduleSegment& segment : scenario.levers[slot].segments) {
      // What holds from the start is the scenario's setting, not a change in time.
      if (segment.from <= 0) continue;
      const std::string label = segment.linear
                                    ? fmt::format("{} {:g}→{:g}", lever, segment.start_value, segment.end_value)
                                    : fmt::format("{} = {:g}", lever, segment.start_value);
      const bool window = segment.to != INT_MAX;
      items.push_back({segment.from, window ? std::min(segment.to, scenario.months) : -1, label});
    }
  }
  for (const ScheduledModelEvent& event : scenario.model_events)
    items.push_back({event.month, -1,
                     fmt::format("{} {}", layout.declaration().event_kinds.at(event.kind).name,
                                 layout.actors().at(event.actor).name)});
  for (const StateJump& jump : scenario.jumps) {
    std::vector<std::string> names;
    for (const auto& [slot, delta] : jump.deltas) names.push_back(layout.state_name(slot));
    items.push_back({jump.month, -1, fmt::format("jump {}", fmt::join(names, ", "))});
  }
  // A run cut short by --months shows what happens within it.
  std::erase_if(items, [&](const TimelineItem& item) { return item.from > scenario.months; });
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

}  // namespace

Chart scenario_chart(const std::vector<const Scenario*>& scenarios, const std::vector<std::string>& labels) {
  const Scenario& reference = *scenarios.front();
  Chart chart;
  chart.title = scenarios.size() == 1 ? reference.title : fmt::format("{}", fmt::join(labels, " vs "));
  if (chart.title.empty()) chart.title = labels.at(0);
  chart.subtitle = changes_text(scenarios);
  int longest = 0;
  for (const Scenario* scenario : scenarios) longest = std::max(longest, scenario->months);
  for (int month = 0; month <= longest; ++month) chart.dates.push_back(reference.date(month));

  // Each item once, with the labels of the sides it belongs to unless it belongs to all.
  std::map<TimelineItem, std::vector<std::string>> sides_of;
  for (std::size_t side = 0; side < scenarios.size(); ++side)
    for (const TimelineItem& item : timeline_items(*scenarios[side])) sides_of[item].push_back(labels.at(side));
  for (const auto& [item, sides] : sides_of) {
    const std::string label =
        sides.size() == scenarios.size() ? item.label : fmt::format("{} ({})", item.label, fmt::join(sides, ", "));
    if (item.to >= 0) {
      chart.spans.push_back({static_cast<std::size_t>(item.from), static_cast<std::size_t>(item.to), label});
    } else {
      chart.markers.push_back({static_cast<std::size_t>(item.from), label});
    }
  }
  return chart;
}

void style_series(ChartSeries& series, std::size_t side, std::size_t sides, int actor) {
  series.color = sides == 1 ? actor : static_cast<int>(side);
  series.dash = sides == 1 ? 0 : actor;
}

Chart indicator_chart(const std::vector<const WhatIfRun*>& runs, const std::vector<std::string>& labels,
                      const Provenance& provenance, const YRange& y_range) {
  std::vector<const Scenario*> scenarios;
  for (const WhatIfRun* run : runs) scenarios.push_back(run->scenario.get());
  const Scenario& reference = *scenarios.front();
  Chart chart = scenario_chart(scenarios, labels);
  std::string hashes;
  for (const WhatIfRun* run : runs) hashes += (hashes.empty() ? "" : ", ") + run->scenario->content_hash;
  chart.caption =
      fmt::format("{} · seed {} · {} months from {} · scenario {} · steppe {}", reference.model_name, reference.seed,
                  reference.months, reference.start.to_string(), hashes, provenance.steppe_version);
  const std::size_t dates = chart.dates.size();

  for (const ChartPanelDecl& spec : reference.layout->declaration().chart_panels) {
    const VariableDecl* variable = reference.layout->declaration().find_variable(spec.variable);
    if (!variable) continue;
    ChartPanel panel;
    panel.title = spec.title;
    panel.y_label = variable->unit;
    set_y_range(panel, *variable, y_range);
    std::map<std::string, int> index_of_actor;
    for (std::size_t index = 0; index < runs.size(); ++index) {
      const Scenario& scenario = *runs[index]->scenario;
      const Layout& layout = *scenario.layout;
      const std::vector<std::string> actors =
          variable->role == "system" ? std::vector<std::string>{"system"} : layout.actors_with_role(variable->role);
      for (const std::string& actor : actors) {
        const int slot = layout.state_index(actor, spec.variable);
        if (slot < 0) continue;
        if (!index_of_actor.count(actor)) index_of_actor[actor] = static_cast<int>(index_of_actor.size());
        ChartSeries series;
        series.label = runs.size() == 1 ? actor : fmt::format("{} ({})", actor, labels.at(index));
        style_series(series, index, runs.size(), index_of_actor[actor]);
        for (std::size_t month = 0; month < dates; ++month)
          series.values.push_back(month < runs[index]->months.size() ? runs[index]->months[month](0, slot)
                                                                     : std::nan(""));
        panel.series.push_back(std::move(series));
      }
    }
    chart.panels.push_back(std::move(panel));
  }
  return chart;
}

}  // namespace steppe
