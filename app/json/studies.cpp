// The JSON of sweep analyses and scenario discovery (app/json.hpp).
#include "app/studies.hpp"

#include "app/json.hpp"

namespace steppe::app::json {

namespace {

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

nlohmann::json analysis_of(const std::vector<SobolOutcome>& results, const AnalysisResult& analysis) {
  const StoredSweep& stored = analysis.stored;
  const Confidence& confidence = analysis.analysis.confidence;
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

nlohmann::json analysis_of(const std::vector<MorrisOutcome>& results, const AnalysisResult& analysis) {
  const Confidence& confidence = analysis.analysis.confidence;
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

nlohmann::json analysis_of(const std::vector<RobustnessOutcome>& results, const AnalysisResult&) {
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

nlohmann::json analysis_of(const std::vector<GivenDataOutcome>& results, const AnalysisResult& analysis) {
  const Confidence& confidence = analysis.analysis.confidence;
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

}  // namespace

nlohmann::json analysis(const AnalysisResult& result) {
  return std::visit([&](const auto& outcomes) { return analysis_of(outcomes, result); }, result.outcomes);
}

nlohmann::json discovery(const DiscoveryResult& result) {
  const DiscoverCases& discover = result.cases;
  const PrimOptions& prim_options = result.request.prim;
  const PrimBox& first = result.first();
  const PrimBox& box = result.box;
  nlohmann::json document = {
      {"source", discover.source},
      {"condition", result.condition.text},
      {"cases", static_cast<std::int64_t>(discover.cases.of_interest.size())},
      {"of_interest", discover.of_interest},
      {"undefined", discover.undefined},
      {"options",
       {{"peel_alpha", prim_options.peel_alpha},
        {"paste_alpha", prim_options.paste_alpha},
        {"mass_min", prim_options.mass_min},
        {"resamples", result.request.resamples},
        {"resampling", "bootstrap"},
        {"seed", result.request.seed}}},
      {"knee", result.peeling.knee},
      {"chosen", result.chosen},
      {"trajectory", nlohmann::json::array()},
  };
  for (std::size_t index = 0; index < result.peeling.trajectory.size(); ++index) {
    nlohmann::json entry = box_statistics(result.peeling.trajectory[index]);
    entry["box"] = index;
    document["trajectory"].push_back(entry);
  }
  nlohmann::json chosen = box_statistics(box);
  chosen["box"] = result.chosen;
  chosen["pasted"] = result.pasted;
  chosen["dimensions"] = nlohmann::json::array();
  for (std::size_t d = 0; d < discover.dimensions.size(); ++d)
    chosen["dimensions"].push_back({{"name", discover.dimensions[d]},
                                    {"type", discover.cases.categories[d] ? "categorical" : "numeric"},
                                    {"restricted", restricts(box, first, d)},
                                    {"limits", limit_json(box.limits[d], discover.category_names[d])},
                                    {"range", limit_json(first.limits[d], discover.category_names[d])},
                                    {"quasi_p", number(result.quasi_p[d])},
                                    {"resampled_at_coverage", result.resampling.restricted_at_coverage[d]},
                                    {"resampled_at_density", result.resampling.restricted_at_density[d]}});
  document["box"] = chosen;
  return document;
}

}  // namespace steppe::app::json
