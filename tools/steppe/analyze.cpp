// `steppe analyze`: the sensitivity indices of a sweep database (Sobol, Morris, given-data
// measures) or the robustness of its policies, through app::analyze; tables for people (or the
// JSON), and the charts per outcome written atomically (docs/sweeps.md).
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/json.hpp"
#include "app/studies.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

std::string percent(double level) { return fmt::format("{:g}%", 100 * level); }

// "; 12 of 40960 runs undefined, left out" when an outcome is undefined in some runs.
std::string undefined_note(std::int64_t undefined, std::int64_t runs) {
  return undefined > 0 ? fmt::format("; undefined in {} of {} runs, left out", undefined, runs) : "";
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) std::cout << "warning: " << warning << "\n";
}

void print(const std::vector<RobustnessOutcome>& results, const app::AnalysisResult&) {
  for (const RobustnessOutcome& result : results) {
    const bool higher = result.goal.higher_is_better;
    std::cout << fmt::format("{}: robustness over {} scenarios ({} is better{})\n", result.outcome, result.scenarios,
                             higher ? "higher" : "lower",
                             result.goal.threshold ? fmt::format(", goal {} {}", higher ? "≥" : "≤",
                                                                 format_for_people(*result.goal.threshold))
                                                   : "");
    Table table({"policy", "mean", higher ? "10th pct" : "90th pct", "mean regret", "max regret", "P(goal)"});
    for (const PolicyRobustness& row : result.policies)
      table.add_row({row.policy, format_for_people(row.mean), format_for_people(row.worst_decile),
                     format_for_people(row.mean_regret), format_for_people(row.max_regret),
                     format_for_people(row.meets)});
    std::cout << table.render() << "\n";
  }
}

void print(const std::vector<SobolOutcome>& results, const app::AnalysisResult& analysis) {
  const StoredSweep& stored = analysis.stored;
  for (const SobolOutcome& outcome : results) {
    const SobolResult& result = outcome.result;
    std::cout << fmt::format(
        "{}: Sobol indices (N = {}{}, {} bootstrap intervals{})\n", outcome.outcome, result.base_rows,
        stored.replicates > 1 ? fmt::format(", {} replicates", stored.replicates) : "",
        percent(analysis.analysis.confidence.level), undefined_note(result.undefined_runs, stored.runs));
    Table table({"factor", "S1", "±", "ST", "±"});
    for (const SobolIndex& index : result.indices)
      table.add_row({index.factor, format_for_people(index.first), format_for_people(index.first_interval),
                     format_for_people(index.total), format_for_people(index.total_interval)});
    // The share of one run's variance that no factor explains; the factors' indices are shares
    // of the rest, the variance of the mean response.
    if (stored.replicates > 1)
      table.add_row({"(replicate noise)", format_for_people(result.noise_share),
                     format_for_people(result.noise_share_interval), "", ""});
    std::cout << table.render();
    if (stored.replicates > 1)
      std::cout << fmt::format(
          "indices: shares of the variance of the mean over replicates; replicate noise: {} of "
          "one run's variance, {} of a {}-replicate mean's\n",
          percent(std::round(result.noise_share * 1000) / 1000),
          percent(std::round(result.noise_share_of_means * 1000) / 1000), stored.replicates);
    print_warnings(result.warnings);
    std::cout << "\n";
    if (!result.pairs.empty()) {
      Table pairs({"factors", "S2", "±"});
      for (const SobolPair& pair : result.pairs)
        pairs.add_row({pair.factor_a + " × " + pair.factor_b, format_for_people(pair.second),
                       format_for_people(pair.second_interval)});
      std::cout << pairs.render() << "\n";
    }
  }
}

void print(const std::vector<MorrisOutcome>& results, const app::AnalysisResult& analysis) {
  for (const MorrisOutcome& result : results) {
    std::cout << fmt::format(
        "{}: Morris elementary effects (per unit of each factor's range, {} bootstrap "
        "intervals for mu*{})\n",
        result.outcome, percent(analysis.analysis.confidence.level),
        undefined_note(result.undefined_runs, analysis.stored.runs));
    Table table({"factor", "mu*", "±", "mu", "sigma"});
    for (const MorrisEffect& effect : result.effects)
      table.add_row({effect.factor, format_for_people(effect.mu_star), format_for_people(effect.mu_star_interval),
                     format_for_people(effect.mu), format_for_people(effect.sigma)});
    std::cout << table.render() << "\n";
  }
}

