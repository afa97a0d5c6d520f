// The files a comparison writes: comparison.json, every side's trajectories (single runs) or
// bands (ensembles) in one file with a scenario column, one chart with a colour per side (and chart.png with --png),
// and with --attribute the split of each difference among the settings (attribution.json and a waterfall chart).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "app/json.hpp"
#include "app/output_writers.hpp"
#include "engine/io/chart_png.hpp"
#include "engine/io/ensemble_results.hpp"
#include "engine/io/waterfall_chart.hpp"
#include "engine/text.hpp"

namespace steppe::app {

namespace {

bool of_runs(const PreparedComparison& prepared) { return prepared.ensemble.members == 1; }
bool of_ensembles(const PreparedComparison& prepared) { return prepared.ensemble.members > 1; }
bool always(const PreparedComparison&) { return true; }
bool attributed(const PreparedComparison& prepared) { return prepared.attribute; }

// Each side's CSV (its own header first) as one table, led by a scenario column.
void write_sides_csv(std::ostream& out, const PreparedComparison& prepared,
                     const std::function<void(std::size_t side, std::ostream&)>& write_side) {
  for (std::size_t side = 0; side < prepared.sides(); ++side) {
    std::stringstream text;
    write_side(side, text);
    std::string line;
    for (bool header = true; std::getline(text, line); header = false)
      if (!header)
        out << csv_field(prepared.labels[side]) << "," << line << "\n";
      else if (side == 0)
        out << "scenario," << line << "\n";
  }
}

// One panel per side after the first and per outcome with a value on both sides.
WaterfallChart attribution_waterfall(const ComparisonResult& result, const Provenance& provenance) {
  const PreparedComparison& p = result.prepared;
  WaterfallChart chart{.title = "What makes each difference",
                       .subtitle = fmt::format("Shapley values of the settings that differ from {} · steppe {}",
                                               p.labels.front(), provenance.steppe_version)};
  for (std::size_t index = 0; index < result.attributions.size(); ++index) {
    const Attribution& attribution = result.attributions[index];
    const std::string letter = side_letter(index + 1);
    for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
      const double start = attribution.values.none[outcome], end = attribution.values.all[outcome];
      if (!std::isfinite(start) || !std::isfinite(end)) continue;
      WaterfallPanel panel{.title = fmt::format("{}: {} − A", attribution.outcomes[outcome], letter),
                           .start_label = "A: " + p.labels.front(),
                           .end_label = letter + ": " + p.labels[index + 1],
                           .start = start,
                           .end = end};
      for (std::size_t setting = 0; setting < attribution.settings.size(); ++setting)
        panel.steps.push_back({attribution.settings[setting].name, attribution.values.value[setting][outcome],
                               attribution.values.half_width[setting][outcome]});
      chart.panels.push_back(std::move(panel));
    }
  }
  return chart;
}

// The chart of every side. Labels long enough to crowd the legends and marks (a side with changes
// of its own) are shown as the sides' letters, spelled out in the title.
std::string chart_svg(const ComparisonResult& result, const Provenance& provenance) {
  const PreparedComparison& p = result.prepared;
  constexpr std::size_t longest_label = 24;
  const bool lettered = std::any_of(p.labels.begin(), p.labels.end(),
                                    [&](const std::string& label) { return utf8_length(label) > longest_label; });
  std::vector<std::string> labels = p.labels, titled;
  for (std::size_t side = 0; side < p.sides(); ++side) {
    if (lettered) labels[side] = side_letter(side);
    titled.push_back(side_letter(side) + ": " + p.labels[side]);
  }
  Chart chart;
  if (!result.runs.empty()) {
    std::vector<const WhatIfRun*> runs;
    for (const WhatIfRun& run : result.runs) runs.push_back(&run);
    chart = indicator_chart(runs, labels, provenance, p.chart.y_range);
  } else {
    std::vector<const Scenario*> scenarios;
    std::vector<const EnsembleResult*> ensembles;
    for (std::size_t side = 0; side < p.sides(); ++side) {
      scenarios.push_back(p.scenarios[side].get());
      ensembles.push_back(&result.ensembles[side]);
    }
    chart = ensemble_chart(scenarios, ensembles, labels, provenance, p.chart.y_range);
  }
  if (lettered) chart.title = fmt::format("{}", fmt::join(titled, " vs "));
  return render_svg(chart);
}

const OutputWriterRegistration<ComparisonResult> comparison_writer({
    .file = "comparison.json",
    .help = "every side's summary and each outcome's difference from the first",
    .order = 10,
    .applies = always,
    .applies_to = "every comparison",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { out << json::comparison(result, provenance).dump(2) << "\n"; },
});

const OutputWriterRegistration<ComparisonResult> trajectories_writer({
    .file = "trajectories.csv",
    .help = "every side's trajectory, with a scenario column",
    .order = 20,
    .applies = of_runs,
    .applies_to = "comparisons of single runs",
    .write =
        [](const ComparisonResult& result, const Provenance&, std::ostream& out) {
          write_sides_csv(out, result.prepared, [&](std::size_t side, std::ostream& text) {
            write_trajectories_csv(text, result.runs[side]);
          });
        },
});

const OutputWriterRegistration<ComparisonResult> bands_writer({
    .file = "bands.csv",
    .help = "every side's quantile bands, with a scenario column",
    .order = 20,
    .applies = of_ensembles,
    .applies_to = "comparisons of ensembles",
    .write =
        [](const ComparisonResult& result, const Provenance&, std::ostream& out) {
          write_sides_csv(out, result.prepared, [&](std::size_t side, std::ostream& text) {
            text << bands_csv(*result.prepared.scenarios[side], result.ensembles[side]);
          });
        },
});

const OutputWriterRegistration<ComparisonResult> chart_writer({
    .file = "chart.svg",
    .help = "the headline panels a colour per side",
    .order = 50,
    .applies = always,
    .applies_to = "every comparison",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { out << chart_svg(result, provenance); },
});

const OutputWriterRegistration<ComparisonResult> chart_png_writer({
    .file = "chart.png",
    .help = "chart.svg as an image, at twice its size",
    .order = 60,
    .applies = [](const PreparedComparison& prepared) { return prepared.chart.png; },
    .applies_to = "comparisons with --png",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { write_png(chart_svg(result, provenance), out); },
});

const OutputWriterRegistration<ComparisonResult> attribution_writer({
    .file = "attribution.json",
    .help = "each difference from the first side split among the settings that make it (Shapley values)",
    .order = 60,
    .applies = attributed,
    .applies_to = "comparisons with --attribute",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { out << json::attribution(result, provenance).dump(2) << "\n"; },
});

bool attributed_png(const PreparedComparison& prepared) { return prepared.attribute && prepared.chart.png; }

const OutputWriterRegistration<ComparisonResult> waterfall_png_writer({
    .file = "attribution.png",
    .help = "attribution.svg as an image, at twice its size",
    .order = 80,
    .applies = attributed_png,
    .applies_to = "comparisons with --attribute and --png",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { write_png(render_waterfall_svg(attribution_waterfall(result, provenance)), out); },
});

const OutputWriterRegistration<ComparisonResult> waterfall_writer({
    .file = "attribution.svg",
    .help = "a waterfall chart of each attribution, one panel per outcome and side",
    .order = 70,
    .applies = attributed,
    .applies_to = "comparisons with --attribute",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { out << render_waterfall_svg(attribution_waterfall(result, provenance)); },
});

}  // namespace

}  // namespace steppe::app
