// The Morris design: `trajectories` one-factor-at-a-time walks on a grid of `levels` levels
// (even, default 4), for elementary-effects screening (morris_design).
#include <fmt/format.h>

#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class Morris final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{
        "morris",
        "trajectories that move one factor at a time on a grid, for elementary-effects screening",
        {"trajectories", "levels"},
        {Block::morris},
        DesignAnalysis::elementary_effects};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    settings.trajectories = static_cast<int>(keys.whole_number("trajectories", 1, 1 << 20));
    settings.levels = 4;
    if (keys.has("levels")) {
      settings.levels = static_cast<int>(keys.whole_number("levels", 2, 1000));
      if (settings.levels % 2 != 0)
        keys.fail("levels", fmt::format("Morris levels must be even, got {}", settings.levels));
    }
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>& factors) const override {
    return std::uint64_t(settings.trajectories) * (factors.size() + 1);
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t seed) const override {
    return morris_design(settings.trajectories, settings.levels, static_cast<int>(factors.size()), seed);
  }
};

const SweepDesignRegistration<Morris> registration;

}  // namespace

}  // namespace steppe
