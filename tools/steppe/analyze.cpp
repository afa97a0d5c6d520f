// `steppe analyze`: the sensitivity indices of a sweep database (Sobol, Morris) or the
// robustness of its policies, as tables, JSON and charts per outcome (docs/sweeps.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>

#include "engine/io/svg_chart.hpp"
#include "engine/io/sweep_analysis.hpp"
#include "engine/io/sweep_database.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

// NaN (an index that cannot be computed) as JSON null.
nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

nlohmann::json indices_json(const SobolResult& result) {
  nlohmann::json indices = nlohmann::json::array();
  for (const SobolIndex& index : result.indices)
    indices.push_back({{"factor", index.factor},
                       {"S1", number(index.first)},
                       {"S1_conf", number(index.first_interval)},
                       {"ST", number(index.total)},
                       {"ST_conf", number(index.total_interval)}});
  return indices;
}

nlohmann::json sobol_json(const std::vector<SobolOutcome>& results, const StoredSweep& stored,
                          const Confidence& confidence) {
  nlohmann::json document = nlohmann::json::array();
  for (const SobolOutcome& outcome : results) {
    const SobolResult& result = outcome.result;
    nlohmann::json entry = {{"outcome", outcome.outcome},
                            {"base_rows", result.base_rows},
                            {"rows_left_out", result.rows_left_out},
                            {"undefined_runs", result.undefined_runs},
                            {"replicates", stored.replicates},
                            {"confidence", confidence.level},
                            {"variance", number(result.variance)},
                            {"noise_share", number(result.noise_share)},
                            {"noise_share_conf", number(result.noise_share_interval)},
                            {"noise_share_of_means", number(result.noise_share_of_means)},
                            {"indices", indices_json(result)},
                            {"warnings", result.warnings}};
    for (const SobolPair& pair : result.pairs)
      entry["second_order"].push_back({{"factors", {pair.factor_a, pair.factor_b}},
                                       {"S2", number(pair.second)},
                                       {"S2_conf", number(pair.second_interval)}});
    for (const SobolResult& part : outcome.convergence)
      entry["convergence"].push_back({{"base_rows", part.base_rows}, {"indices", indices_json(part)}});
    document.push_back(entry);
  }
  return document;
}

nlohmann::json morris_json(const std::vector<MorrisOutcome>& results, const Confidence& confidence) {
  nlohmann::json document = nlohmann::json::array();
  for (const MorrisOutcome& result : results) {
    nlohmann::json outcome = {{"outcome", result.outcome},
                              {"undefined_runs", result.undefined_runs},
                              {"confidence", confidence.level},
                              {"effects", nlohmann::json::array()}};
    for (const MorrisEffect& effect : result.effects)
      outcome["effects"].push_back({{"factor", effect.factor},
                                    {"mu", effect.mu},
                                    {"mu_star", effect.mu_star},
                                    {"mu_star_conf", effect.mu_star_interval},
                                    {"sigma", effect.sigma},
                                    {"effects", effect.effects}});
    document.push_back(outcome);
  }
  return document;
}

nlohmann::json robustness_json(const std::vector<RobustnessOutcome>& results) {
  nlohmann::json document = nlohmann::json::array();
  for (const RobustnessOutcome& result : results) {
    nlohmann::json outcome = {{"outcome", result.outcome},
                              {"better", result.goal.higher_is_better ? "higher" : "lower"},
                              {"scenarios", result.scenarios},
                              {"policies", nlohmann::json::array()}};
    if (result.goal.threshold) outcome["threshold"] = *result.goal.threshold;
    for (const PolicyRobustness& row : result.policies)
      outcome["policies"].push_back({{"policy", row.policy},
                                     {"mean", row.mean},
                                     {"worst_decile", row.worst_decile},
                                     {"mean_regret", row.mean_regret},
                                     {"max_regret", row.max_regret},
                                     {"meets_goal", number(row.meets)}});
    document.push_back(outcome);
  }
  return document;
}

nlohmann::json estimate_json(const Estimate& estimate) {
  return {{"value", number(estimate.value)}, {"conf", number(estimate.half_width)}};
}

