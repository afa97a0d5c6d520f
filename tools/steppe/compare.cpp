// `steppe compare`: two or more scenarios, or a scenario and variants of it (--with), as single
// runs or ensembles with --members (common random numbers), through app::compare; prints the
// outcomes side by side (or the JSON comparison), with --attribute each difference split among
// the settings that make it, and writes the comparison's files atomically.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/interrupt.hpp"
#include "tools/steppe/progress.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

std::string difference_text(const OutcomeSpec& spec, double difference) {
  if (spec.is_month() && std::isfinite(difference)) return fmt::format("{:+g} months", difference);
  return format_for_people(difference, true);
}

std::string runs_table(const app::ComparisonResult& result) {
  const app::PreparedComparison& p = result.prepared;
  std::vector<std::string> header = {"outcome"};
  for (std::size_t side = 0; side < p.sides(); ++side) header.push_back(app::side_letter(side));
  for (std::size_t side = 1; side < p.sides(); ++side) header.push_back(app::side_letter(side) + " − A");
  Table table(header);
  for (const app::OutcomeComparison& outcome : result.outcomes) {
    std::vector<std::string> row = {outcome.name};
    for (std::size_t side = 0; side < p.sides(); ++side)
      row.push_back(outcome.specs[side] ? outcome_text(*outcome.specs[side], outcome.values[side], *p.scenarios[side])
                                        : "—");
    for (std::size_t side = 1; side < p.sides(); ++side)
      row.push_back(difference_text(outcome.spec(), outcome.values[side] - outcome.values[0]));
    table.add_row(row);
  }
  return table.render();
}

std::string ensembles_table(const app::ComparisonResult& result) {
  const app::PreparedComparison& p = result.prepared;
  std::vector<std::string> header = {"outcome"};
  for (std::size_t side = 0; side < p.sides(); ++side) header.push_back(app::side_letter(side) + " median");
  for (std::size_t side = 1; side < p.sides(); ++side) {
    const std::string letter = app::side_letter(side);
    header.push_back(letter + " − A (90% interval)");
    header.push_back(fmt::format("P({} > A)", letter));
  }
  Table table(header);
  for (const app::OutcomeComparison& outcome : result.outcomes) {
    std::vector<std::string> row = {outcome.name};
    for (std::size_t side = 0; side < p.sides(); ++side)
      row.push_back(format_for_people(outcome.statistics[side].median));
    for (std::size_t side = 1; side < p.sides(); ++side) {
      const OutcomeStatistics& d = outcome.differences[side];
      row.push_back(fmt::format("{} ({} to {})", format_for_people(d.median, true), format_for_people(d.q05, true),
                                format_for_people(d.q95, true)));
      row.push_back(std::isfinite(outcome.probability_greater[side])
                        ? fmt::format("{:.3f}", outcome.probability_greater[side])
                        : "—");
    }
    table.add_row(row);
  }
  return table.render();
}

// Per side after the first: each outcome's difference, setting by setting, then the total.
std::string attribution_tables(const app::ComparisonResult& result) {
  const app::PreparedComparison& p = result.prepared;
  std::string text;
  for (std::size_t index = 0; index < result.attributions.size(); ++index) {
    const app::Attribution& attribution = result.attributions[index];
    const ShapleyValues& values = attribution.values;
    const std::string letter = app::side_letter(index + 1);
    const std::string of = p.ensemble.members > 1 ? "of the means, " : "";
    text += fmt::format("\nWhat makes {} − A ({}Shapley values: {} over {} setting{}, {} scenarios run):\n", letter, of,
                        values.exact ? "exact" : fmt::format("{} sampled orderings, 95% intervals", values.orderings),
                        attribution.settings.size(), attribution.settings.size() == 1 ? "" : "s", values.coalitions);
    const auto cell = [&](std::size_t setting, std::size_t outcome) {
      const double value = values.value[setting][outcome];
      return values.exact ? format_for_people(value, true)
                          : fmt::format("{} ± {}", format_for_people(value, true),
                                        format_for_people(values.half_width[setting][outcome]));
    };
    const auto total = [&](std::size_t outcome) {
      return format_for_people(values.all[outcome] - values.none[outcome], true);
    };
    // A few settings read best as columns beside each outcome; more, as rows under it.
    constexpr std::size_t most_columns = 4;
    if (attribution.settings.size() <= most_columns) {
      std::vector<std::string> header = {"outcome"};
      for (const SettingDifference& setting : attribution.settings) header.push_back(setting.name);
      header.push_back("total");
      Table table(header);
      for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
        std::vector<std::string> row = {attribution.outcomes[outcome]};
        for (std::size_t setting = 0; setting < attribution.settings.size(); ++setting)
          row.push_back(cell(setting, outcome));
        row.push_back(total(outcome));
        table.add_row(row);
      }
      text += table.render();
      continue;
    }
    Table table({"outcome", "setting", "contribution"});
    for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
      for (std::size_t setting = 0; setting < attribution.settings.size(); ++setting)
        table.add_row({setting == 0 ? attribution.outcomes[outcome] : "", attribution.settings[setting].name,
                       cell(setting, outcome)});
      table.add_row({"", "total", total(outcome)});
    }
    text += table.render();
  }
  return text;
}

