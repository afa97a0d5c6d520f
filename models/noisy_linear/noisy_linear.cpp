// A stochastic test function: y = x1 + 2 x2 + noise · z, with z standard normal drawn from the
// member's own stream in stochastic runs, and x3 an input that enters nothing. With x1, x2
// uniform on [0, 1] the mean response has V_f = 1/12 + 4/12 = 5/12, so S1 = ST = 0.2, 0.8, 0;
// one run's variance is V_f + noise², so the share of it that is noise is noise² / (5/12 +
// noise²). The sweep analyses must find x3 inert however large the noise.
#include <vector>

#include "models/function_model/function_model.hpp"

namespace steppe {

namespace {

class NoisyLinearModel : public FunctionModel {
 public:
  NoisyLinearModel()
      : FunctionModel(
            "noisy_linear",
            "Stochastic test function: y = x1 + 2 x2 + noise z (z standard normal in stochastic runs); x3 "
            "does nothing",
            {ParameterDecl{.name = "x1", .help = "first input", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x2", .help = "second input, twice the weight", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x3", .help = "an input that enters nothing", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "noise",
                           .help = "standard deviation of the noise in stochastic runs",
                           .value = 1,
                           .min = 0,
                           .max = 100}},
            [](const std::vector<double>& x) { return x[0] + 2 * x[1]; }, -1e6, 1e6, "noise") {}
};

ModelRegistration<NoisyLinearModel> registration;

}  // namespace

}  // namespace steppe
