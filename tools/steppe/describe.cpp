// `steppe describe`: a model's declaration table (roles, state variables, levers, derived
// quantities, parameters, event kinds, random events) for people, wrapped to the terminal, or as
// JSON; the list of models; or a scenario's network report.
#include "app/describe.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "app/json.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

std::string compact(double value) { return fmt::format("{:g}", value); }

// "0.2" or "2 (CHN 2, RUS 2.4)" when the default depends on the actor.
std::string default_text(double value, const ActorDefaults& by_actor) {
  std::string text = compact(value);
  if (by_actor.empty()) return text;
  std::string parts;
  for (const auto& [actor, actor_value] : by_actor)
    parts += (parts.empty() ? "" : ", ") + actor + " " + compact(actor_value);
  return text + " (" + parts + ")";
}

std::string range_text(double min, double max) { return fmt::format("[{}, {}]", compact(min), compact(max)); }

// `text` wrapped to `width`, each line ending in a newline.
std::string wrapped(const std::string& text, std::size_t width) {
  std::string out;
  for (const std::string& line : wrap_text(text, width)) out += line + "\n";
  return out;
}

void print_declaration(const ModelDeclaration& d, std::size_t width) {
  std::cout << wrapped(fmt::format("{} (version {}): {}", d.name, d.version, d.help), width) << "\n";

  Table roles({"role", "actors", "meaning"});
  for (const auto& role : d.roles)
    roles.add_row({role.name,
                   role.max_count < 0                 ? fmt::format("{}+", role.min_count)
                   : role.min_count == role.max_count ? std::to_string(role.min_count)
                                                      : fmt::format("{}-{}", role.min_count, role.max_count),
                   role.help});
  std::cout << "Roles\n" << roles.render(width) << "\n";

  Table variables({"variable", "owner", "initial", "range", "unit", "meaning", "article"});
  for (const auto& v : d.variables) {
    if (v.internal) continue;
    const std::string name = v.per == Per::owner ? v.name : fmt::format("{}.<{}>", v.name, per_text(v));
    const std::string initial = v.derived_initial     ? "derived"
                                : v.per == Per::lever ? "lever default"
                                                      : default_text(v.initial, v.actor_initials);
    variables.add_row({name, v.role, initial, range_text(v.min, v.max), v.unit, v.help, v.source});
  }
  std::cout << "State variables (ACTOR.variable)\n" << variables.render(width) << "\n";

  if (!d.levers.empty()) {
    Table levers({"lever", "role", "domain", "default", "range", "traits", "meaning", "article"});
    for (const auto& l : d.levers) {
      std::string traits;
      for (const auto& [name, value] : l.traits) traits += (traits.empty() ? "" : " ") + name + "=" + compact(value);
      levers.add_row({l.name, l.role, l.domain, default_text(l.value, l.actor_values), range_text(l.min, l.max), traits,
                      l.help, l.source});
    }
    std::cout << "Levers (ACTOR.lever)\n" << levers.render(width) << "\n";
  }

  if (!d.derived.empty()) {
    Table derived({"quantity", "owner", "unit", "meaning", "defined in"});
    for (const auto& q : d.derived)
      derived.add_row({q.per == Per::owner ? q.name : fmt::format("{}.<{}>", q.name, per_text(q)), q.role, q.unit,
                       q.help, q.source});
    std::cout << "Derived quantities (ACTOR.name, written by run --explain)\n" << derived.render(width) << "\n";
  }

  Table parameters({"parameter", "per", "default", "range", "unit", "meaning"});
  for (const auto& p : d.parameters) {
    std::string name = p.per.empty() ? p.name : fmt::format("{}.<{}>", p.name, p.per);
    std::string value = default_text(p.value, p.actor_values);
    if (!p.choices.empty()) {
      std::string choices;
      for (const auto& choice : p.choices) choices += (choices.empty() ? "" : "|") + choice;
      value = p.choices.at(static_cast<std::size_t>(p.value)) + " (" + choices + ")";
    }
    parameters.add_row({name, p.role.empty() ? "global" : p.role, value, range_text(p.min, p.max), p.unit, p.help});
  }
  std::cout << "Parameters (name, or ACTOR.name per actor)\n" << parameters.render(width) << "\n";

  if (!d.event_kinds.empty()) {
    Table events({"event", "happens to", "meaning", "article"});
    for (const auto& e : d.event_kinds) events.add_row({e.name, e.role, e.help, e.source});
    std::cout << "Event kinds ({at: DATE, event: NAME, actor: ACTOR})\n" << events.render(width) << "\n";
  }
  if (!d.random_events.empty()) {
    Table events({"event", "happens to", "drawn", "meaning", "article"});
    for (const auto& e : d.random_events) {
      const std::string drawn = !e.event_kind.empty() ? "at each " + e.event_kind
                                : e.streams == 1
                                    ? fmt::format("every month (stream {})", e.stream)
                                    : fmt::format("every month (streams {}-{})", e.stream, e.stream + e.streams - 1);
      events.add_row({e.name, e.role, drawn, e.help, e.source});
    }
    std::cout << "Random events (in stochastic runs)\n" << events.render(width) << "\n";
  }
  if (!d.objectives.empty()) {
    Table objectives({"role", "term", "weight", "measures", "meaning", "article"});
    for (const auto& o : d.objectives)
      objectives.add_row({o.role, o.name, compact(o.weight), o.quantity, o.help, o.source});
    std::cout << "Objectives (what a controller looks ahead for; weights by default)\n"
              << objectives.render(width) << "\n";
  }
  std::string outcomes;
  for (const auto& outcome : d.default_outcomes) outcomes += "  " + outcome + "\n";
  std::cout << "Default outcomes\n" << outcomes;
}

