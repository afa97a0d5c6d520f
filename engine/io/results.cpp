#include "engine/io/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "engine/io/streamed_text.hpp"

namespace steppe {

std::string round_trip(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);
}

namespace {

// The rows of write_trajectories_csv; with `explained`, also each month's levers and derived
// quantities, every row then ending in its kind.
void write_trajectory_rows(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months,
                           const WhatIfRun* explained) {
  const Layout& layout = *scenario.layout;
  StreamedText out(stream);
  const std::string_view state_kind = explained ? ",state" : "";
  out.format("date,member,actor,variable,value{}\n", explained ? ",kind" : "");
  for (std::size_t month = 0; month < months.size(); ++month) {
    const std::string date = scenario.date(static_cast<int>(month)).to_string();
    const MemberArrays& state = months[month];
    for (Eigen::Index member = 0; member < state.rows(); ++member)
      for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
        const auto& variable = layout.state()[slot];
        if (variable.decl->internal) continue;
        out.format("{},{},{},{},{}{}\n", date, member, variable.actor, variable.variable,
                   round_trip(state(member, static_cast<Eigen::Index>(slot))), state_kind);
      }
    if (!explained || month >= explained->levers.size()) continue;  // the horizon: no step taken
    for (std::size_t slot = 0; slot < layout.levers().size(); ++slot)
      out.format("{},0,{},{},{},lever\n", date, layout.levers()[slot].actor, layout.levers()[slot].decl->name,
                 round_trip(explained->levers[month](0, static_cast<Eigen::Index>(slot))));
    for (std::size_t slot = 0; slot < layout.derived().size(); ++slot)
      out.format("{},0,{},{},{},derived\n", date, layout.derived()[slot].actor, layout.derived()[slot].name,
                 round_trip(explained->derived[month](0, static_cast<Eigen::Index>(slot))));
  }
}

}  // namespace

void write_trajectories_csv(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months) {
  write_trajectory_rows(stream, scenario, months, nullptr);
}

void write_trajectories_csv(std::ostream& stream, const WhatIfRun& run) {
  write_trajectory_rows(stream, *run.scenario, run.months, run.explained ? &run : nullptr);
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

Chart indicator_chart(const std::vector<const WhatIfRun*>& runs, const std::vector<std::string>& labels,
                      const Provenance& provenance) {
  const Scenario& reference = *runs.front()->scenario;
  Chart chart;
  chart.title = runs.size() == 1 ? reference.title : fmt::format("{} vs {}", labels.at(0), labels.at(1));
  if (chart.title.empty()) chart.title = labels.at(0);
  std::string hashes;
  for (const WhatIfRun* run : runs) hashes += (hashes.empty() ? "" : ", ") + run->scenario->content_hash;
  chart.subtitle =
      fmt::format("{} · seed {} · {} months from {} · scenario {} · steppe {}", reference.model_name, reference.seed,
                  reference.months, reference.start.to_string(), hashes, provenance.steppe_version);
  std::size_t longest = 0;
  for (const WhatIfRun* run : runs) longest = std::max(longest, run->months.size());
  for (std::size_t month = 0; month < longest; ++month) chart.dates.push_back(reference.date(static_cast<int>(month)));

  for (const ChartPanelDecl& spec : reference.layout->declaration().chart_panels) {
    const VariableDecl* variable = reference.layout->declaration().find_variable(spec.variable);
    if (!variable) continue;
    ChartPanel panel;
    panel.title = spec.title;
    panel.y_label = variable->unit;
    panel.y_min = 0;
    panel.y_max = 0;  // fit the data
    int color = 0;
    std::map<std::string, int> color_of_actor;
    for (std::size_t index = 0; index < runs.size(); ++index) {
      const Scenario& scenario = *runs[index]->scenario;
      const Layout& layout = *scenario.layout;
      const std::vector<std::string> actors =
          variable->role == "system" ? std::vector<std::string>{"system"} : layout.actors_with_role(variable->role);
      for (const std::string& actor : actors) {
        const int slot = layout.state_index(actor, spec.variable);
        if (slot < 0) continue;
        if (!color_of_actor.count(actor)) color_of_actor[actor] = color++;
        ChartSeries series;
        series.label = runs.size() == 1 ? actor : fmt::format("{} ({})", actor, labels.at(index));
        series.color = color_of_actor[actor];
        series.dashed = index > 0;
        for (std::size_t month = 0; month < longest; ++month)
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