void print(const std::vector<GivenDataOutcome>& results, const app::AnalysisResult& analysis) {
  const StoredSweep& stored = analysis.stored;
  for (const GivenDataOutcome& result : results) {
    const GivenDataMeasures& measures = result.measures;
    std::cout << fmt::format(
        "{}: given-data measures ({} points{}, {} bootstrap intervals{})\n", result.outcome, measures.rows,
        stored.replicates > 1 ? fmt::format(" × {} replicates, their means", stored.replicates) : "",
        percent(analysis.analysis.confidence.level), undefined_note(result.undefined_runs, stored.runs));
    Table table({"factor", "S1 (RBD-FAST)", "±", "SRC", "±", "PRCC", "±", "PAWN", "±"});
    for (const GivenDataFactor& factor : measures.factors)
      table.add_row({factor.name, format_for_people(factor.rbd_fast.value),
                     format_for_people(factor.rbd_fast.half_width), format_for_people(factor.src.value),
                     format_for_people(factor.src.half_width), format_for_people(factor.prcc.value),
                     format_for_people(factor.prcc.half_width), format_for_people(factor.pawn.median.value),
                     format_for_people(factor.pawn.median.half_width)});
    std::cout << table.render();
    std::cout << fmt::format(
        "R² of the linear fit {} (SRC), of the fit on ranks {} (PRCC); PAWN of a factor that "
        "does nothing: {} ({} quantile {})\n\n",
        format_for_people(measures.src_r_squared.value), format_for_people(measures.rank_r_squared.value),
        format_for_people(measures.pawn_null_median), percent(analysis.analysis.confidence.level),
        format_for_people(measures.pawn_null_upper));
  }
}

int analyze_command(const AnalyzeOptions& options) {
  const app::AnalysisResult result =
      app::analyze({.database = options.database,
                    .analysis = {.confidence = {options.confidence, options.resamples, options.seed},
                                 .outcomes = options.outcomes,
                                 .convergence = true},
                    .threads = options.threads});
  if (options.json) {
    std::cout << app::json::analysis(result).dump(2) << "\n";
    return 0;
  }
  std::visit([&](const auto& outcomes) { print(outcomes, result); }, result.outcomes);
  // The charts, in out/<database stem>/ unless --out names a folder: written all or none.
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.database)
                                          : std::filesystem::path(options.out));
  print_written(write_files(folder, app::analysis_charts(result)));
  return 0;
}

const CommandRegistration analyze_registration(60, [](CLI::App& app) {
  auto options = std::make_shared<AnalyzeOptions>();
  AnalyzeOptions& analyze = *options;
  auto* analyze_app =
      app.add_subcommand("analyze",
                         "Sensitivity indices of a sweep database (Sobol, Morris, given-data measures) or the "
                         "robustness of its policies");
  analyze_app->add_option("database", analyze.database, "Sweep database (SQLite)")->required();
  analyze_app->add_option("--outcome", analyze.outcomes, "Analyze only this outcome (repeatable; default: all)")
      ->type_name("NAME");
  analyze_app
      ->add_option("--resamples", analyze.resamples,
                   "Bootstrap resamples for the intervals (default 1000; 200 for the given-data measures)")
      ->check(CLI::Range(2, 100000));
  analyze_app->add_option("--confidence", analyze.confidence, "Level of the intervals (default 0.95)")
      ->check(CLI::Range(0.5, 0.999));
  analyze_app->add_option("--seed", analyze.seed, "Seed of the bootstrap resamples (default 1)");
  analyze_app->add_option("--out", analyze.out, "Folder for the charts, one SVG per outcome (default: out/<database>)");
  analyze_app
      ->add_option("--threads", analyze.threads,
                   "Threads (default: every core; the results are the same for any number)")
      ->check(CLI::Range(1, 1024));
  analyze_app->add_flag("--json", analyze.json, "Machine-readable output");
  return Command{analyze_app, [options](const std::string&) { return analyze_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
