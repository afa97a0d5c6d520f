// The third_neighbor parameters' declarations and their binding, both made from the lists in
// parameters.hpp.
#include "models/third_neighbor/parameters.hpp"

#include <stdexcept>

namespace steppe::third_neighbor {

namespace {

Coefficient coefficient_named(const Layout& layout, const std::vector<double>& values, const std::string& actor,
                              const std::string& name) {
  const int slot = layout.parameter_index(actor, name);
  if (slot < 0) throw std::logic_error("third_neighbor: no parameter " + Layout::full_name(actor, name));
  return Coefficient{values.at(static_cast<std::size_t>(slot)), slot};
}

}  // namespace

std::vector<ParameterDecl> parameter_declarations() {
  const std::string calibrated = "docs/model.md §7.2 (calibrated to the stylized facts)";
  return {
#define STEPPE_THIRD_NEIGHBOR_DECLARE(parameter_name, default_value, lowest, highest, parameter_unit, parameter_help) \
  ParameterDecl{.name = #parameter_name,                                                                              \
                .help = parameter_help,                                                                               \
                .unit = parameter_unit,                                                                               \
                .value = default_value,                                                                               \
                .min = lowest,                                                                                        \
                .max = highest,                                                                                       \
                .source = calibrated},
      STEPPE_THIRD_NEIGHBOR_GLOBAL_PARAMETERS(STEPPE_THIRD_NEIGHBOR_DECLARE)
#undef STEPPE_THIRD_NEIGHBOR_DECLARE
#define STEPPE_THIRD_NEIGHBOR_DECLARE(parameter_name, china, russia, other, lowest, highest, parameter_unit, \
                                      parameter_help, parameter_source)                                      \
  ParameterDecl{.name = #parameter_name,                                                                     \
                .role = "neighbor",                                                                          \
                .help = parameter_help,                                                                      \
                .unit = parameter_unit,                                                                      \
                .value = other,                                                                              \
                .actor_values = {{"CHN", china}, {"RUS", russia}},                                           \
                .min = lowest,                                                                               \
                .max = highest,                                                                              \
                .source = parameter_source},
          STEPPE_THIRD_NEIGHBOR_NEIGHBOR_PARAMETERS(STEPPE_THIRD_NEIGHBOR_DECLARE)
#undef STEPPE_THIRD_NEIGHBOR_DECLARE
  };
}

Globals bind_globals(const Layout& layout, const std::vector<double>& values) {
  Globals globals;
#define STEPPE_THIRD_NEIGHBOR_BIND(parameter_name, ...) \
  globals.parameter_name = coefficient_named(layout, values, "", #parameter_name);
  STEPPE_THIRD_NEIGHBOR_GLOBAL_PARAMETERS(STEPPE_THIRD_NEIGHBOR_BIND)
#undef STEPPE_THIRD_NEIGHBOR_BIND
  return globals;
}

NeighborParameters bind_neighbor_parameters(const Layout& layout, const std::vector<double>& values,
                                            const std::string& neighbor) {
  NeighborParameters parameters;
#define STEPPE_THIRD_NEIGHBOR_BIND(parameter_name, ...) \
  parameters.parameter_name = coefficient_named(layout, values, neighbor, #parameter_name);
  STEPPE_THIRD_NEIGHBOR_NEIGHBOR_PARAMETERS(STEPPE_THIRD_NEIGHBOR_BIND)
#undef STEPPE_THIRD_NEIGHBOR_BIND
  return parameters;
}

}  // namespace steppe::third_neighbor
