// The Latin hypercube design: `samples` points, one in each of `samples` equal strata of every
// factor (latin_hypercube_design), for the given-data measures, scenario discovery and policies ×
// scenarios.
#include "engine/sweep_design.hpp"

namespace steppe {

namespace {

class LatinHypercube final : public SampledDesign {
 public:
  LatinHypercube()
      : SampledDesign("latin_hypercube",
                      "one point in each of `samples` equal strata of every factor, the strata paired at random",
                      latin_hypercube_design) {}
};

const SweepDesignRegistration<LatinHypercube> registration;

}  // namespace

}  // namespace steppe
