#include "app/studies.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <numeric>

#include "app/json.hpp"
#include "engine/errors.hpp"
#include "engine/io/prim_charts.hpp"
#include "engine/io/svg_chart.hpp"
#include "engine/io/sweep_database.hpp"
#include "engine/threads.hpp"

namespace steppe::app {

namespace {

std::string percent(double level) { return fmt::format("{:g}%", 100 * level); }

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

// A tornado per analysis: factors (or policies) as bars, the most influential on top.
void add_charts(const std::vector<SobolOutcome>& outcomes, const AnalysisResult& result, const std::string& subtitle,
                std::vector<OutputFile>& files) {
  for (const SobolOutcome& outcome : outcomes) {
    std::vector<SobolIndex> sorted = outcome.result.indices;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const SobolIndex& a, const SobolIndex& b) { return a.total > b.total; });
    BarChart chart{outcome.outcome + ": Sobol indices with " + percent(result.analysis.confidence.level) + " intervals",
                   subtitle,
                   "share of variance",
                   {"S1 (alone)", "ST (with interactions)"},
                   {}};
    for (const SobolIndex& index : sorted)
      chart.rows.push_back({index.factor, {index.first, index.total}, {index.first_interval, index.total_interval}});
    files.push_back({outcome.outcome + ".svg", render_bar_svg(chart)});
    files.push_back({outcome.outcome + ".convergence.svg", render_svg(convergence_chart(outcome, subtitle))});
  }
}

void add_charts(const std::vector<MorrisOutcome>& outcomes, const AnalysisResult&, const std::string& subtitle,
                std::vector<OutputFile>& files) {
  for (const MorrisOutcome& outcome : outcomes) {
    std::vector<MorrisEffect> sorted = outcome.effects;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const MorrisEffect& a, const MorrisEffect& b) { return a.mu_star > b.mu_star; });
    BarChart chart{
        outcome.outcome + ": Morris elementary effects", subtitle, "effect per unit of range", {"mu*", "sigma"}, {}};
    for (const MorrisEffect& effect : sorted)
      chart.rows.push_back({effect.factor, {effect.mu_star, effect.sigma}, {effect.mu_star_interval, 0}});
    files.push_back({outcome.outcome + ".svg", render_bar_svg(chart)});
  }
}

void add_charts(const std::vector<GivenDataOutcome>& outcomes, const AnalysisResult& result,
                const std::string& subtitle, std::vector<OutputFile>& files) {
  for (const GivenDataOutcome& outcome : outcomes) {
    // Factors by PAWN, largest on top, beside their first-order index.
    std::vector<GivenDataFactor> sorted = outcome.measures.factors;
    std::stable_sort(sorted.begin(), sorted.end(), [](const GivenDataFactor& a, const GivenDataFactor& b) {
      return a.pawn.median.value > b.pawn.median.value;
    });
    BarChart chart{
        outcome.outcome + ": given-data measures with " + percent(result.analysis.confidence.level) + " intervals",
        subtitle,
        "index",
        {"S1 (RBD-FAST)", "PAWN (median KS)"},
        {}};
    for (const GivenDataFactor& factor : sorted)
      chart.rows.push_back({factor.name,
                            {factor.rbd_fast.value, factor.pawn.median.value},
                            {factor.rbd_fast.half_width, factor.pawn.median.half_width}});
    files.push_back({outcome.outcome + ".svg", render_bar_svg(chart)});
  }
}

void add_charts(const std::vector<RobustnessOutcome>& outcomes, const AnalysisResult&, const std::string& subtitle,
                std::vector<OutputFile>& files) {
  for (const RobustnessOutcome& outcome : outcomes) {
    const std::string decile = outcome.goal.higher_is_better ? "10th pct" : "90th pct";
    BarChart chart{outcome.outcome + ": policies over " + std::to_string(outcome.scenarios) + " scenarios",
                   subtitle,
                   outcome.outcome,
                   {"mean", decile, "mean regret"},
                   {}};
    for (const PolicyRobustness& row : outcome.policies)
      chart.rows.push_back({row.policy, {row.mean, row.worst_decile, row.mean_regret}, {}});
    files.push_back({outcome.outcome + ".svg", render_bar_svg(chart)});
  }
}

