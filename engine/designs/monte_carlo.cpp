// The Monte Carlo design: `samples` points drawn uniformly at random (monte_carlo_design), for
// the given-data measures, scenario discovery and policies × scenarios.
#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class MonteCarlo final : public SampledDesign {
 public:
  MonteCarlo() : SampledDesign("monte_carlo", "points drawn uniformly at random", monte_carlo_design) {}
};

const SweepDesignRegistration<MonteCarlo> registration;

}  // namespace

}  // namespace steppe
