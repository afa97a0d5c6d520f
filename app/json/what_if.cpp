// The JSON of runs and comparisons (app/json.hpp).
#include <fmt/format.h>

#include <cmath>

#include "app/json.hpp"

namespace steppe::app::json {

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

namespace {

// One statistic of an outcome: a first crossing's as the date it falls in (null when no member
// crossed), any other as a number.
nlohmann::json statistic_value(const OutcomeSpec& outcome, double value, const Scenario& scenario) {
  if (!outcome.is_month()) return number(value);
  const std::string date = scenario.crossing_date(value);
  return date.empty() ? nlohmann::json(nullptr) : nlohmann::json(date);
}

nlohmann::json header(const Scenario& scenario, std::int64_t members, const Provenance& provenance) {
  nlohmann::json summary;
  summary["steppe_version"] = provenance.steppe_version;
  summary["command"] = provenance.command;
  summary["model"] = {{"name", scenario.model_name}, {"version", scenario.layout->declaration().version}};
  summary["scenario"] = {{"title", scenario.title},
                         {"files", scenario.files},
                         {"changes", scenario.changes},
                         {"content_hash", scenario.content_hash}};
  summary["seed"] = scenario.seed;
  summary["stochastic"] = scenario.stochastic;
  summary["members"] = members;
  summary["start"] = scenario.start.to_string();
  summary["end"] = scenario.date(scenario.months).to_string();
  summary["months"] = scenario.months;
  return summary;
}

nlohmann::json run_summary(const WhatIfRun& run, const Provenance& provenance) {
  const Scenario& scenario = *run.scenario;
  const Layout& layout = *scenario.layout;
  nlohmann::json summary = header(scenario, 1, provenance);
  nlohmann::json outcomes = nlohmann::json::object();
  for (std::size_t index = 0; index < run.outcome_specs.size(); ++index) {
    const OutcomeSpec& outcome = run.outcome_specs[index];
    const double value = run.outcomes[index];
    if (outcome.is_month() && std::isfinite(value))
      outcomes[outcome.name] = {{"month", static_cast<int>(value)},
                                {"date", scenario.date(static_cast<int>(value)).to_string()}};
    else
      outcomes[outcome.name] = number(value);
  }
  summary["outcomes"] = outcomes;

  nlohmann::json state = nlohmann::json::object();
  const MemberArrays& first = run.months.front();
  const MemberArrays& last = run.months.back();
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
    if (layout.state()[slot].decl->internal) continue;
    const auto column = static_cast<Eigen::Index>(slot);
    state[layout.state_name(static_cast<int>(slot))] = {{"start", number(first(0, column))},
                                                        {"end", number(last(0, column))}};
  }
  summary["state"] = state;
  return summary;
}

nlohmann::json ensemble_summary(const Scenario& scenario, const EnsembleResult& result,
                                const std::vector<OutcomeStatistics>& statistics_of, const Provenance& provenance) {
  nlohmann::json summary = header(scenario, result.members, provenance);
  nlohmann::json outcomes = nlohmann::json::object();
  for (std::size_t index = 0; index < result.outcome_specs.size(); ++index) {
    const OutcomeSpec& outcome = result.outcome_specs[index];
    const OutcomeStatistics& s = statistics_of.at(index);
    const auto value = [&](double statistic) { return statistic_value(outcome, statistic, scenario); };
    nlohmann::json statistics = {{"mean", value(s.mean)},     {"sd", number(s.sd)},  // of a first crossing: in months
                                 {"q05", value(s.q05)},       {"q25", value(s.q25)},
                                 {"median", value(s.median)}, {"q75", value(s.q75)},
                                 {"q95", value(s.q95)},       {"members_with_value", s.members_with_value}};
    if (outcome.is_month()) statistics["never"] = s.members_without_value;
    outcomes[outcome.name] = std::move(statistics);
  }
  summary["outcomes"] = outcomes;
  nlohmann::json inputs = nlohmann::json::object();
  for (std::size_t index = 0; index < scenario.uncertainties.size(); ++index) {
    const auto column = result.inputs.col(static_cast<Eigen::Index>(index));
    const OutcomeStatistics s = outcome_statistics({column.begin(), column.end()});
    inputs[scenario.uncertainties[index].name] = {{"mean", number(s.mean)},
                                                  {"sd", number(s.sd)},
                                                  {"q05", number(s.q05)},
                                                  {"median", number(s.median)},
                                                  {"q95", number(s.q95)}};
  }
  summary["uncertainties"] = inputs;
  return summary;
}

// What every comparison document starts with: which steppe, which command.
nlohmann::json comparison_header(const Provenance& provenance) {
  return {{"steppe_version", provenance.steppe_version}, {"command", provenance.command}};
}

}  // namespace

