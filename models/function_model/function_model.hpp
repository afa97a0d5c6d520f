// Test functions as models: y = f(x) with the inputs x as parameters, so that sensitivity
// analyses can be checked against functions whose indices are known analytically, through
// exactly the code path a real model's sweep takes (loader, per-member parameters, runner,
// database, estimators).
//
// A function model has no actors, one system-level state variable `y` (f at the member's
// inputs, the same every month), and one global parameter per input, declared as every model
// declares its parameters (a ParameterDecl with designated initializers; the source defaults to
// the test functions' section of docs/sweeps.md). A model may name one input the standard
// deviation of noise: in stochastic runs y = f(x) + noise · z, with z standard normal from the
// member's own streams each month (the declared random event `noise`) — a stochastic outcome
// whose mean response and noise are both known, for checking how analyses separate the two. A
// model folder defines the inputs and f and registers a FunctionModel; see models/ishigami and
// models/linear_effects. This folder holds no model of its own, hence no example.yaml.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/model.hpp"

namespace steppe {

class FunctionModel : public Model {
 public:
  // f receives the inputs in the order they were declared.
  using Function = std::function<double(const std::vector<double>&)>;

  FunctionModel(std::string name, std::string help, std::vector<ParameterDecl> inputs, Function f, double y_min,
                double y_max, std::string noise_input = "");
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>& parameters,
                                  const Network* network) const override;

 private:
  ModelDeclaration declaration_;
  Function f_;
  int noise_input_ = -1;  // index into the inputs, or -1 for a deterministic function
};

}  // namespace steppe