int describe_network(const DescribeOptions& options, std::size_t width) {
  const app::NetworkReport report = app::describe_network(options.network);
  if (options.json) {
    std::cout << app::json::network(report).dump(2) << "\n";
    return 0;
  }
  Table routes({"partner", "routes"});
  for (const auto& [partner, count] : report.routes) routes.add_row({partner, std::to_string(count)});
  std::cout << "Routes to the focal state\n" << routes.render(width) << "\n";
  Table control({"neighbor", "partner", "capacity share", "betweenness"});
  for (const auto& row : report.control)
    control.add_row(
        {row.neighbor, row.partner, format_for_people(row.capacity_share), format_for_people(row.betweenness)});
  std::cout << wrapped("Share of each partner's route capacity a neighbor controls (max-flow without it)", width)
            << control.render(width);
  return 0;
}

int describe_command(const DescribeOptions& options) {
  // Wrapped to the terminal: the declarations' help texts run to hundreds of characters.
  const std::size_t width = terminal_width();
  if (!options.network.empty()) return describe_network(options, width);
  if (options.model.empty()) {
    const std::vector<app::ModelSummary> models = app::list_models();
    if (options.json) {
      std::cout << app::json::models(models).dump(2) << "\n";
      return 0;
    }
    Table table({"model", "version", "description"});
    for (const app::ModelSummary& model : models) table.add_row({model.name, model.version, model.help});
    std::cout << table.render(width) << "\nsteppe describe MODEL shows one in full.\n";
    return 0;
  }
  const ModelDeclaration& declaration = app::describe_model(options.model);
  if (options.json)
    std::cout << app::json::declaration(declaration).dump(2) << "\n";
  else
    print_declaration(declaration, width);
  return 0;
}

const CommandRegistration describe_registration(30, [](CLI::App& app) {
  auto options = std::make_shared<DescribeOptions>();
  DescribeOptions& describe = *options;
  auto* describe_app = app.add_subcommand("describe", "Describe a model: roles, state, levers, parameters, events");
  describe_app->add_option("model", describe.model, "Model name (omit to list the models)");
  describe_app
      ->add_option("--network", describe.network,
                   "Report a scenario's network: routes, each neighbor's share of route capacity, betweenness")
      ->type_name("SCENARIO");
  describe_app->add_flag("--json", describe.json, "Machine-readable output");
  return Command{describe_app, [options](const std::string&) { return describe_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
