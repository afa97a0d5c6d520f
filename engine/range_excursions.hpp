// Variables that left their declared range. An unclipped variable may (a runaway arms race, an
// index past its usual bounds with more neighbors): its values are still the model's, and single
// runs and ensembles report them alike, but its bands beyond the range are coarse (everything
// beyond falls in an end bin, interpolated out to the extremes) and the model was not built for
// them. Both kinds of run find the same excursions, so both can warn the same way.
#pragma once

#include <string>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/scenario.hpp"

namespace steppe {

struct RangeExcursion {
  int slot = 0;      // the state slot
  int month = 0;     // the first month beyond the range
  double value = 0;  // the value then furthest beyond it
};

// Of the variables shown to people (non-internal), in slot order: from a run's months.
std::vector<RangeExcursion> range_excursions(const Scenario& scenario, const std::vector<MemberArrays>& months);
// The same from an ensemble's bands and the extremes of the unclipped variables it does not
// band, all exact.
std::vector<RangeExcursion> range_excursions(const Scenario& scenario, const EnsembleResult& result);

// "RED.armament left its declared range [-1e+09, 1e+09] in 2025-02 (month 1), at 2.5e+24: …"
std::string excursion_text(const Scenario& scenario, const RangeExcursion& excursion);

}  // namespace steppe
