// The Sobol G function (Sobol' 1993; Saltelli et al. 2008, §3.6), a standard check of Sobol
// indices: y = Π_i (|4 x_i − 2| + a_i) / (1 + a_i), x_i uniform on [0, 1]. Each factor's partial
// variance is V_i = 1 / (3 (1 + a_i)²) and V = Π (1 + V_i) − 1, so S1_i = V_i / V and
// ST_i = V_i Π_{j≠i} (1 + V_j) / V are known in closed form. With a = (0, 1, 4.5, 9, 99, 99)
// the factors range from important (x1: S1 = 0.586) to negligible (x5, x6: 0.0001), with
// interactions throughout (ST > S1).
#include <cmath>
#include <vector>

#include "models/function_model/function_model.hpp"

namespace steppe {

namespace {

class SobolGModel : public FunctionModel {
 public:
  SobolGModel()
      : FunctionModel(
            "sobol_g",
            "Test function for sensitivity analysis: y = prod (|4 x_i - 2| + a_i) / (1 + a_i) (Sobol's G), "
            "with known Sobol indices",
            {ParameterDecl{
                 .name = "x1", .help = "input with a = 0: the most important", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x2", .help = "input with a = 1", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x3", .help = "input with a = 4.5", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x4", .help = "input with a = 9", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x5", .help = "input with a = 99: negligible", .value = 0.5, .min = 0, .max = 1},
             ParameterDecl{.name = "x6", .help = "input with a = 99: negligible", .value = 0.5, .min = 0, .max = 1}},
            [](const std::vector<double>& x) {
              constexpr double a[] = {0, 1, 4.5, 9, 99, 99};
              double y = 1;
              for (std::size_t i = 0; i < 6; ++i) y *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
              return y;
            },
            0, 1e6) {}
};

ModelRegistration<SobolGModel> registration;

}  // namespace

}  // namespace steppe
