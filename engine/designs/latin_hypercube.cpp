// The Latin hypercube design: `samples` points, one in each of `samples` equal strata of every
// factor (latin_hypercube_design), for the given-data measures, scenario discovery and policies ×
// scenarios.
#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class LatinHypercube final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{
        "latin_hypercube", "one point in each of `samples` equal strata of every factor, the strata paired at random",
        {"samples"}, {Block::point}, DesignAnalysis::given_data};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    settings.samples = static_cast<int>(keys.whole_number("samples", 1, 1 << 26));
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>&) const override {
    return std::uint64_t(settings.samples);
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t seed) const override {
    return latin_hypercube_design(settings.samples, static_cast<int>(factors.size()), seed);
  }
};

const SweepDesignRegistration<LatinHypercube> registration;

}  // namespace

}  // namespace steppe
