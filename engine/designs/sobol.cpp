// The Sobol (Saltelli) design: N base rows of a scrambled Sobol sequence laid out as Saltelli's
// matrices A, B and AB_i (and BA_i with `second_order`), for Sobol indices (saltelli_design).
#include <fmt/format.h>

#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class Sobol final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{
        "sobol",
        "Saltelli's A, B and AB_i blocks of a scrambled Sobol sequence, for Sobol indices",
        {"samples", "second_order"},
        {Block::a, Block::b, Block::ab, Block::ba},
        DesignAnalysis::sobol_indices};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    const auto samples = static_cast<long long>(keys.whole_number("samples", 2, 1 << 24));
    if (!is_power_of_two(samples))
      keys.fail("samples", fmt::format("a Sobol design needs a power of two of samples; the nearest to {} is {}",
                                       samples, nearest_power_of_two(samples)));
    settings.samples = static_cast<int>(samples);
    if (keys.has("second_order")) settings.second_order = keys.boolean("second_order");
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>& factors) const override {
    const std::uint64_t k = factors.size();
    return std::uint64_t(settings.samples) * (settings.second_order ? 2 * k + 2 : k + 2);
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t seed) const override {
    return saltelli_design(settings.samples, static_cast<int>(factors.size()), settings.second_order, seed);
  }
};

const SweepDesignRegistration<Sobol> registration;

}  // namespace

}  // namespace steppe
