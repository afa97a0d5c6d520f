// `steppe analyze`: the sensitivity indices of a sweep database (Sobol, Morris) or the
// robustness of its policies, as tables, JSON and one chart per outcome (docs/sweeps.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "engine/io/svg_chart.hpp"
#include "engine/io/sweep_analysis.hpp"
#include "engine/io/sweep_database.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

nlohmann::json sobol_json(const std::vector<SobolResult>& results) {
  nlohmann::json document = nlohmann::json::array();
  for (const SobolResult& result : results) {
    nlohmann::json outcome = {{"outcome", result.outcome},
                              {"base_rows", result.base_rows},
                              {"variance", result.variance},
                              {"indices", nlohmann::json::array()}};
    for (const SobolIndex& index : result.indices)
      outcome["indices"].push_back({{"factor", index.factor},
                                    {"S1", index.first},
                                    {"S1_conf", index.first_interval},
                                    {"ST", index.total},
                                    {"ST_conf", index.total_interval}});
    for (const SobolPair& pair : result.pairs)
      outcome["second_order"].push_back(
          {{"factors", {pair.factor_a, pair.factor_b}}, {"S2", pair.second}, {"S2_conf", pair.second_interval}});
    document.push_back(outcome);
  }
  return document;
}

nlohmann::json morris_json(const std::vector<MorrisResult>& results) {
  nlohmann::json document = nlohmann::json::array();
  for (const MorrisResult& result : results) {
    nlohmann::json outcome = {{"outcome", result.outcome}, {"effects", nlohmann::json::array()}};
    for (const MorrisEffect& effect : result.effects)
      outcome["effects"].push_back({{"factor", effect.factor},
                                    {"mu", effect.mu},
                                    {"mu_star", effect.mu_star},
                                    {"sigma", effect.sigma},
                                    {"effects", effect.effects}});
    document.push_back(outcome);
  }
  return document;
}

nlohmann::json robustness_json(const std::vector<RobustnessResult>& results) {
  nlohmann::json document = nlohmann::json::array();
  for (const RobustnessResult& result : results) {
    nlohmann::json outcome = {{"outcome", result.outcome},
                              {"better", result.higher_is_better ? "higher" : "lower"},
                              {"scenarios", result.scenarios},
                              {"policies", nlohmann::json::array()}};
    if (result.threshold) outcome["threshold"] = *result.threshold;
    for (const PolicyRobustness& row : result.policies) {
      nlohmann::json policy = {{"policy", row.policy},
                               {"mean", row.mean},
                               {"worst_decile", row.worst_decile},
                               {"mean_regret", row.mean_regret},
                               {"max_regret", row.max_regret}};
      policy["meets_goal"] = std::isnan(row.meets) ? nlohmann::json(nullptr) : nlohmann::json(row.meets);
      outcome["policies"].push_back(policy);
    }
    document.push_back(outcome);
  }
  return document;
}

}  // namespace

// One chart per outcome, in out/<database stem>/ unless --out names a folder: written all or
// none, like every other output.
void write_charts(const AnalyzeOptions& options, const std::vector<std::pair<std::string, BarChart>>& charts) {
  OutputFolder folder(options.out.empty() ? std::filesystem::path("out") / stem(options.database)
                                          : std::filesystem::path(options.out));
  for (const auto& [outcome, chart] : charts) folder.add(outcome + ".svg", render_bar_svg(chart));
  print_written(folder.commit());
}

int analyze_command(const AnalyzeOptions& options) {
  const SweepDatabase database = SweepDatabase::open(options.database);
  const StoredSweep stored = database.stored();
  const std::string subtitle = fmt::format("{} ({} design, {} runs)", stored.file, stored.design, stored.runs);
  std::vector<std::pair<std::string, BarChart>> charts;

  if (!stored.policies.empty()) {
    const std::vector<RobustnessResult> results = policy_robustness(database);
    if (options.json) {
      std::cout << robustness_json(results).dump(2) << "\n";
      return 0;
    }
    for (const RobustnessResult& result : results) {
      const std::string decile = result.higher_is_better ? "10th pct" : "90th pct";
      std::cout << fmt::format("{}: robustness over {} scenarios ({} is better{})\n", result.outcome, result.scenarios,
                               result.higher_is_better ? "higher" : "lower",
                               result.threshold ? fmt::format(", goal {} {}", result.higher_is_better ? "≥" : "≤",
                                                              format_for_people(*result.threshold))
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
      charts.emplace_back(result.outcome, std::move(chart));
    }
  } else if (stored.design == "sobol") {
    const std::vector<SobolResult> results = sobol_indices(database, options.resamples);
    if (options.json) {
      std::cout << sobol_json(results).dump(2) << "\n";
      return 0;
    }
    for (const SobolResult& result : results) {
      std::cout << fmt::format("{}: Sobol indices (N = {}, 95% bootstrap intervals)\n", result.outcome,
                               result.base_rows);
      Table table({"factor", "S1", "±", "ST", "±"});
      for (const SobolIndex& index : result.indices)
        table.add_row({index.factor, format_for_people(index.first), format_for_people(index.first_interval),
                       format_for_people(index.total), format_for_people(index.total_interval)});
      std::cout << table.render() << "\n";
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
      BarChart chart{result.outcome + ": Sobol indices with 95% intervals",
                     subtitle,
                     "share of variance",
                     {"S1 (alone)", "ST (with interactions)"},
                     {}};
      for (const SobolIndex& index : sorted)
        chart.rows.push_back({index.factor, {index.first, index.total}, {index.first_interval, index.total_interval}});
      charts.emplace_back(result.outcome, std::move(chart));
    }
  } else if (stored.design == "morris") {
    const std::vector<MorrisResult> results = morris_effects(database);
    if (options.json) {
      std::cout << morris_json(results).dump(2) << "\n";
      return 0;
    }
    for (const MorrisResult& result : results) {
      std::cout << fmt::format("{}: Morris elementary effects (per unit of each factor's range)\n", result.outcome);
      Table table({"factor", "mu*", "mu", "sigma"});
      for (const MorrisEffect& effect : result.effects)
        table.add_row({effect.factor, format_for_people(effect.mu_star), format_for_people(effect.mu),
                       format_for_people(effect.sigma)});
      std::cout << table.render() << "\n";
      std::vector<MorrisEffect> sorted = result.effects;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const MorrisEffect& a, const MorrisEffect& b) { return a.mu_star > b.mu_star; });
      BarChart chart{
          result.outcome + ": Morris elementary effects", subtitle, "effect per unit of range", {"mu*", "sigma"}, {}};
      for (const MorrisEffect& effect : sorted)
        chart.rows.push_back({effect.factor, {effect.mu_star, effect.sigma}, {}});
      charts.emplace_back(result.outcome, std::move(chart));
    }
  } else {
    throw InputError({options.database}, "",
                     fmt::format("a {} design has no sensitivity indices to compute: export its runs (steppe export) "
                                 "or use a sobol or morris design, or policies",
                                 stored.design));
  }
  write_charts(options, charts);
  return 0;
}

}  // namespace steppe::cli
