// The files an ensemble becomes: bands.csv (per-month quantile bands), outcomes.csv (one row per
// member) and a chart with shaded bands (the JSON summary is made in app/json.hpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/io/results.hpp"
#include "engine/io/svg_chart.hpp"

namespace steppe {

// The quantile levels of the bands, in bands.csv order; the mean follows them.
inline constexpr double band_levels[] = {0.05, 0.25, 0.5, 0.75, 0.95};

// "date,actor,variable,statistic,quantile,value", tidy: statistic is "quantile" (quantile 0.05 …
// 0.95) or "mean" (quantile empty).
std::string bands_csv(const Scenario& scenario, const EnsembleResult& result);
// "date,actor,lever,setting,members,share": for each lever the scenario's controllers set, how
// many members held each setting in each month's step (EnsembleResult::choices), and their share.
std::string choices_csv(const Scenario& scenario, const EnsembleResult& result);
// "member,<uncertain input>,…,<outcome>,…": one row per member, its draws then its outcomes (a
// first crossing as its date YYYY-MM, empty when never), written to `out` as it is made.
void write_outcomes_csv(std::ostream& out, const Scenario& scenario, const EnsembleResult& result);
// The model's headline panels: median lines over 5–95% bands, one or more ensembles side by side.
Chart ensemble_chart(const std::vector<const Scenario*>& scenarios, const std::vector<const EnsembleResult*>& results,
                     const std::vector<std::string>& labels, const Provenance& provenance, const YRange& y_range = {});

}  // namespace steppe
