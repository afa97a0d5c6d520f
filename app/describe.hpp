// The use cases that say what steppe holds: the registered models, one model's declaration table
// (roles, state, levers, derived quantities, parameters, events), a scenario's network of routes, and which build
// this is. Results only; app/json.hpp makes their JSON and the faces print their tables.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "engine/network.hpp"
#include "engine/scenario.hpp"

namespace steppe::app {

struct ModelSummary {
  std::string name, version, help;
};

// Every registered model, by name.
std::vector<ModelSummary> list_models();

// The declaration of the model named; InputError (with "did you mean") for an unknown name.
const ModelDeclaration& describe_model(const std::string& name);

struct NetworkReport {
  std::string scenario_file;
  std::shared_ptr<const Scenario> scenario;                 // holds the network the report is of
  std::vector<std::pair<std::string, std::size_t>> routes;  // per partner: its routes to the focal state
  std::vector<Network::ControlReport> control;              // per neighbor and partner
};

// The scenario's network: each partner's routes, and the share of each partner's route capacity
// a neighbor controls. InputError when the scenario's model uses no network.
NetworkReport describe_network(const std::string& scenario_file);

struct BuildInfo {
  std::string version;
  bool mpi = false;  // can spread sweeps over MPI ranks
  std::vector<ModelSummary> models;
};

// `version` and `mpi` are the face's build's (the steppe program's compile definitions).
BuildInfo build_info(const std::string& version, bool mpi);

}  // namespace steppe::app
