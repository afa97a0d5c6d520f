// The function models' shared declaration and kernel: y = f(x) for every member, from the
// member's own inputs when they vary, plus noise from its own stream when the model has some.
#include "models/function_model/function_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace steppe {

namespace {

class FunctionKernel final : public Kernel {
 public:
  FunctionKernel(std::vector<int> input_slots, std::vector<double> inputs, int y_slot, FunctionModel::Function f,
                 int noise_input, const RandomEventDecl* noise)
      : input_slots_(std::move(input_slots)),
        inputs_(std::move(inputs)),
        y_slot_(y_slot),
        f_(std::move(f)),
        noise_input_(noise_input),
        noise_(noise) {}

  void initialize(const StepContext& context, MemberArrays& state) const override { evaluate(context, state); }
  void apply_events(const StepContext&, MemberArrays&) const override {}
  void advance(const StepContext& context, MemberArrays& state) const override { evaluate(context, state); }

 private:
  // y = f(x) for every member, with the member's own inputs when they vary, plus its noise.
  void evaluate(const StepContext& context, MemberArrays& state) const {
    std::vector<double> x = inputs_;
    for (Eigen::Index member = 0; member < state.rows(); ++member) {
      if (context.parameters)
        for (std::size_t input = 0; input < x.size(); ++input)
          x[input] = (*context.parameters)(member, input_slots_[input]);
      double y = f_(x);
      if (noise_input_ >= 0 && context.stochastic)
        y += x[static_cast<std::size_t>(noise_input_)] * standard_normal(context, *noise_, member);
      state(member, y_slot_) = y;
    }
  }

  // Box–Muller from the member's draws of the noise's two streams this month.
  static double standard_normal(const StepContext& context, const RandomEventDecl& noise, Eigen::Index member) {
    const double u1 = context.random_stream(noise, 0)(member), u2 = context.random_stream(noise, 1)(member);
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }

  std::vector<int> input_slots_;
  std::vector<double> inputs_;
  int y_slot_;
  FunctionModel::Function f_;
  int noise_input_;
  const RandomEventDecl* noise_;  // with noise_input_
};

}  // namespace

FunctionModel::FunctionModel(std::string name, std::string help, std::vector<ParameterDecl> inputs, Function f,
                             double y_min, double y_max, std::string noise_input)
    : f_(std::move(f)) {
  const auto noise =
      std::find_if(inputs.begin(), inputs.end(), [&](const ParameterDecl& input) { return input.name == noise_input; });
  if (!noise_input.empty() && noise == inputs.end())
    throw std::logic_error("function model " + name + ": no input " + noise_input + " for the noise");
  if (!noise_input.empty()) noise_input_ = static_cast<int>(noise - inputs.begin());
  const std::string source = "docs/sweeps.md, test functions";
  for (ParameterDecl& input : inputs)
    if (input.source.empty()) input.source = source;
  declaration_ = ModelDeclaration{.name = std::move(name),
                                  .version = "1",
                                  .help = std::move(help),
                                  .variables = {VariableDecl{.name = "y",
                                                             .role = "system",
                                                             .help = "the function's value at the member's inputs",
                                                             .unit = "value",
                                                             .min = y_min,
                                                             .max = y_max,
                                                             .clipped = false,
                                                             .derived_initial = true,
                                                             .source = source}},
                                  .parameters = std::move(inputs),
                                  .default_outcomes = {"system.y.final"},
                                  .chart_panels = {ChartPanelDecl{.title = "f(x)", .variable = "y"}},
                                  .per_member_parameters = true};
  if (noise_input_ >= 0)
    declaration_.random_events = {
        RandomEventDecl{.name = "noise",
                        .role = "system",
                        .help = "the noise added to y: " + noise_input + " * z, z standard normal (Box-Muller)",
                        .source = source,
                        .stream = 0,
                        .streams = 2}};
}

std::unique_ptr<Kernel> FunctionModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                               const Network*) const {
  std::vector<int> slots;
  std::vector<double> values;
  for (const ParameterDecl& input : declaration_.parameters) {
    const int slot = layout.parameter_index("", input.name);
    if (slot < 0) throw std::logic_error(declaration_.name + ": no parameter " + input.name);
    slots.push_back(slot);
    values.push_back(parameters.at(slot));
  }
  const int y = layout.state_index("system", "y");
  if (y < 0) throw std::logic_error(declaration_.name + ": no state slot system.y");
  const RandomEventDecl* noise = noise_input_ >= 0 ? declaration_.find_random_event("noise") : nullptr;
  return std::make_unique<FunctionKernel>(std::move(slots), std::move(values), y, f_, noise_input_, noise);
}

}  // namespace steppe
