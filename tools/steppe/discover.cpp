// `steppe discover`: scenario discovery with PRIM on a sweep database or a CSV file — which box
// of the uncertain inputs (and policies) holds the runs where a condition holds — as a table,
// JSON, and charts of the peeling trajectory and the chosen box (docs/discovery.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/analysis/condition.hpp"
#include "engine/analysis/prim.hpp"
#include "engine/io/discover_input.hpp"
#include "engine/io/prim_charts.hpp"
#include "engine/io/sweep_database.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

bool is_csv(const std::string& file) {
  std::string extension = std::filesystem::path(file).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension == ".csv";
}

DiscoverCases read_cases(const DiscoverOptions& options, const OutcomeCondition& condition) {
  if (is_csv(options.source)) return discover_cases_from_csv(options.source, options.inputs, condition);
  if (!options.inputs.empty())
    throw InputError({"--inputs"}, "",
                     "applies to CSV files only: a sweep database's inputs are its factors (and policies)");
  return discover_cases(SweepDatabase::open(options.source), condition);
}

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

nlohmann::json box_statistics(const PrimBox& box) {
  return {{"coverage", box.coverage}, {"density", box.density},         {"mass", box.mass},
          {"cases", box.cases},       {"of_interest", box.of_interest}, {"restricted", box.restricted}};
}

nlohmann::json limit_json(const PrimLimit& limit, const std::vector<std::string>& names) {
  if (limit.kept.empty()) return {{"lower", limit.lower}, {"upper", limit.upper}};
  nlohmann::json kept = nlohmann::json::array();
  for (std::size_t category = 0; category < limit.kept.size(); ++category)
    if (limit.kept[category]) kept.push_back(names[category]);
  return {{"categories", kept}};
}

nlohmann::json nullable(double value) { return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value); }

}  // namespace

int discover_command(const DiscoverOptions& options) {
  const OutcomeCondition condition = parse_condition(options.where);
  const DiscoverCases discover = read_cases(options, condition);
  PrimOptions prim_options;
  prim_options.peel_alpha = options.peel_alpha;
  prim_options.mass_min = options.mass_min;

  const PrimResult result = prim(discover.cases, prim_options);
  const std::size_t boxes = result.trajectory.size();
  if (options.box >= 0 && static_cast<std::size_t>(options.box) >= boxes)
    throw InputError({"--box"}, "",
                     fmt::format("box {} is not on the peeling trajectory, which has boxes 0 to {} (the knee is {})",
                                 options.box, boxes - 1, result.knee));
  const std::size_t chosen = options.box >= 0 ? static_cast<std::size_t>(options.box) : result.knee;
  const PrimBox& first = result.trajectory.front();
  const PrimBox& peeled = result.trajectory[chosen];
  const PrimBox box = paste(discover.cases, result, chosen, prim_options);
  const bool pasted = box.cases != peeled.cases;
  const std::vector<double> quasi_p = quasi_p_values(discover.cases, first, box);
  const PrimResampling resampling = resample_prim(discover.cases, box, prim_options, options.resamples, options.seed);
  const auto cases = static_cast<std::int64_t>(discover.cases.of_interest.size());

  nlohmann::json document = {
      {"source", discover.source},
      {"condition", condition.text},
      {"cases", cases},
      {"of_interest", discover.of_interest},
      {"undefined", discover.undefined},
      {"options",
       {{"peel_alpha", prim_options.peel_alpha},
        {"paste_alpha", prim_options.paste_alpha},
        {"mass_min", prim_options.mass_min},
        {"resamples", options.resamples},
        {"resampling", "bootstrap"},
        {"seed", options.seed}}},
      {"knee", result.knee},
      {"chosen", chosen},
      {"trajectory", nlohmann::json::array()},
  };
  for (std::size_t index = 0; index < boxes; ++index) {
    nlohmann::json entry = box_statistics(result.trajectory[index]);
    entry["box"] = index;
    document["trajectory"].push_back(entry);
  }
  nlohmann::json chosen_json = box_statistics(box);
  chosen_json["box"] = chosen;
  chosen_json["pasted"] = pasted;
  chosen_json["dimensions"] = nlohmann::json::array();
  for (std::size_t d = 0; d < discover.dimensions.size(); ++d) {
    nlohmann::json dimension = {{"name", discover.dimensions[d]},
                                {"type", discover.cases.categories[d] ? "categorical" : "numeric"},
                                {"restricted", restricts(box, first, d)},
                                {"limits", limit_json(box.limits[d], discover.category_names[d])},
                                {"range", limit_json(first.limits[d], discover.category_names[d])},
                                {"quasi_p", nullable(quasi_p[d])},
                                {"resampled_at_coverage", resampling.restricted_at_coverage[d]},
                                {"resampled_at_density", resampling.restricted_at_density[d]}};
    chosen_json["dimensions"].push_back(dimension);
  }
  document["box"] = chosen_json;

  const std::string subtitle = fmt::format("{} — {}", discover.source, condition.text);
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.source)
                                          : std::filesystem::path(options.out));
  folder.add("discover.json", document.dump(2) + "\n");
  folder.add("trajectory.svg", render_trajectory_svg({"Peeling trajectory: coverage against density", subtitle,
                                                      result.trajectory, chosen, box}));
  folder.add("box.svg",
             render_box_limits_svg(
                 {fmt::format("Box {}{}: limits within each input's range", chosen, pasted ? " (pasted)" : ""),
                  subtitle, discover.dimensions, discover.category_names, first, box, quasi_p}));
  const auto written = folder.commit();
  if (printed_for_machines(options.quiet, options.json, document)) return 0;

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
  discover_app->add_flag("--quiet,-q", discover.quiet, "Print nothing but errors");
  return Command{discover_app, [options](const std::string& command_line) { return discover_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
