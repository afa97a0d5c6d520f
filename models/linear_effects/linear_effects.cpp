// A screening test function with known elementary effects, for the Morris method:
// y = 10 x1 + 5 x2 + x3 + 2 x1 x3 (x4 has no effect), inputs on [0, 1]. The elementary effect of
// x1 is 10 + 2 x3 (mean 11, varies with x3), of x2 exactly 5, of x3 1 + 2 x1 (mean 2), of x4
// zero, so Morris must rank them x1, x2, x3, x4 by μ*, with σ > 0 only for x1 and x3.
#include <vector>

#include "models/function_model/function_model.hpp"

namespace steppe {

namespace {

class LinearEffectsModel : public FunctionModel {
 public:
  LinearEffectsModel()
      : FunctionModel(
            "linear_effects",
            "Test function for screening: y = 10 x1 + 5 x2 + x3 + 2 x1 x3, with known elementary "
            "effects (x4 has none)",
            {ParameterDecl{
                 .name = "x1", .help = "strongest input, interacting with x3", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x2", .help = "linear input", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x3", .help = "weak input, interacting with x1", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x4", .help = "input without effect", .value = 0.5, .min = 0, .max = 1}},
            [](const std::vector<double>& x) { return 10 * x[0] + 5 * x[1] + x[2] + 2 * x[0] * x[2]; }, -1e6, 1e6) {}
};

ModelRegistration<LinearEffectsModel> registration;

}  // namespace

}  // namespace steppe
