// The files a comparison writes: comparison.json, each side's trajectories (single runs) or
// bands (ensembles), and one chart with B dashed.
#include "app/json.hpp"
#include "app/output_writers.hpp"
#include "engine/io/ensemble_results.hpp"

namespace steppe::app {

namespace {

bool of_runs(const PreparedComparison& prepared) { return prepared.ensemble.members == 1; }
bool of_ensembles(const PreparedComparison& prepared) { return prepared.ensemble.members > 1; }
bool always(const PreparedComparison&) { return true; }

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
    .help = "the headline panels of A and B (dashed)",
    .order = 50,
    .applies = always,
    .applies_to = "every comparison",
    .write =
        [](const ComparisonResult& result, const Provenance& provenance, std::ostream& out) {
          const PreparedComparison& p = result.prepared;
          out << (result.run_a
                      ? render_svg(
                            indicator_chart({&*result.run_a, &*result.run_b}, {p.label_a, p.label_b}, provenance))
                      : render_svg(ensemble_chart({p.a.get(), p.b.get()}, {&*result.ensemble_a, &*result.ensemble_b},
                                                  {p.label_a, p.label_b}, provenance)));
        },
});

}  // namespace

}  // namespace steppe::app
