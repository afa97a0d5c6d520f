// The files a comparison writes: comparison.json, each side's trajectories (single runs) or
// bands (ensembles), and one chart with a colour per side (and chart.png with --png).
#include "app/json.hpp"
#include "app/output_writers.hpp"
#include "engine/io/chart_png.hpp"
#include "engine/io/ensemble_results.hpp"

namespace steppe::app {

namespace {

bool of_runs(const PreparedComparison& prepared) { return prepared.ensemble.members == 1; }
bool of_ensembles(const PreparedComparison& prepared) { return prepared.ensemble.members > 1; }
bool always(const PreparedComparison&) { return true; }

std::string chart_svg(const ComparisonResult& result, const Provenance& provenance) {
  const PreparedComparison& p = result.prepared;
  const YRange& y_range = p.chart.y_range;
  return result.run_a ? render_svg(indicator_chart({&*result.run_a, &*result.run_b}, {p.label_a, p.label_b}, provenance,
                                                   y_range))
                      : render_svg(ensemble_chart({p.a.get(), p.b.get()}, {&*result.ensemble_a, &*result.ensemble_b},
                                                  {p.label_a, p.label_b}, provenance, y_range));
}

const OutputWriterRegistration<ComparisonResult> comparison_writer({
    .file = "comparison.json",
    .help = "both summaries and each outcome's difference B − A",
    .order = 10,
    .applies = always,
    .applies_to = "every comparison",
    .write = [](const ComparisonResult& result, const Provenance& provenance,
                std::ostream& out) { out << json::comparison(result, provenance).dump(2) << "\n"; },
});

const OutputWriterRegistration<ComparisonResult> trajectories_a_writer({
    .file = "trajectories_a.csv",
    .help = "A's trajectory",
    .order = 20,
    .applies = of_runs,
    .applies_to = "comparisons of single runs",
    .write = [](const ComparisonResult& result, const Provenance&,
                std::ostream& out) { write_trajectories_csv(out, *result.run_a->scenario, result.run_a->months); },
});

const OutputWriterRegistration<ComparisonResult> trajectories_b_writer({
    .file = "trajectories_b.csv",
    .help = "B's trajectory",
    .order = 30,
    .applies = of_runs,
    .applies_to = "comparisons of single runs",
    .write = [](const ComparisonResult& result, const Provenance&,
                std::ostream& out) { write_trajectories_csv(out, *result.run_b->scenario, result.run_b->months); },
});

const OutputWriterRegistration<ComparisonResult> bands_a_writer({
    .file = "bands_a.csv",
    .help = "A's quantile bands",
    .order = 20,
    .applies = of_ensembles,
    .applies_to = "comparisons of ensembles",
    .write = [](const ComparisonResult& result, const Provenance&,
                std::ostream& out) { out << bands_csv(*result.prepared.a, *result.ensemble_a); },
});

const OutputWriterRegistration<ComparisonResult> bands_b_writer({
    .file = "bands_b.csv",
    .help = "B's quantile bands",
    .order = 30,
    .applies = of_ensembles,
    .applies_to = "comparisons of ensembles",
    .write = [](const ComparisonResult& result, const Provenance&,
                std::ostream& out) { out << bands_csv(*result.prepared.b, *result.ensemble_b); },
});

const OutputWriterRegistration<ComparisonResult> chart_writer({
    .file = "chart.svg",
    .help = "the headline panels of A and B, a colour each",
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

}  // namespace

}  // namespace steppe::app
