#include "engine/io/sweep_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "engine/errors.hpp"
#include "engine/random.hpp"

namespace steppe {

namespace {

struct DesignRow {
  std::string block;
  int base = -1, factor = -1, step = 0;
  std::string policy;
};

std::vector<DesignRow> design_rows(const SweepDatabase& database) {
  std::vector<DesignRow> rows;
  for (const auto& row : database.query("SELECT block, base, factor, step, policy FROM design ORDER BY point").rows)
    rows.push_back({row[0], std::stoi(row[1]), std::stoi(row[2]), std::stoi(row[3]), row[4]});
  return rows;
}

// Each outcome's mean over the replicates of each point: [outcome][point]. A sweep with runs
// missing is not analyzed: its indices would silently use part of the design.
std::vector<std::vector<double>> point_means(const SweepDatabase& database, const StoredSweep& stored) {
  std::string columns;
  for (const std::string& outcome : stored.outcomes) columns += ", AVG(" + quoted_identifier(outcome) + ")";
  const auto count = database.numbers("SELECT COUNT(*) FROM runs");
  if (count.empty() || static_cast<std::int64_t>(count[0][0]) != stored.runs)
    throw InputError({database.file().string()}, "",
                     fmt::format("the sweep is not finished ({} of {} runs): finish it with steppe sweep --resume",
                                 count.empty() ? 0 : static_cast<std::int64_t>(count[0][0]), stored.runs));
  std::vector<std::vector<double>> means(stored.outcomes.size(),
                                         std::vector<double>(static_cast<std::size_t>(stored.points), std::nan("")));
  for (const auto& row : database.numbers("SELECT point" + columns + " FROM runs GROUP BY point")) {
    const auto point = static_cast<std::size_t>(row[0]);
    for (std::size_t outcome = 0; outcome < stored.outcomes.size(); ++outcome) means[outcome][point] = row[outcome + 1];
  }
  return means;
}

void require_design(const StoredSweep& stored, const std::string& design, const SweepDatabase& database) {
  if (stored.design != design)
    throw InputError({database.file().string()}, "",
                     fmt::format("this analysis needs a {} design; the sweep has a {} design", design, stored.design));
}

double mean_of(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The Saltelli blocks of one outcome, as the values of f at base row j.
struct SobolSample {
  std::vector<double> a, b;
  std::vector<std::vector<double>> ab, ba;  // [factor][j]
};

struct SobolEstimate {
  double variance = 0;
  std::vector<double> first, total;
  std::vector<std::vector<double>> second;  // [i][l], i < l
};

// The estimators over the base rows `rows` (all of them, or a bootstrap resample).
SobolEstimate estimate(const SobolSample& sample, const std::vector<std::size_t>& rows, bool second_order) {
  const std::size_t k = sample.ab.size();
  const auto n = static_cast<double>(rows.size());
  double sum = 0, sum_squares = 0;
  for (std::size_t j : rows) {
    sum += sample.a[j] + sample.b[j];
    sum_squares += sample.a[j] * sample.a[j] + sample.b[j] * sample.b[j];
  }
  const double mean = sum / (2 * n);
  const double variance = sum_squares / (2 * n) - mean * mean;
  SobolEstimate result;
  result.variance = variance;
  for (std::size_t i = 0; i < k; ++i) {
    double first = 0, total = 0;
    for (std::size_t j : rows) {
      first += sample.b[j] * (sample.ab[i][j] - sample.a[j]);
      total += (sample.a[j] - sample.ab[i][j]) * (sample.a[j] - sample.ab[i][j]);
    }
    result.first.push_back(first / n / variance);
    result.total.push_back(total / (2 * n) / variance);
  }
  if (second_order) {
    result.second.assign(k, std::vector<double>(k, 0));
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t l = i + 1; l < k; ++l) {
        double closed = 0;
        for (std::size_t j : rows) closed += sample.ba[i][j] * sample.ab[l][j] - sample.a[j] * sample.b[j];
        result.second[i][l] = closed / n / variance - result.first[i] - result.first[l];
      }
  }
  return result;
}

double standard_deviation(const std::vector<double>& values) {
  const double mean = mean_of(values);
  double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

std::vector<SobolResult> sobol_indices(const SweepDatabase& database, int resamples, std::uint64_t seed) {
  const StoredSweep stored = database.stored();
  require_design(stored, "sobol", database);
  const std::vector<DesignRow> design = design_rows(database);
  const std::vector<std::vector<double>> means = point_means(database, stored);
  const std::size_t k = stored.factors.size();

  std::int64_t base_rows = 0;
  for (const DesignRow& row : design)
    if (row.block == "A") ++base_rows;
  const auto n = static_cast<std::size_t>(base_rows);

  std::vector<SobolResult> results;
  for (std::size_t outcome = 0; outcome < stored.outcomes.size(); ++outcome) {
    SobolSample sample{std::vector<double>(n), std::vector<double>(n),
                       std::vector<std::vector<double>>(k, std::vector<double>(n)),
                       std::vector<std::vector<double>>(stored.second_order ? k : 0, std::vector<double>(n))};
    for (std::size_t point = 0; point < design.size(); ++point) {
      const DesignRow& row = design[point];
      const double y = means[outcome][point];
      const auto j = static_cast<std::size_t>(row.base), i = static_cast<std::size_t>(row.factor);
      if (row.block == "A") sample.a[j] = y;
      if (row.block == "B") sample.b[j] = y;
      if (row.block == "AB") sample.ab[i][j] = y;
      if (row.block == "BA") sample.ba[i][j] = y;
    }
    SobolResult result;
    result.outcome = stored.outcomes[outcome];
    result.base_rows = base_rows;
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    const SobolEstimate point_estimate = estimate(sample, all, stored.second_order);

    // Bootstrap: resample the base rows with replacement; the same resamples for every outcome.
    std::vector<std::vector<double>> first(k), total(k);
    std::vector<std::vector<std::vector<double>>> second(k, std::vector<std::vector<double>>(k));
    std::vector<std::size_t> rows(n);
    for (int resample = 0; resample < resamples; ++resample) {
      for (std::size_t draw = 0; draw < n; ++draw)
        rows[draw] =
            std::min(n - 1, static_cast<std::size_t>(uniform_draw(seed, static_cast<std::uint64_t>(resample),
                                                                  0xFFFFFF10u, static_cast<std::uint32_t>(draw)) *
                                                     static_cast<double>(n)));
      const SobolEstimate estimate_b = estimate(sample, rows, stored.second_order);
      for (std::size_t i = 0; i < k; ++i) {
        first[i].push_back(estimate_b.first[i]);
        total[i].push_back(estimate_b.total[i]);
        for (std::size_t l = i + 1; stored.second_order && l < k; ++l) second[i][l].push_back(estimate_b.second[i][l]);
      }
    }
    constexpr double z = 1.959963984540054;  // the 97.5% point of the standard normal
    result.variance = point_estimate.variance;
    for (std::size_t i = 0; i < k; ++i)
      result.indices.push_back({stored.factors[i], point_estimate.first[i],
                                resamples > 1 ? z * standard_deviation(first[i]) : 0, point_estimate.total[i],
                                resamples > 1 ? z * standard_deviation(total[i]) : 0});
    if (stored.second_order)
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t l = i + 1; l < k; ++l)
          result.pairs.push_back({stored.factors[i], stored.factors[l], point_estimate.second[i][l],
                                  resamples > 1 ? z * standard_deviation(second[i][l]) : 0});
    results.push_back(std::move(result));
  }
  return results;
}

std::vector<MorrisResult> morris_effects(const SweepDatabase& database) {
  const StoredSweep stored = database.stored();
  require_design(stored, "morris", database);
  const std::vector<DesignRow> design = design_rows(database);
  const std::vector<std::vector<double>> means = point_means(database, stored);
  const std::size_t k = stored.factors.size();
  std::string unit_columns;
  for (const std::string& factor : stored.factors)
    unit_columns += (unit_columns.empty() ? "" : ", ") + quoted_identifier(factor + ":unit");
  const auto units = database.numbers("SELECT " + unit_columns + " FROM design ORDER BY point");

  std::map<std::pair<int, int>, std::size_t> point_at;  // (trajectory, step) → point
  for (std::size_t point = 0; point < design.size(); ++point)
    point_at[{design[point].base, design[point].step}] = point;

  std::vector<MorrisResult> results;
  for (std::size_t outcome = 0; outcome < stored.outcomes.size(); ++outcome) {
    std::vector<std::vector<double>> effects(k);
    for (std::size_t point = 0; point < design.size(); ++point) {
      const DesignRow& row = design[point];
      if (row.step == 0) continue;
      const std::size_t before = point_at.at({row.base, row.step - 1});
      const auto i = static_cast<std::size_t>(row.factor);
      const double delta = units[point][i] - units[before][i];
      const double effect = (means[outcome][point] - means[outcome][before]) / delta;
      if (std::isfinite(effect)) effects[i].push_back(effect);
    }
    MorrisResult result;
    result.outcome = stored.outcomes[outcome];
    for (std::size_t i = 0; i < k; ++i) {
      MorrisEffect effect;
      effect.factor = stored.factors[i];
      effect.effects = static_cast<int>(effects[i].size());
      if (!effects[i].empty()) {
        effect.mu = mean_of(effects[i]);
        double absolute = 0;
        for (double value : effects[i]) absolute += std::abs(value);
        effect.mu_star = absolute / static_cast<double>(effects[i].size());
        effect.sigma = effects[i].size() > 1 ? standard_deviation(effects[i]) : 0;
      }
      result.effects.push_back(effect);
    }
    results.push_back(std::move(result));
  }
  return results;
}

std::vector<RobustnessResult> policy_robustness(const SweepDatabase& database) {
  const StoredSweep stored = database.stored();
  if (stored.policies.empty()) throw InputError({database.file().string()}, "", "the sweep has no policies to compare");
  const std::vector<DesignRow> design = design_rows(database);
  const std::vector<std::vector<double>> means = point_means(database, stored);
  const nlohmann::json goals = stored.goals.empty() ? nlohmann::json::object() : nlohmann::json::parse(stored.goals);

  // The policies in the order the sweep file lists them (the design's order), not the JSON's.
  std::vector<std::string> ordered;
  for (const DesignRow& row : design)
    if (std::find(ordered.begin(), ordered.end(), row.policy) == ordered.end()) ordered.push_back(row.policy);
  int scenarios = 0;
  for (const DesignRow& row : design) scenarios = std::max(scenarios, row.base + 1);

  std::vector<RobustnessResult> results;
  for (std::size_t outcome = 0; outcome < stored.outcomes.size(); ++outcome) {
    // With goals, the outcomes they name are the ones that matter (and have a direction).
    if (!goals.empty() && !goals.contains(stored.outcomes[outcome])) continue;
    RobustnessResult result;
    result.outcome = stored.outcomes[outcome];
    result.scenarios = scenarios;
    if (goals.contains(result.outcome)) {
      const auto& goal = goals[result.outcome];
      result.higher_is_better = goal.at("better") == "higher";
      if (goal.contains("threshold")) result.threshold = goal["threshold"].get<double>();
    }
    // value[policy][scenario]
    std::vector<std::vector<double>> value(ordered.size(),
                                           std::vector<double>(static_cast<std::size_t>(scenarios), std::nan("")));
    for (std::size_t point = 0; point < design.size(); ++point) {
      const auto policy =
          static_cast<std::size_t>(std::find(ordered.begin(), ordered.end(), design[point].policy) - ordered.begin());
      value[policy][static_cast<std::size_t>(design[point].base)] = means[outcome][point];
    }
    const double sign = result.higher_is_better ? 1.0 : -1.0;
    std::vector<double> best(static_cast<std::size_t>(scenarios), -std::numeric_limits<double>::infinity());
    for (const auto& values : value)
      for (std::size_t s = 0; s < values.size(); ++s)
        if (std::isfinite(values[s])) best[s] = std::max(best[s], sign * values[s]);
    for (std::size_t policy = 0; policy < ordered.size(); ++policy) {
      PolicyRobustness row;
      row.policy = ordered[policy];
      std::vector<double> finite, regrets;
      int met = 0;
      for (std::size_t s = 0; s < value[policy].size(); ++s) {
        const double v = value[policy][s];
        if (!std::isfinite(v)) continue;
        finite.push_back(v);
        regrets.push_back(best[s] - sign * v);
        if (result.threshold && sign * v >= sign * *result.threshold) ++met;
      }
      if (!finite.empty()) {
        row.mean = mean_of(finite);
        std::sort(finite.begin(), finite.end());
        // The worst decile by numpy's default (linear) quantile: 10th or 90th percentile.
        const double q = result.higher_is_better ? 0.1 : 0.9;
        const double position = q * static_cast<double>(finite.size() - 1);
        const auto below = static_cast<std::size_t>(std::floor(position));
        const std::size_t above = std::min(below + 1, finite.size() - 1);
        row.worst_decile = finite[below] + (position - static_cast<double>(below)) * (finite[above] - finite[below]);
        row.mean_regret = mean_of(regrets);
        row.max_regret = *std::max_element(regrets.begin(), regrets.end());
        if (result.threshold) row.meets = static_cast<double>(met) / static_cast<double>(finite.size());
      }
      result.policies.push_back(row);
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace steppe
