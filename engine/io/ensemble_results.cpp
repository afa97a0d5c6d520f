// Writes an ensemble's results as files (engine/io/ensemble_results.hpp): bands, outcomes and
// the chart of medians over bands.
#include "engine/io/ensemble_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/io/streamed_text.hpp"

namespace steppe {

std::string choices_csv(const Scenario& scenario, const EnsembleResult& result) {
  const Layout& layout = *scenario.layout;
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "date,actor,lever,setting,members,share\n");
  for (int month = 0; month < result.choices.months(); ++month) {
    const std::string date = scenario.date(month).to_string();
    for (std::size_t position = 0; position < result.choices.slots().size(); ++position) {
      const auto& lever = layout.levers()[static_cast<std::size_t>(result.choices.slots()[position])];
      for (const auto& [setting, members] : result.choices.counts(month, position))
        fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{}\n", date, lever.actor, lever.decl->name,
                       RoundTrip{setting}, members,
                       RoundTrip{static_cast<double>(members) / static_cast<double>(result.members)});
    }
  }
  return fmt::to_string(out);
}

std::string bands_csv(const Scenario& scenario, const EnsembleResult& result) {
  const Layout& layout = *scenario.layout;
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "date,actor,variable,statistic,quantile,value\n");
  for (int month = 0; month <= scenario.months; ++month) {
    const std::string date = scenario.date(month).to_string();
    for (std::size_t position = 0; position < result.band_slots.size(); ++position) {
      const auto& slot = layout.state()[result.band_slots[position]];
      for (double level : band_levels)
        fmt::format_to(std::back_inserter(out), "{},{},{},quantile,{},{}\n", date, slot.actor, slot.variable, level,
                       RoundTrip{result.bands.quantile(month, position, level)});
      // A mean has no quantile: the field is left empty (NA to pandas and R), so the column stays numeric.
      fmt::format_to(std::back_inserter(out), "{},{},{},mean,,{}\n", date, slot.actor, slot.variable,
                     RoundTrip{result.means.mean(month, position, result.members)});
    }
  }
  return fmt::to_string(out);
}

void write_outcomes_csv(std::ostream& stream, const Scenario& scenario, const EnsembleResult& result) {
  {
    StreamedText out(stream);
    out.format("member");
    for (const Uncertainty& input : scenario.uncertainties) out.format(",{}", input.name);
    for (const OutcomeSpec& outcome : result.outcome_specs) out.format(",{}", outcome.name);
    out.format("\n");
  }
  const auto format_rows = [&](fmt::memory_buffer& text, std::int64_t first, std::int64_t last) {
    const auto field = [&](const auto& format, const auto& value) {
      fmt::format_to(std::back_inserter(text), format, value);
    };
    for (Eigen::Index member = first; member < last; ++member) {
      field(FMT_COMPILE("{}"), member);
      for (Eigen::Index column = 0; column < result.inputs.cols(); ++column)
        field(FMT_COMPILE(",{}"), RoundTrip{result.inputs(member, column)});
      for (Eigen::Index column = 0; column < result.outcomes.cols(); ++column) {
        const double value = result.outcomes(member, column);
        // A first crossing is a date, empty when the member never crossed (NaT to pandas, NA to R).
        if (result.outcome_specs[static_cast<std::size_t>(column)].is_month())
          fmt::format_to(std::back_inserter(text), ",{}", scenario.crossing_date(value));
        else
          field(FMT_COMPILE(",{}"), RoundTrip{value});
      }
      field(FMT_COMPILE("{}"), '\n');
    }
  };
  write_rows_in_order(stream, result.outcomes.rows(), /*rows_per_chunk=*/2048, format_rows);  // 330 KB of text
}

Chart ensemble_chart(const std::vector<const Scenario*>& scenarios, const std::vector<const EnsembleResult*>& results,
                     const std::vector<std::string>& labels, const Provenance& provenance, const YRange& y_range) {
  const Scenario& reference = *scenarios.front();
  Chart chart = scenario_chart(scenarios, labels);
  chart.caption = fmt::format("{} · {} members · median and 5–95% band · seed {} · steppe {}", reference.model_name,
                              results.front()->members, reference.seed, provenance.steppe_version);
  const int longest = static_cast<int>(chart.dates.size()) - 1;

  const ModelDeclaration& declaration = reference.layout->declaration();
  for (const ChartPanelDecl& spec : declaration.chart_panels) {
    const VariableDecl* variable = declaration.find_variable(spec.variable);
    if (!variable) continue;
    ChartPanel panel;
    panel.title = spec.title;
    panel.y_label = variable->unit;
    set_y_range(panel, *variable, y_range);
    std::map<std::string, int> index_of_actor;
    for (std::size_t index = 0; index < scenarios.size(); ++index) {
      const Layout& layout = *scenarios[index]->layout;
      const EnsembleResult& result = *results[index];
      for (std::size_t position = 0; position < result.band_slots.size(); ++position) {
        const auto& slot = layout.state()[result.band_slots[position]];
        if (slot.variable != spec.variable) continue;
        if (!index_of_actor.count(slot.actor)) index_of_actor[slot.actor] = static_cast<int>(index_of_actor.size());
        ChartSeries series;
        series.label = scenarios.size() == 1 ? slot.actor : fmt::format("{} ({})", slot.actor, labels.at(index));
        style_series(series, index, scenarios.size(), index_of_actor[slot.actor]);
        for (int month = 0; month <= longest; ++month) {
          const bool inside = month <= scenarios[index]->months;
          const double nan = std::nan("");
          series.values.push_back(inside ? result.bands.quantile(month, position, 0.5) : nan);
          series.band_lower.push_back(inside ? result.bands.quantile(month, position, 0.05) : nan);
          series.band_upper.push_back(inside ? result.bands.quantile(month, position, 0.95) : nan);
        }
        panel.series.push_back(std::move(series));
      }
    }
    chart.panels.push_back(std::move(panel));
  }
  return chart;
}

}  // namespace steppe
