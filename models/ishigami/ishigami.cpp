// The Ishigami function, the standard check of Sobol indices (Ishigami & Homma 1990; Saltelli et
// al. 2008): y = sin x1 + a sin² x2 + b x3⁴ sin x1, with x1, x2, x3 uniform on [−π, π]. For
// a = 7, b = 0.1 the indices are known in closed form: first order S1 = 0.3139, 0.4424, 0 and
// total ST = 0.5576, 0.4424, 0.2437 (x3 acts only through its interaction with x1). The sweep
// tests reproduce them through the same code path as the flagship model's sweeps. `shift` adds a
// constant, which changes no index: with shift = 1000 (mean/sd ≈ 270) it tells estimators that
// centre the outputs from those that do not.
#include <cmath>
#include <numbers>

#include "models/function_model/function_model.hpp"

namespace steppe {

namespace {

constexpr double pi = std::numbers::pi;

class IshigamiModel : public FunctionModel {
 public:
  IshigamiModel()
      : FunctionModel(
            "ishigami",
            "Test function for sensitivity analysis: y = sin x1 + a sin² x2 + b x3⁴ sin x1 "
            "(Ishigami–Homma), with known Sobol indices",
            {ParameterDecl{.name = "x1",
                           .help = "first input, uniform on [-pi, pi] in the standard test",
                           .value = 0,
                           .min = -pi,
                           .max = pi},
             ParameterDecl{.name = "x2", .help = "second input", .value = 0, .min = -pi, .max = pi},
             ParameterDecl{.name = "x3",
                           .help = "third input: acts only through its interaction with x1",
                           .value = 0,
                           .min = -pi,
                           .max = pi},
             ParameterDecl{
                 .name = "a", .help = "weight of sin² x2 (7 in the standard test)", .value = 7, .min = 0, .max = 100},
             ParameterDecl{.name = "b",
                           .help = "weight of x3⁴ sin x1 (0.1 in the standard test)",
                           .value = 0.1,
                           .min = 0,
                           .max = 10},
             ParameterDecl{.name = "shift",
                           .help = "a constant added to y (0 in the standard test)",
                           .value = 0,
                           .min = -1e6,
                           .max = 1e6}},
            [](const std::vector<double>& x) {
              const double x1 = x[0], x2 = x[1], x3 = x[2], a = x[3], b = x[4], shift = x[5];
              return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1) + shift;
            },
            -1e6, 1e6) {}
};

ModelRegistration<IshigamiModel> registration;

}  // namespace

}  // namespace steppe
