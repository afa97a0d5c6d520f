// `steppe discover`: scenario discovery with PRIM on a sweep database or a CSV file — which box
// of the uncertain inputs (and policies) holds the runs where a condition holds — as a table,
// JSON, and charts of the peeling trajectory and the chosen box (docs/discovery.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/studies.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

// A value of an input whose range spans `span`, to about four significant digits of that span.
std::string number(double value, double span) {
  const int decimals = span > 0 ? std::clamp(3 - static_cast<int>(std::floor(std::log10(span))), 0, 12) : 4;
  return fmt::format("{:.{}f}", value, decimals);
}

std::string percent(double share) { return fmt::format("{:.0f}%", 100 * share); }

// A limit as people read it: "0.2012 – 0.2600", or the categories kept.
std::string limit_text(const PrimLimit& limit, const PrimLimit& range, const std::vector<std::string>& names) {
  const double span = range.upper - range.lower;
  if (limit.kept.empty()) return fmt::format("{} – {}", number(limit.lower, span), number(limit.upper, span));
  std::string kept;
  for (std::size_t category = 0; category < limit.kept.size(); ++category)
    if (limit.kept[category]) kept += (kept.empty() ? "" : ", ") + names[category];
  return kept;
}

}  // namespace

int discover_command(const DiscoverOptions& options) {
  const app::DiscoveryResult found =
      app::discover({.source = options.source,
                     .where = options.where,
                     .inputs = options.inputs,
                     .box = options.box,
                     .prim = {.peel_alpha = options.peel_alpha, .mass_min = options.mass_min},
                     .resamples = options.resamples,
                     .seed = options.seed});
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.source)
                                          : std::filesystem::path(options.out));
  const std::vector<app::OutputFile> files = app::discovery_files(found);
  const auto written = write_files(folder, files);
  if (printed_for_machines(options.quiet, options.json, written, "discover.json")) return 0;

  const DiscoverCases& discover = found.cases;
  const PrimResult& result = found.peeling;
  const std::size_t boxes = result.trajectory.size(), chosen = found.chosen;
  const auto cases = static_cast<std::int64_t>(discover.cases.of_interest.size());
  const OutcomeCondition& condition = found.condition;
  const PrimBox &first = found.first(), &peeled = found.peeled(), &box = found.box;
  const bool pasted = found.pasted;
  const std::vector<double>& quasi_p = found.quasi_p;
  const PrimResampling& resampling = found.resampling;
  std::cout << fmt::format("PRIM on {}\n", discover.source);
  std::cout << fmt::format("'{}' holds in {} of {} {} ({})", condition.text, discover.of_interest, cases,
                           discover.cases_word,
                           percent(static_cast<double>(discover.of_interest) / static_cast<double>(cases)));
  if (discover.undefined)
    std::cout << fmt::format("; {} had an outcome of it undefined (counted as not)", discover.undefined);
  std::cout << fmt::format("\npeeling trajectory: boxes 0 to {}; the knee is box {}\n", boxes - 1, result.knee);
  // The boxes where one more input becomes restricted, the knee, the chosen box and the last:
  // enough to pick another with --box (every box is in discover.json and trajectory.svg).
  Table trajectory({"box", "coverage", "density", "mass", "restricted", "note"});
  for (std::size_t index = 0; index < boxes; ++index) {
    const PrimBox& step = result.trajectory[index];
    const bool more_restricted = index > 0 && step.restricted != result.trajectory[index - 1].restricted;
    if (!(index == 0 || more_restricted || index == result.knee || index == chosen || index + 1 == boxes)) continue;
    const std::string note = index == chosen        ? (index == result.knee ? "knee, chosen" : "chosen")
                             : index == result.knee ? "knee"
                                                    : "";
    trajectory.add_row({std::to_string(index), fmt::format("{:.3f}", step.coverage),
                        fmt::format("{:.3f}", step.density), fmt::format("{:.3f}", step.mass),
                        std::to_string(step.restricted), note});
  }
  std::cout << trajectory.render() << "\n";

  std::cout << fmt::format("box {}{}: coverage {:.3f}, density {:.3f}, mass {:.3f}, {} of {} inputs restricted\n",
                           chosen, pasted ? " (pasted)" : "", box.coverage, box.density, box.mass, box.restricted,
                           discover.dimensions.size());
  if (pasted)
    std::cout << fmt::format("  (before pasting: coverage {:.3f}, density {:.3f}, mass {:.3f})\n", peeled.coverage,
                             peeled.density, peeled.mass);
  Table table({"input", "box", "range", "quasi-p", "resamples"});
  std::vector<std::size_t> order(discover.dimensions.size());
  for (std::size_t d = 0; d < order.size(); ++d) order[d] = d;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return (std::isnan(quasi_p[a]) ? 2.0 : quasi_p[a]) < (std::isnan(quasi_p[b]) ? 2.0 : quasi_p[b]);
  });
  for (const std::size_t d : order) {
    const bool restricted = restricts(box, first, d);
    const auto& names = discover.category_names[d];
    table.add_row(
        {discover.dimensions[d], restricted ? limit_text(box.limits[d], first.limits[d], names) : "(unrestricted)",
         limit_text(first.limits[d], first.limits[d], names), restricted ? fmt::format("{:.2g}", quasi_p[d]) : "—",
         percent(resampling.restricted_at_coverage[d])});
  }
  std::cout << table.render();
  std::cout << fmt::format(
      "quasi-p: the chance of this many cases of interest in the box without that restriction\n"
      "resamples: the share of {} bootstrap resamples (seed {}) whose box of like coverage restricts the input\n",
      options.resamples, options.seed);
  print_written(written);
  return 0;
}

namespace {

const CommandRegistration discover_registration(70, [](CLI::App& app) {
  auto options = std::make_shared<DiscoverOptions>();
  DiscoverOptions& discover = *options;
  auto* discover_app = app.add_subcommand(
      "discover", "Scenario discovery with PRIM: the box of inputs where a condition on the outcomes holds");
  discover_app->add_option("source", discover.source, "Sweep database (SQLite), or a CSV file with a header row")
      ->required();
  discover_app
      ->add_option("--where", discover.where,
                   "The cases of interest: OUTCOME OP NUMBER (OP: < <= > >= == !=), joined by 'and'")
      ->required();
  discover_app->add_option("--inputs", discover.inputs, "A CSV file's input columns, e.g. a,b,c")
      ->delimiter(',')
      ->type_name("NAMES");
  discover_app->add_option("--box", discover.box, "The box on the peeling trajectory (default: its knee)")
      ->check(CLI::NonNegativeNumber);
  discover_app->add_option("--out", discover.out, "Folder for discover.json and the charts (default: out/<source>)");
  discover_app->add_option("--seed", discover.seed, "Seed of the resampling check (default 1)");
  discover_app
      ->add_option("--resamples", discover.resamples, "Bootstrap resamples of the resampling check (default 10)")
      ->check(CLI::Range(1, 1000));
  discover_app
      ->add_option("--peel-alpha", discover.peel_alpha, "Share of a box's cases one peel removes (default 0.05)")
      ->check(CLI::Range(0.01, 0.5));
  discover_app->add_option("--mass-min", discover.mass_min, "Smallest share of all cases a box may hold (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  discover_app->add_flag("--json", discover.json, "Print the JSON document instead of tables");
  discover_app->add_flag("--quiet,-q", discover.quiet, "Print nothing but errors (and the JSON with --json)");
  return Command{discover_app, [options](const std::string&) { return discover_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
