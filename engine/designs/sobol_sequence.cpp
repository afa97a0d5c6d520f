// The Sobol-sequence design: the first `samples` points of the scrambled Sobol sequence of
// dimension k (scrambled_sobol_rows), a quasi-Monte Carlo sample. With a power of two of points
// every stratum of 1/samples of every factor holds exactly one point, and the points fill the
// cube more evenly than random ones do in every projection, so the given-data measures and
// scenario discovery see fewer gaps and clusters than in a Monte Carlo sweep of the same size.
// Its points are independent scenarios: analyzed like a Monte Carlo or Latin hypercube sweep, and
// policies can run against them.
#include <fmt/format.h>

#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class SobolSequence final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{
        "sobol_sequence",
        "the scrambled Sobol sequence: a quasi-Monte Carlo sample that fills the cube evenly",
        {"samples"},
        {Block::point},
        DesignAnalysis::given_data};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    const auto samples = static_cast<long long>(keys.whole_number("samples", 2, 1 << 26));
    // The sequence is balanced only at powers of two: any other count leaves strata empty.
    if (!is_power_of_two(samples))
      keys.fail("samples",
                fmt::format("a sobol_sequence design needs a power of two of samples; the nearest to {} is {}", samples,
                            nearest_power_of_two(samples)));
    settings.samples = static_cast<int>(samples);
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>&) const override {
    return std::uint64_t(settings.samples);
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t seed) const override {
    std::vector<DesignPoint> points;
    points.reserve(static_cast<std::size_t>(settings.samples));
    for (std::vector<double>& row : scrambled_sobol_rows(settings.samples, static_cast<int>(factors.size()), seed))
      points.push_back({Block::point, -1, -1, 0, -1, std::move(row)});
    return points;
  }
};

const SweepDesignRegistration<SobolSequence> registration;

}  // namespace

}  // namespace steppe
