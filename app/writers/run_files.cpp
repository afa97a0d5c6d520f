// The files a run has always written: trajectories.csv (a single run, or an ensemble's kept
// members), bands.csv and outcomes.csv (an ensemble), summary.json and chart.svg; and chart.png
// when asked for with --png.
#include "app/json.hpp"
#include "app/output_writers.hpp"
#include "engine/io/chart_png.hpp"
#include "engine/io/ensemble_results.hpp"

namespace steppe::app {

namespace {

bool of_ensembles(const PreparedRun& prepared) { return prepared.ensemble.members > 1; }
bool always(const PreparedRun&) { return true; }

std::string chart_svg(const RunResult& result, const Provenance& provenance) {
  const YRange& y_range = result.prepared.chart.y_range;
  return result.run ? render_svg(indicator_chart({&*result.run}, {result.prepared.label}, provenance, y_range))
                    : render_svg(ensemble_chart({&result.scenario()}, {&*result.ensemble}, {result.prepared.label},
                                                provenance, y_range));
}

const OutputWriterRegistration<RunResult> trajectories_writer({
    .file = "trajectories.csv",
    .help = "every month's state: date, member, actor, variable, value (with --explain: levers and derived "
            "quantities too, and their kind; an ensemble's kept members: the settings its controllers chose)",
    .order = 10,
    .applies = [](const PreparedRun& prepared) { return prepared.keeps_trajectories(); },
    .applies_to = "a single run, or an ensemble with --keep-trajectories",
    .write =
        [](const RunResult& result, const Provenance&, std::ostream& out) {
          if (result.run)
            write_trajectories_csv(out, *result.run);
          else
            write_trajectories_csv(out, result.scenario(), result.ensemble->trajectories,
                                   &result.ensemble->chosen_levers, result.ensemble->choices.slots());
        },
});

const OutputWriterRegistration<RunResult> decisions_writer({
    .file = "decisions.csv",
    .help = "what the scenario's controllers decided, month by month, and the options they weighed",
    .order = 15,
    .applies =
        [](const PreparedRun& prepared) {
          return !of_ensembles(prepared) && !prepared.scenario->lever_policies.empty();
        },
    .applies_to = "a single run of a scenario with controllers",
    .write = [](const RunResult& result, const Provenance&,
                std::ostream& out) { write_decisions_csv(out, *result.run); },
});

const OutputWriterRegistration<RunResult> bands_writer({
    .file = "bands.csv",
    .help = "an ensemble's quantile bands and mean per month",
    .order = 20,
    .applies = of_ensembles,
    .applies_to = "ensembles",
    .write = [](const RunResult& result, const Provenance&,
                std::ostream& out) { out << bands_csv(result.scenario(), *result.ensemble); },
});

const OutputWriterRegistration<RunResult> choices_writer({
    .file = "choices.csv",
    .help = "an ensemble's decisions: how many members held each setting of each lever its controllers set, month "
            "by month",
    .order = 25,
    .applies =
        [](const PreparedRun& prepared) {
          return of_ensembles(prepared) && !prepared.scenario->lever_policies.empty();
        },
    .applies_to = "ensembles of a scenario with controllers",
    .write = [](const RunResult& result, const Provenance&,
                std::ostream& out) { out << choices_csv(result.scenario(), *result.ensemble); },
});

const OutputWriterRegistration<RunResult> outcomes_writer({
    .file = "outcomes.csv",
    .help = "an ensemble's members: their draws and outcomes",
    .order = 30,
    .applies = of_ensembles,
    .applies_to = "ensembles",
    .write = [](const RunResult& result, const Provenance&,
                std::ostream& out) { write_outcomes_csv(out, result.scenario(), *result.ensemble); },
});

const OutputWriterRegistration<RunResult> summary_writer({
    .file = "summary.json",
    .help = "outcomes, state or distributions, and provenance",
    .order = 40,
    .applies = always,
    .applies_to = "every run",
    .write = [](const RunResult& result, const Provenance& provenance,
                std::ostream& out) { out << json::summary(result, provenance).dump(2) << "\n"; },
});

const OutputWriterRegistration<RunResult> chart_writer({
    .file = "chart.svg",
    .help = "the model's headline panels",
    .order = 50,
    .applies = always,
    .applies_to = "every run",
    .write = [](const RunResult& result, const Provenance& provenance,
                std::ostream& out) { out << chart_svg(result, provenance); },
});

const OutputWriterRegistration<RunResult> chart_png_writer({
    .file = "chart.png",
    .help = "chart.svg as an image, at twice its size",
    .order = 60,
    .applies = [](const PreparedRun& prepared) { return prepared.chart.png; },
    .applies_to = "runs with --png",
    .write = [](const RunResult& result, const Provenance& provenance,
                std::ostream& out) { write_png(chart_svg(result, provenance), out); },
});

}  // namespace

}  // namespace steppe::app
