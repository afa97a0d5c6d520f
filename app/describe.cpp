#include "app/describe.hpp"

#include <fmt/format.h>

#include "engine/errors.hpp"
#include "engine/io/scenario_loader.hpp"

namespace steppe::app {

std::vector<ModelSummary> list_models() {
  const ModelRegistry& registry = ModelRegistry::instance();
  std::vector<ModelSummary> models;
  for (const std::string& name : registry.names()) {
    const ModelDeclaration& declaration = registry.find(name)->declaration();
    models.push_back({name, declaration.version, declaration.help});
  }
  return models;
}

const ModelDeclaration& describe_model(const std::string& name) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const Model* model = registry.find(name);
  if (!model) throw InputError({"<command line>"}, "model", unknown_name_message("model", name, registry.names()));
  return model->declaration();
}

NetworkReport describe_network(const std::string& scenario_file) {
  NetworkReport report{.scenario_file = scenario_file, .scenario = load_scenario(scenario_file)};
  if (!report.scenario->network)
    throw InputError({scenario_file}, "", fmt::format("model '{}' uses no network", report.scenario->model_name));
  const Network& network = *report.scenario->network;
  for (int partner = 0; partner < network.partner_count(); ++partner)
    report.routes.emplace_back(network.partners()[partner], network.routes(partner).size());
  report.control = network.control_reports();
  return report;
}

BuildInfo build_info(const std::string& version, bool mpi) { return {version, mpi, list_models()}; }

}  // namespace steppe::app