nlohmann::json summary(const RunResult& result, const Provenance& provenance) {
  nlohmann::json document = result.ensemble
                                ? ensemble_summary(result.scenario(), *result.ensemble, result.statistics, provenance)
                                : run_summary(*result.run, provenance);
  if (!result.warnings.empty()) document["warnings"] = result.warnings;
  return document;
}

nlohmann::json comparison(const ComparisonResult& result, const Provenance& provenance) {
  const PreparedComparison& prepared = result.prepared;
  nlohmann::json document = comparison_header(provenance);
  if (!result.warnings.empty()) document["warnings"] = result.warnings;
  nlohmann::json sides = nlohmann::json::array();
  for (std::size_t side = 0; side < prepared.sides(); ++side)
    sides.push_back(
        {{"side", side_letter(side)},
         {"label", prepared.labels[side]},
         {"file", prepared.files[side]},
         {"summary", result.runs.empty() ? ensemble_summary(*prepared.scenarios[side], result.ensembles[side],
                                                            outcome_statistics(result.ensembles[side]), provenance)
                                         : run_summary(result.runs[side], provenance)}});
  document["scenarios"] = sides;
  // Per side after the first, per outcome: its difference from the first.
  nlohmann::json differences = nlohmann::json::object();
  for (std::size_t side = 1; side < prepared.sides(); ++side) {
    nlohmann::json of_side = nlohmann::json::object();
    for (const OutcomeComparison& outcome : result.outcomes) {
      if (result.runs.empty()) {
        const OutcomeStatistics& d = outcome.differences[side];
        of_side[outcome.name] = {{"median", number(d.median)},
                                 {"q05", number(d.q05)},
                                 {"q95", number(d.q95)},
                                 {"mean", number(d.mean)},
                                 {"probability_greater", number(outcome.probability_greater[side])}};
      } else {
        of_side[outcome.name] = number(outcome.values[side] - outcome.values[0]);
      }
    }
    differences[side_letter(side)] = of_side;
  }
  document["differences_from_a"] = differences;
  return document;
}

nlohmann::json attribution(const ComparisonResult& result, const Provenance& provenance) {
  const PreparedComparison& prepared = result.prepared;
  nlohmann::json document = comparison_header(provenance);
  document["of"] = prepared.ensemble.members > 1
                       ? fmt::format("the means over {} members (common random numbers)", prepared.ensemble.members)
                       : std::string("single runs");
  nlohmann::json sides = nlohmann::json::array();
  for (std::size_t index = 0; index < result.attributions.size(); ++index) {
    const Attribution& attribution = result.attributions[index];
    const ShapleyValues& values = attribution.values;
    nlohmann::json settings = nlohmann::json::array();
    for (const SettingDifference& setting : attribution.settings) settings.push_back(setting.name);
    nlohmann::json outcomes = nlohmann::json::object();
    for (std::size_t outcome = 0; outcome < attribution.outcomes.size(); ++outcome) {
      nlohmann::json contributions = nlohmann::json::object(), intervals = nlohmann::json::object();
      for (std::size_t setting = 0; setting < attribution.settings.size(); ++setting) {
        const std::string& name = attribution.settings[setting].name;
        contributions[name] = number(values.value[setting][outcome]);
        if (!values.exact) intervals[name] = number(values.half_width[setting][outcome]);
      }
      outcomes[attribution.outcomes[outcome]] = {{"a", number(values.none[outcome])},
                                                 {"b", number(values.all[outcome])},
                                                 {"difference", number(values.all[outcome] - values.none[outcome])},
                                                 {"contributions", contributions}};
      if (!values.exact) outcomes[attribution.outcomes[outcome]]["half_widths_95"] = intervals;
    }
    sides.push_back({{"side", side_letter(index + 1)},
                     {"label", prepared.labels[index + 1]},
                     {"settings", settings},
                     {"method", values.exact ? "exact" : "sampled orderings"},
                     {"orderings", values.orderings},
                     {"scenarios_run", values.coalitions},
                     {"outcomes", outcomes}});
  }
  document["attributions"] = sides;
  return document;
}

nlohmann::json memory_estimate(const MemoryEstimate& memory, std::size_t trajectories_file_bytes) {
  return {{"total_bytes", memory.total()},
          {"process_bytes", memory.process},
          {"members_bytes", memory.ensembles.members},
          {"trajectories_bytes", memory.ensembles.trajectories},
          {"per_thread_bytes", memory.ensembles.per_thread},
          {"threads", memory.ensembles.threads},
          {"summary_bytes", memory.summary},
          {"available_bytes", memory.available ? nlohmann::json(*memory.available) : nlohmann::json(nullptr)},
          {"fits", memory.fits()},
          {"trajectories_file_bytes", trajectories_file_bytes}};
}

}  // namespace steppe::app::json