nlohmann::json given_data_json(const std::vector<GivenDataOutcome>& results, const Confidence& confidence) {
  nlohmann::json document = nlohmann::json::array();
  for (const GivenDataOutcome& result : results) {
    const GivenDataMeasures& measures = result.measures;
    nlohmann::json outcome = {{"outcome", result.outcome},
                              {"points", measures.rows},
                              {"points_left_out", result.points_left_out},
                              {"undefined_runs", result.undefined_runs},
                              {"confidence", confidence.level},
                              {"src_r_squared", estimate_json(measures.src_r_squared)},
                              {"rank_r_squared", estimate_json(measures.rank_r_squared)},
                              {"pawn_null_median", measures.pawn_null_median},
                              {"pawn_null_upper", measures.pawn_null_upper},
                              {"factors", nlohmann::json::array()}};
    for (const GivenDataFactor& factor : measures.factors)
      outcome["factors"].push_back({{"factor", factor.name},
                                    {"rbd_fast_S1", estimate_json(factor.rbd_fast)},
                                    {"src", estimate_json(factor.src)},
                                    {"prcc", estimate_json(factor.prcc)},
                                    {"pawn_median", estimate_json(factor.pawn.median)},
                                    {"pawn_mean", estimate_json(factor.pawn.mean)},
                                    {"pawn_max", estimate_json(factor.pawn.maximum)}});
    document.push_back(outcome);
  }
  return document;
}

std::string percent(double level) { return fmt::format("{:g}%", 100 * level); }

// "; 12 of 40960 runs undefined, left out" when an outcome is undefined in some runs.
std::string undefined_note(std::int64_t undefined, std::int64_t runs) {
  return undefined > 0 ? fmt::format("; undefined in {} of {} runs, left out", undefined, runs) : "";
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) std::cout << "warning: " << warning << "\n";
}

// The indices at N/8, N/4, N/2 and N base rows, one line per factor with its interval as a band:
// where the lines have settled, more runs would not change the reading. The factors with the
// largest total indices, as many as the palette has colours.
Chart convergence_chart(const SobolOutcome& outcome, const std::string& subtitle) {
  constexpr std::size_t most = 8;
  std::vector<std::size_t> shown(outcome.result.indices.size());
  std::iota(shown.begin(), shown.end(), std::size_t{0});
  std::stable_sort(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) {
    return outcome.result.indices[a].total > outcome.result.indices[b].total;
  });
  if (shown.size() > most) shown.resize(most);
  Chart chart;
  chart.title = outcome.outcome + ": Sobol indices against the number of base rows";
  chart.subtitle = subtitle + (outcome.result.indices.size() > most ? ", the 8 factors with the largest ST" : "");
  chart.x_title = "base rows N";
  for (const SobolResult& part : outcome.convergence) chart.x_labels.push_back(std::to_string(part.base_rows));
  for (const bool total : {false, true}) {
    ChartPanel panel{total ? "ST (with interactions)" : "S1 (alone)", "share of variance", 0, 0, {}};
    for (std::size_t factor : shown) {
      ChartSeries series{
          outcome.result.indices[factor].factor, {}, static_cast<int>(panel.series.size()), false, {}, {}};
      for (const SobolResult& part : outcome.convergence) {
        const SobolIndex& index = part.indices[factor];
        const double value = total ? index.total : index.first;
        const double interval = total ? index.total_interval : index.first_interval;
        series.values.push_back(value);
        series.band_lower.push_back(value - interval);
        series.band_upper.push_back(value + interval);
      }
      panel.series.push_back(std::move(series));
    }
    chart.panels.push_back(std::move(panel));
  }
  return chart;
}

// Charts for one outcome, written all or none with the others.
struct OutcomeCharts {
  std::string outcome;
  BarChart bars;
  std::optional<Chart> convergence;
};

// One chart per outcome (and its convergence chart for Sobol), in out/<database stem>/ unless
// --out names a folder: written all or none, like every other output.
void write_charts(const AnalyzeOptions& options, const std::vector<OutcomeCharts>& charts) {
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.database)
                                          : std::filesystem::path(options.out));
  for (const OutcomeCharts& chart : charts) {
    folder.add(chart.outcome + ".svg", render_bar_svg(chart.bars));
    if (chart.convergence) folder.add(chart.outcome + ".convergence.svg", render_svg(*chart.convergence));
  }
  print_written(folder.commit());
}