// The sides: each file, then each --with variant ("CHANGES" on the first file, or "FILE: CHANGES").
std::vector<app::ComparisonSide> comparison_sides(const CompareOptions& options) {
  std::vector<app::ComparisonSide> sides;
  for (const std::string& file : options.scenarios) sides.push_back({.scenario = file});
  for (const std::string& variant : options.with) {
    const auto colon = variant.find(':');
    const std::string before = colon == std::string::npos ? "" : variant.substr(0, colon);
    const bool names_file = before.ends_with(".yaml") || before.ends_with(".yml");
    sides.push_back({.scenario = names_file ? before : options.scenarios.front(),
                     .changes = parse_variant(names_file ? variant.substr(colon + 1) : variant)});
  }
  return sides;
}

int compare_command(const CompareOptions& options, const std::string& command_line) {
  const bool ensembles = options.ensemble.members > 1;
  const LoadOptions shared = options.scenario_options.load_options(ensembles);
  const app::PreparedComparison prepared = app::prepare_comparison({.sides = comparison_sides(options),
                                                                    .load = shared,
                                                                    .ensemble = options.ensemble,
                                                                    .explain = options.explain,
                                                                    .attribute = options.attribute,
                                                                    .attribution = {.orderings = options.orderings},
                                                                    .chart = options.chart.chart_options()});
  if (options.estimate) {
    print_memory_estimate(prepared.memory, 0, options.json);
    return 0;
  }
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / prepared.folder
                                          : std::filesystem::path(options.out));
  ProgressBar bar(static_cast<std::int64_t>(prepared.sides()) * options.ensemble.members, "members");
  const app::ComparisonResult result =
      app::compare(prepared, {.progress = [&](std::int64_t done) { bar.update(done); }, .cancel = interrupt_flag()});
  if (result.cancelled) throw Interrupted{};

  const Provenance provenance{STEPPE_VERSION, command_line};
  const std::vector<app::OutputFile> files = app::output_files(result, provenance);
  const auto written = write_files(folder, files);
  print_warnings(result.warnings, options.quiet);
  if (printed_for_machines(options.quiet, options.json, written, "comparison.json")) return 0;
  for (std::size_t side = 0; side < prepared.sides(); ++side)
    std::cout << fmt::format("{}: {} ({})\n", app::side_letter(side), prepared.labels[side], prepared.files[side]);
  if (!shared.overrides.empty()) {
    std::vector<std::string> changes;
    for (const Override& change : shared.overrides) changes.push_back(change.text());
    std::cout << fmt::format("every side with {}\n", fmt::join(changes, ", "));
  }
  if (ensembles)
    std::cout << fmt::format("{} members each, common random numbers\n\n", options.ensemble.members)
              << ensembles_table(result);
  else
    std::cout << "\n" << runs_table(result);
  std::cout << attribution_tables(result);
  print_written(written);
  return 0;
}

const CommandRegistration compare_registration(20, [](CLI::App& app) {
  auto options = std::make_shared<CompareOptions>();
  CompareOptions& compare = *options;
  auto* compare_app = app.add_subcommand(
      "compare", "Run two or more scenarios (or ensembles), or a scenario and variants of it, side by side");
  compare_app
      ->add_option("scenarios", compare.scenarios,
                   "Scenario YAML files; the first is A, the one others are compared with")
      ->required()
      ->expected(1, -1);
  compare_app
      ->add_option("--with", compare.with,
                   "A variant of the first scenario to compare (repeatable): changes as --set, --event and --jump "
                   "take them, separated by commas, e.g. 'USA.air_link=1@2030-01, event leadership_turnover MNG "
                   "2029-06'; 'FILE: CHANGES' varies another file")
      ->type_name("CHANGES");
  add_scenario_options(*compare_app, compare.scenario_options);
  add_ensemble_options(*compare_app, compare.ensemble);
  compare_app->add_flag("--explain", compare.explain,
                        "Single runs: trajectories.csv also holds every step's levers and derived quantities");
  compare_app->add_flag("--attribute", compare.attribute,
                        "Split each difference from A among the settings that differ (Shapley values: exact up to 12 "
                        "settings, else sampled)");
  compare_app
      ->add_option("--orderings", compare.orderings,
                   "Random orderings of the settings when more than 12 differ (default 200)")
      ->check(CLI::Range(10, 100000));
  add_chart_options(*compare_app, compare.chart);
  compare_app->add_option("--out", compare.out, "Folder for the output files (default: out/<a>-vs-<b>...)");
  compare_app->add_flag("--estimate", compare.estimate,
                        "Print the ensembles' memory estimate, and what is available, and stop");
  compare_app->add_flag("--json", compare.json, "Print the JSON comparison instead of tables");
  compare_app->add_flag("--quiet,-q", compare.quiet, "Print nothing but errors (and the JSON with --json)");
  return Command{compare_app,
                 [options](const std::string& command_line) { return compare_command(*options, command_line); }};
});

}  // namespace

}  // namespace steppe::cli
