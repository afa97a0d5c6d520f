// The JSON of model descriptions, networks and the build (app/json.hpp).
#include "app/describe.hpp"

#include "app/json.hpp"

namespace steppe::app::json {

nlohmann::json declaration(const ModelDeclaration& d) {
  nlohmann::json out;
  out["name"] = d.name;
  out["version"] = d.version;
  out["help"] = d.help;
  out["uses_network"] = d.network.has_value();
  for (const auto& role : d.roles)
    out["roles"].push_back(
        {{"name", role.name},
         {"help", role.help},
         {"min_count", role.min_count},
         {"max_count", role.max_count < 0 ? nlohmann::json(nullptr) : nlohmann::json(role.max_count)}});
  for (const auto& v : d.variables)
    out["variables"].push_back({{"name", v.name},
                                {"role", v.role},
                                {"per", per_text(v)},
                                {"help", v.help},
                                {"unit", v.unit},
                                {"initial", v.initial},
                                {"actor_initials", v.actor_initials},
                                {"min", v.min},
                                {"max", v.max},
                                {"clipped", v.clipped},
                                {"derived_initial", v.derived_initial},
                                {"internal", v.internal},
                                {"source", v.source}});
  for (const auto& l : d.levers)
    out["levers"].push_back({{"name", l.name},
                             {"role", l.role},
                             {"domain", l.domain},
                             {"help", l.help},
                             {"unit", l.unit},
                             {"default", l.value},
                             {"actor_defaults", l.actor_values},
                             {"min", l.min},
                             {"max", l.max},
                             {"traits", l.traits},
                             {"source", l.source}});
  for (const auto& q : d.derived)
    out["derived"].push_back({{"name", q.name},
                              {"role", q.role},
                              {"per", per_text(q)},
                              {"help", q.help},
                              {"unit", q.unit},
                              {"source", q.source}});
  for (const auto& o : d.objectives)
    out["objectives"].push_back({{"role", o.role},
                                 {"term", o.name},
                                 {"weight", o.weight},
                                 {"quantity", o.quantity},
                                 {"help", o.help},
                                 {"source", o.source}});
  for (const auto& p : d.parameters)
    out["parameters"].push_back({{"name", p.name},
                                 {"role", p.role},
                                 {"per", p.per},
                                 {"help", p.help},
                                 {"unit", p.unit},
                                 {"default", p.value},
                                 {"actor_defaults", p.actor_values},
                                 {"min", p.min},
                                 {"max", p.max},
                                 {"choices", p.choices},
                                 {"source", p.source}});
  for (const auto& e : d.event_kinds)
    out["event_kinds"].push_back({{"name", e.name}, {"role", e.role}, {"help", e.help}, {"source", e.source}});
  for (const auto& e : d.random_events)
    out["random_events"].push_back({{"name", e.name},
                                    {"role", e.role},
                                    {"help", e.help},
                                    {"source", e.source},
                                    {"event_kind", e.event_kind},
                                    {"stream", e.stream},
                                    {"streams", e.streams}});
  out["default_outcomes"] = d.default_outcomes;
  return out;
}

nlohmann::json models(const std::vector<ModelSummary>& models) {
  nlohmann::json out = nlohmann::json::array();
  for (const ModelSummary& model : models) out.push_back({{"name", model.name}, {"help", model.help}});
  return out;
}

nlohmann::json network(const NetworkReport& report) {
  nlohmann::json out;
  out["scenario"] = report.scenario_file;
  for (const auto& [partner, routes] : report.routes) out["routes"][partner] = routes;
  for (const auto& control : report.control)
    out["control"].push_back({{"neighbor", control.neighbor},
                              {"partner", control.partner},
                              {"capacity_share", control.capacity_share},
                              {"betweenness", control.betweenness}});
  return out;
}

nlohmann::json build(const BuildInfo& info) {
  nlohmann::json document = {{"name", "steppe"}, {"version", info.version}, {"mpi", info.mpi}};
  document["models"] = nlohmann::json::array();
  for (const ModelSummary& model : info.models)
    document["models"].push_back({{"name", model.name}, {"version", model.version}});
  return document;
}

}  // namespace steppe::app::json
