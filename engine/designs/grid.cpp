// The grid design: every combination of `levels` levels of each factor given as a range (both
// ends and the middle by default) and of every value of each list factor (grid_design).
#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class Grid final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{
        "grid",
        "every combination of `levels` levels of each range factor and of each list factor's values",
        {"levels"},
        {Block::point},
        DesignAnalysis::given_data};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    settings.levels = keys.has("levels") ? static_cast<int>(keys.whole_number("levels", 1, 1000)) : 3;
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>& factors) const override {
    std::uint64_t points = 1;
    for (const Uncertainty& factor : factors) {
      const std::size_t values = factor.distribution.discrete_values();
      points *= values > 0 ? values : std::uint64_t(settings.levels);
      if (points > (std::uint64_t{1} << 40)) break;  // far beyond any sweep; stops an overflow
    }
    return points;
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t) const override {
    std::vector<int> levels;
    std::vector<bool> list_factor;
    for (const Uncertainty& factor : factors) {
      const std::size_t values = factor.distribution.discrete_values();
      list_factor.push_back(values > 0);
      levels.push_back(values > 0 ? static_cast<int>(values) : settings.levels);
    }
    return grid_design(levels, list_factor);
  }
};

const SweepDesignRegistration<Grid> registration;

}  // namespace

}  // namespace steppe
