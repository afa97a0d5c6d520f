#include "app/sweep_analysis.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/errors.hpp"

namespace steppe {

namespace {

// The names of the designs whose sweeps get `analysis`.
std::vector<std::string> designs_with(DesignAnalysis analysis) {
  std::vector<std::string> names;
  for (const SweepDesign* design : SweepDesignRegistry::instance().designs())
    if (design->declaration().analysis == analysis) names.push_back(design->name());
  return names;
}

void require_analysis(const SweepArrays& sweep, DesignAnalysis analysis) {
  if (design_analysis(sweep.stored) != analysis)
    throw InputError({sweep.stored.file}, "",
                     fmt::format("this analysis needs a {} design; the sweep has a {} design",
                                 fmt::join(designs_with(analysis), " or "), sweep.stored.design));
}

// The indices of the outcomes to analyze, in the sweep's order; a name the sweep lacks is an
// error on --outcome with "did you mean".
std::vector<std::size_t> chosen_outcomes(const SweepArrays& sweep, const std::vector<std::string>& names) {
  const std::vector<std::string>& outcomes = sweep.stored.outcomes;
  for (const std::string& name : names)
    if (std::find(outcomes.begin(), outcomes.end(), name) == outcomes.end())
      throw InputError({"--outcome"}, "", unknown_name_message("outcome", name, outcomes));
  std::vector<std::size_t> chosen;
  for (std::size_t outcome = 0; outcome < outcomes.size(); ++outcome)
    if (names.empty() || std::find(names.begin(), names.end(), outcomes[outcome]) != names.end())
      chosen.push_back(outcome);
  return chosen;
}

// The options' confidence, with `resamples` when they leave it to the analysis.
Confidence confidence_of(const SweepAnalysisOptions& options, int resamples) {
  Confidence confidence = options.confidence;
  if (confidence.resamples <= 0) confidence.resamples = resamples;
  return confidence;
}

PointStatistics statistics_of(const SweepArrays& sweep, std::size_t outcome) {
  return point_statistics(sweep.outcomes.col(static_cast<Eigen::Index>(outcome)), sweep.run_point, sweep.stored.points,
                          sweep.stored.replicates);
}

// Runs `analyze(outcome index, slot)` for every chosen outcome on every core; each writes only
// its own slot, so the results do not depend on the thread count.
template <typename Result, typename Analyze>
std::vector<Result> for_each_outcome(const SweepArrays& sweep, const SweepAnalysisOptions& options, Analyze analyze) {
  const std::vector<std::size_t> chosen = chosen_outcomes(sweep, options.outcomes);
  std::vector<Result> results(chosen.size());
  tbb::parallel_for(std::size_t{0}, chosen.size(), [&](std::size_t slot) {
    results[slot].outcome = sweep.stored.outcomes[chosen[slot]];
    analyze(chosen[slot], results[slot]);
  });
  return results;
}

}  // namespace

DesignAnalysis design_analysis(const StoredSweep& stored) {
  const SweepDesign* design = SweepDesignRegistry::instance().find(stored.design);
  if (!design)
    throw InputError({stored.file}, "",
                     fmt::format("the sweep has a {} design, which this steppe does not know (it knows {})",
                                 stored.design, fmt::join(SweepDesignRegistry::instance().names(), ", ")));
  return design->declaration().analysis;
}

std::vector<SobolOutcome> sobol_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options) {
  require_analysis(sweep, DesignAnalysis::sobol_indices);
  return for_each_outcome<SobolOutcome>(sweep, options, [&](std::size_t outcome, SobolOutcome& result) {
    const PointStatistics statistics = statistics_of(sweep, outcome);
    const Confidence confidence = confidence_of(options, 1000);
    result.result = sobol_indices(sweep.roles, statistics, sweep.stored.factors, sweep.stored.second_order, confidence);
    if (!options.convergence) return;
    const std::int64_t rows = result.result.base_rows + result.result.rows_left_out;
    for (std::int64_t part : {8, 4, 2})
      if (rows / part >= 2)
        result.convergence.push_back(sobol_indices(sweep.roles, statistics, sweep.stored.factors,
                                                   sweep.stored.second_order, confidence, rows / part));
    result.convergence.push_back(result.result);
  });
}

std::vector<MorrisOutcome> morris_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options) {
  require_analysis(sweep, DesignAnalysis::elementary_effects);
  return for_each_outcome<MorrisOutcome>(sweep, options, [&](std::size_t outcome, MorrisOutcome& result) {
    const PointStatistics statistics = statistics_of(sweep, outcome);
    result.undefined_runs = statistics.undefined_runs;
    result.effects =
        morris_effects(sweep.roles, statistics.mean, sweep.units, sweep.stored.factors, confidence_of(options, 1000));
  });
}

std::vector<GivenDataOutcome> given_data_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options) {
  if (design_analysis(sweep.stored) != DesignAnalysis::given_data)
    throw InputError({sweep.stored.file}, "",
                     fmt::format("the given-data measures need a design of independent points ({}); the sweep has a "
                                 "{} design",
                                 fmt::join(designs_with(DesignAnalysis::given_data), ", "), sweep.stored.design));
  GivenDataOptions measures;
  measures.confidence = confidence_of(options, 200);
  return for_each_outcome<GivenDataOutcome>(sweep, options, [&](std::size_t outcome, GivenDataOutcome& result) {
    const PointStatistics statistics = statistics_of(sweep, outcome);
    result.undefined_runs = statistics.undefined_runs;
    std::vector<Eigen::Index> defined;
    for (Eigen::Index point = 0; point < statistics.mean.size(); ++point)
      if (!std::isnan(statistics.mean[point])) defined.push_back(point);
    result.points_left_out = statistics.mean.size() - static_cast<Eigen::Index>(defined.size());
    if (defined.size() < 2)
      throw InputError({sweep.stored.file}, "",
                       fmt::format("{} is undefined at all but {} of the {} points: nothing to analyze", result.outcome,
                                   defined.size(), statistics.mean.size()));
    result.measures = given_data_measures(sweep.values(defined, Eigen::all), statistics.mean(defined),
                                          sweep.stored.factors, measures);
  });
}

std::vector<RobustnessOutcome> robustness_analysis(const SweepArrays& sweep, const SweepAnalysisOptions& options) {
  if (sweep.policies.empty()) throw InputError({sweep.stored.file}, "", "the sweep has no policies to compare");
  const nlohmann::json goals =
      sweep.stored.goals.empty() ? nlohmann::json::object() : nlohmann::json::parse(sweep.stored.goals);
  SweepAnalysisOptions goal_outcomes = options;
  // With goals, the outcomes they name are the ones that matter (and have a direction).
  if (goal_outcomes.outcomes.empty())
    for (const std::string& outcome : sweep.stored.outcomes)
      if (goals.empty() || goals.contains(outcome)) goal_outcomes.outcomes.push_back(outcome);
  std::int64_t scenarios = 0;
  for (const PointRole& role : sweep.roles) scenarios = std::max<std::int64_t>(scenarios, role.base + 1);
  return for_each_outcome<RobustnessOutcome>(sweep, goal_outcomes, [&](std::size_t outcome, RobustnessOutcome& result) {
    if (goals.contains(result.outcome)) {
      const auto& goal = goals[result.outcome];
      result.goal.higher_is_better = goal.at("better") == "higher";
      if (goal.contains("threshold")) result.goal.threshold = goal["threshold"].get<double>();
    }
    result.scenarios = scenarios;
    result.policies = policy_robustness(sweep.roles, statistics_of(sweep, outcome).mean, sweep.policies, result.goal);
  });
}

}  // namespace steppe
