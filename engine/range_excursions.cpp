#include "engine/range_excursions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace steppe {

namespace {

// The extreme of [lowest, highest] beyond `variable`'s range, if either is.
std::optional<double> beyond(const VariableDecl& variable, double lowest, double highest) {
  if (lowest < variable.min) return lowest;
  if (highest > variable.max) return highest;
  return std::nullopt;
}

}  // namespace

std::vector<RangeExcursion> range_excursions(const Scenario& scenario, const std::vector<MemberArrays>& months) {
  std::vector<RangeExcursion> found;
  const auto& state = scenario.layout->state();
  for (std::size_t slot = 0; slot < state.size(); ++slot) {
    if (state[slot].decl->internal) continue;
    for (std::size_t month = 0; month < months.size(); ++month) {
      const auto column = months[month].col(static_cast<Eigen::Index>(slot));
      if (const auto value = beyond(*state[slot].decl, column.minCoeff(), column.maxCoeff())) {
        found.push_back({static_cast<int>(slot), static_cast<int>(month), *value});
        break;
      }
    }
  }
  return found;
}

std::vector<RangeExcursion> range_excursions(const Scenario& scenario, const EnsembleResult& result) {
  std::vector<RangeExcursion> found;
  // The first month `slot` went beyond its range, given each month's extremes.
  const auto check = [&](int slot, int months, const auto& lowest, const auto& highest) {
    const VariableDecl& variable = *scenario.layout->state()[static_cast<std::size_t>(slot)].decl;
    for (int month = 0; month <= months; ++month)
      if (const auto value = beyond(variable, lowest(month), highest(month))) {
        found.push_back({slot, month, *value});
        return;
      }
  };
  for (std::size_t position = 0; position < result.band_slots.size(); ++position) {
    const auto at = static_cast<int>(position);
    check(
        result.band_slots[position], result.bands.months(),
        [&](int month) { return result.bands.quantile(month, at, 0); },
        [&](int month) { return result.bands.quantile(month, at, 1); });
  }
  const ValueExtremes& extremes = result.extremes;
  for (std::size_t position = 0; position < extremes.slots().size(); ++position) {
    const auto at = static_cast<int>(position);
    check(
        extremes.slots()[position], extremes.months(), [&](int month) { return extremes.minimum(month, at); },
        [&](int month) { return extremes.maximum(month, at); });
  }
  std::sort(found.begin(), found.end(),
            [](const RangeExcursion& a, const RangeExcursion& b) { return a.slot < b.slot; });
  return found;
}

std::string excursion_text(const Scenario& scenario, const RangeExcursion& excursion) {
  const VariableDecl& variable = *scenario.layout->state()[static_cast<std::size_t>(excursion.slot)].decl;
  return fmt::format(
      "{} left its declared range [{:g}, {:g}] in {} (month {}), at {:g}: the model was not built for values "
      "there, and bands beyond the range are coarse",
      scenario.layout->state_name(excursion.slot), variable.min, variable.max,
      scenario.date(excursion.month).to_string(), excursion.month, excursion.value);
}

}  // namespace steppe