std::vector<OutcomeCharts> print_robustness(const std::vector<RobustnessOutcome>& results,
                                            const std::string& subtitle) {
  std::vector<OutcomeCharts> charts;
  for (const RobustnessOutcome& result : results) {
    const bool higher = result.goal.higher_is_better;
    const std::string decile = higher ? "10th pct" : "90th pct";
    std::cout << fmt::format("{}: robustness over {} scenarios ({} is better{})\n", result.outcome, result.scenarios,
                             higher ? "higher" : "lower",
                             result.goal.threshold ? fmt::format(", goal {} {}", higher ? "≥" : "≤",
                                                                 format_for_people(*result.goal.threshold))
                                                   : "");
    Table table({"policy", "mean", decile, "mean regret", "max regret", "P(goal)"});
    BarChart chart{result.outcome + ": policies over " + std::to_string(result.scenarios) + " scenarios",
                   subtitle,
                   result.outcome,
                   {"mean", decile, "mean regret"},
                   {}};
    for (const PolicyRobustness& row : result.policies) {
      table.add_row({row.policy, format_for_people(row.mean), format_for_people(row.worst_decile),
                     format_for_people(row.mean_regret), format_for_people(row.max_regret),
                     format_for_people(row.meets)});
      chart.rows.push_back({row.policy, {row.mean, row.worst_decile, row.mean_regret}, {}});
    }
    std::cout << table.render() << "\n";
    charts.push_back({result.outcome, std::move(chart), std::nullopt});
  }
  return charts;
}

std::vector<OutcomeCharts> print_sobol(const std::vector<SobolOutcome>& results, const StoredSweep& stored,
                                       const Confidence& confidence, const std::string& subtitle) {
  std::vector<OutcomeCharts> charts;
  for (const SobolOutcome& outcome : results) {
    const SobolResult& result = outcome.result;
    std::cout << fmt::format("{}: Sobol indices (N = {}{}, {} bootstrap intervals{})\n", outcome.outcome,
                             result.base_rows,
                             stored.replicates > 1 ? fmt::format(", {} replicates", stored.replicates) : "",
                             percent(confidence.level), undefined_note(result.undefined_runs, stored.runs));
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
    // A tornado: factors by total index, largest on top.
    std::vector<SobolIndex> sorted = result.indices;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const SobolIndex& a, const SobolIndex& b) { return a.total > b.total; });
    BarChart chart{outcome.outcome + ": Sobol indices with " + percent(confidence.level) + " intervals",
                   subtitle,
                   "share of variance",
                   {"S1 (alone)", "ST (with interactions)"},
                   {}};
    for (const SobolIndex& index : sorted)
      chart.rows.push_back({index.factor, {index.first, index.total}, {index.first_interval, index.total_interval}});
    charts.push_back({outcome.outcome, std::move(chart), convergence_chart(outcome, subtitle)});
  }
  return charts;
}

std::vector<OutcomeCharts> print_morris(const std::vector<MorrisOutcome>& results, const StoredSweep& stored,
                                        const Confidence& confidence, const std::string& subtitle) {
  std::vector<OutcomeCharts> charts;
  for (const MorrisOutcome& result : results) {
    std::cout << fmt::format(
        "{}: Morris elementary effects (per unit of each factor's range, {} bootstrap "
        "intervals for mu*{})\n",
        result.outcome, percent(confidence.level), undefined_note(result.undefined_runs, stored.runs));
    Table table({"factor", "mu*", "±", "mu", "sigma"});
    for (const MorrisEffect& effect : result.effects)
      table.add_row({effect.factor, format_for_people(effect.mu_star), format_for_people(effect.mu_star_interval),
                     format_for_people(effect.mu), format_for_people(effect.sigma)});
    std::cout << table.render() << "\n";
    std::vector<MorrisEffect> sorted = result.effects;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const MorrisEffect& a, const MorrisEffect& b) { return a.mu_star > b.mu_star; });
    BarChart chart{
        result.outcome + ": Morris elementary effects", subtitle, "effect per unit of range", {"mu*", "sigma"}, {}};
    for (const MorrisEffect& effect : sorted)
      chart.rows.push_back({effect.factor, {effect.mu_star, effect.sigma}, {effect.mu_star_interval, 0}});
    charts.push_back({result.outcome, std::move(chart), std::nullopt});
  }
  return charts;
}

