#include "engine/range_excursions.hpp"

#include <fmt/format.h>

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
  for (std::size_t position = 0; position < result.band_slots.size(); ++position) {
    const int slot = result.band_slots[position];
    for (int month = 0; month <= result.bands.months(); ++month) {
      const auto at = static_cast<int>(position);
      if (const auto value = beyond(*scenario.layout->state()[static_cast<std::size_t>(slot)].decl,
                                    result.bands.quantile(month, at, 0), result.bands.quantile(month, at, 1))) {
        found.push_back({slot, month, *value});
        break;
      }
    }
  }
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