bool is_csv(const std::string& file) {
  std::string extension = std::filesystem::path(file).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension == ".csv";
}

DiscoverCases read_cases(const DiscoverRequest& request, const OutcomeCondition& condition) {
  if (is_csv(request.source)) return discover_cases_from_csv(request.source, request.inputs, condition);
  if (!request.inputs.empty())
    throw InputError({"--inputs"}, "",
                     "applies to CSV files only: a sweep database's inputs are its factors (and policies)");
  return discover_cases(SweepDatabase::open(request.source), condition);
}

}  // namespace

AnalysisResult analyze(const AnalyzeRequest& request) {
  const SweepArrays sweep = read_sweep_arrays(SweepDatabase::open(request.database));
  AnalysisResult result{sweep.stored, request.analysis, {}};
  tbb::task_arena arena(pool_threads(request.threads));
  arena.execute([&] {
    if (!sweep.policies.empty())
      result.outcomes = robustness_analysis(sweep, request.analysis);
    else if (design_analysis(sweep.stored) == DesignAnalysis::sobol_indices)
      result.outcomes = sobol_analysis(sweep, request.analysis);
    else if (design_analysis(sweep.stored) == DesignAnalysis::elementary_effects)
      result.outcomes = morris_analysis(sweep, request.analysis);
    else
      result.outcomes = given_data_analysis(sweep, request.analysis);
  });
  return result;
}

std::vector<OutputFile> analysis_charts(const AnalysisResult& result) {
  const std::string subtitle =
      fmt::format("{} ({} design, {} runs)", std::filesystem::path(result.stored.file).filename().string(),
                  result.stored.design, result.stored.runs);
  std::vector<OutputFile> files;
  std::visit([&](const auto& outcomes) { add_charts(outcomes, result, subtitle, files); }, result.outcomes);
  return files;
}

DiscoveryResult discover(const DiscoverRequest& request) {
  DiscoveryResult result{.request = request, .condition = parse_condition(request.where)};
  result.cases = read_cases(request, result.condition);
  result.peeling = prim(result.cases.cases, request.prim);
  const std::size_t boxes = result.peeling.trajectory.size();
  if (request.box >= 0 && static_cast<std::size_t>(request.box) >= boxes)
    throw InputError({"--box"}, "",
                     fmt::format("box {} is not on the peeling trajectory, which has boxes 0 to {} (the knee is {})",
                                 request.box, boxes - 1, result.peeling.knee));
  result.chosen = request.box >= 0 ? static_cast<std::size_t>(request.box) : result.peeling.knee;
  result.box = paste(result.cases.cases, result.peeling, result.chosen, request.prim);
  result.pasted = result.box.cases != result.peeled().cases;
  result.quasi_p = quasi_p_values(result.cases.cases, result.first(), result.box);
  result.resampling = resample_prim(result.cases.cases, result.box, request.prim, request.resamples, request.seed);
  return result;
}

std::vector<OutputFile> discovery_files(const DiscoveryResult& result) {
  const DiscoverCases& cases = result.cases;
  const std::string subtitle = fmt::format("{} — {}", cases.source, result.condition.text);
  return {
      {"discover.json", json::discovery(result).dump(2) + "\n"},
      {"trajectory.svg", render_trajectory_svg({"Peeling trajectory: coverage against density", subtitle,
                                                result.peeling.trajectory, result.chosen, result.box})},
      {"box.svg",
       render_box_limits_svg(
           {fmt::format("Box {}{}: limits within each input's range", result.chosen, result.pasted ? " (pasted)" : ""),
            subtitle, cases.dimensions, cases.category_names, result.first(), result.box, result.quasi_p})},
  };
}

}  // namespace steppe::app