std::vector<OutcomeCharts> print_given_data(const std::vector<GivenDataOutcome>& results, const StoredSweep& stored,
                                            const Confidence& confidence, const std::string& subtitle) {
  std::vector<OutcomeCharts> charts;
  for (const GivenDataOutcome& result : results) {
    const GivenDataMeasures& measures = result.measures;
    std::cout << fmt::format(
        "{}: given-data measures ({} points{}, {} bootstrap intervals{})\n", result.outcome, measures.rows,
        stored.replicates > 1 ? fmt::format(" × {} replicates, their means", stored.replicates) : "",
        percent(confidence.level), undefined_note(result.undefined_runs, stored.runs));
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
        format_for_people(measures.pawn_null_median), percent(confidence.level),
        format_for_people(measures.pawn_null_upper));
    // Factors by PAWN, largest on top, beside their first-order index.
    std::vector<GivenDataFactor> sorted = measures.factors;
    std::stable_sort(sorted.begin(), sorted.end(), [](const GivenDataFactor& a, const GivenDataFactor& b) {
      return a.pawn.median.value > b.pawn.median.value;
    });
    BarChart chart{result.outcome + ": given-data measures with " + percent(confidence.level) + " intervals",
                   subtitle,
                   "index",
                   {"S1 (RBD-FAST)", "PAWN (median KS)"},
                   {}};
    for (const GivenDataFactor& factor : sorted)
      chart.rows.push_back({factor.name,
                            {factor.rbd_fast.value, factor.pawn.median.value},
                            {factor.rbd_fast.half_width, factor.pawn.median.half_width}});
    charts.push_back({result.outcome, std::move(chart), std::nullopt});
  }
  return charts;
}

}  // namespace

int analyze_command(const AnalyzeOptions& options) {
  const SweepArrays sweep = read_sweep_arrays(SweepDatabase::open(options.database));
  const StoredSweep& stored = sweep.stored;
  SweepAnalysisOptions analysis;
  analysis.confidence = {options.confidence, options.resamples, options.seed};
  analysis.outcomes = options.outcomes;
  analysis.convergence = true;
  const std::string subtitle = fmt::format(
      "{} ({} design, {} runs)", std::filesystem::path(stored.file).filename().string(), stored.design, stored.runs);

  std::vector<OutcomeCharts> charts;
  if (!sweep.policies.empty()) {
    const auto results = robustness_analysis(sweep, analysis);
    if (options.json) {
      std::cout << robustness_json(results).dump(2) << "\n";
      return 0;
    }
    charts = print_robustness(results, subtitle);
  } else if (design_analysis(stored) == DesignAnalysis::sobol_indices) {
    const auto results = sobol_analysis(sweep, analysis);
    if (options.json) {
      std::cout << sobol_json(results, stored, analysis.confidence).dump(2) << "\n";
      return 0;
    }
    charts = print_sobol(results, stored, analysis.confidence, subtitle);
  } else if (design_analysis(stored) == DesignAnalysis::elementary_effects) {
    const auto results = morris_analysis(sweep, analysis);
    if (options.json) {
      std::cout << morris_json(results, analysis.confidence).dump(2) << "\n";
      return 0;
    }
    charts = print_morris(results, stored, analysis.confidence, subtitle);
  } else {
    const auto results = given_data_analysis(sweep, analysis);
    if (options.json) {
      std::cout << given_data_json(results, analysis.confidence).dump(2) << "\n";
      return 0;
    }
    charts = print_given_data(results, stored, analysis.confidence, subtitle);
  }
  write_charts(options, charts);
  return 0;
}

namespace {

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
  analyze_app->add_flag("--json", analyze.json, "Machine-readable output");
  return Command{analyze_app, [options](const std::string& command_line) { return analyze_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
