// The deterrence declaration: roles, state variables, parameters, levers, the summit event, the
// border incidents, the default outcomes and the chart. This one table validates scenarios, answers `steppe describe`,
// accepts `--set` and builds the wargame's move menus; the kernel looks its slots up by name.
#include "models/deterrence/deterrence.hpp"

namespace steppe::deterrence {

namespace {

ModelDeclaration make_declaration() {
  const std::string guide = "docs/writing-a-model.md (the template model)";
  ModelDeclaration d{.name = "deterrence",
                     .version = "1",
                     .help =
                         "Template model: two rivals arm against each other while a guarantor's backed "
                         "commitment damps their reaction (docs/writing-a-model.md).",
                     .per_member_parameters = true};

  d.roles = {
      RoleDecl{.name = "rival", .help = "a state arming against the other rival", .min_count = 2, .max_count = 2},
      RoleDecl{.name = "guarantor",
               .help = "an outside power committed to the status quo between the rivals",
               .min_count = 1,
               .max_count = 1},
  };

  d.variables = {
      VariableDecl{.name = "arms",
                   .role = "rival",
                   .help = "the rival's armament, 1 its ceiling",
                   .unit = "share (0–1)",
                   .initial = 0.2,
                   .source = guide},
      VariableDecl{.name = "credibility",
                   .role = "guarantor",
                   .help = "how far the rivals believe the guarantor would act",
                   .unit = "share (0–1)",
                   .initial = 0.5,
                   .source = guide},
      VariableDecl{.name = "tension",
                   .role = "system",
                   .help = "risk of escalation between the rivals",
                   .unit = "share (0–1)",
                   .initial = 0.1,
                   .source = guide},
      // A diagnostic the kernel writes, not a state a scenario could start from.
      VariableDecl{.name = "incident",
                   .role = "system",
                   .help = "diagnostic: 1 in a month with a border incident, else 0",
                   .unit = "indicator (0 or 1)",
                   .derived_initial = true,
                   .source = guide},
  };

  d.parameters = {
      // Per rival (addressed NORTH.reaction), and the one a scenario typically makes uncertain.
      ParameterDecl{.name = "reaction",
                    .role = "rival",
                    .help = "how fast the rival arms in reaction to the other's arms",
                    .unit = "1/month",
                    .value = 0.08,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "buildup_rate",
                    .help = "how fast deliberate buildup raises arms",
                    .unit = "1/month",
                    .value = 0.05,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "fatigue",
                    .help = "how fast arms decay on their own",
                    .unit = "1/month",
                    .value = 0.04,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "deterrence",
                    .help = "how far full credibility damps the rivals' reaction",
                    .value = 0.8,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "credibility_lag",
                    .help = "months for credibility to follow the backed commitment",
                    .unit = "months",
                    .value = 6,
                    .min = 1,
                    .max = 120,
                    .source = guide},
      ParameterDecl{.name = "tension_rate",
                    .help = "how fast arms and presence raise tension",
                    .unit = "1/month",
                    .value = 0.1,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "tension_decay",
                    .help = "how fast tension relaxes",
                    .unit = "1/month",
                    .value = 0.08,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "provocation",
                    .help = "tension raised by the guarantor's presence, relative to arms",
                    .value = 0.3,
                    .min = 0,
                    .max = 5,
                    .source = guide},
      ParameterDecl{.name = "incident_base",
                    .help = "monthly probability of a border incident at zero tension",
                    .unit = "probability",
                    .value = 0.01,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "incident_sensitivity",
                    .help = "added monthly probability of an incident per unit of tension",
                    .unit = "probability",
                    .value = 0.1,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "incident_jump",
                    .help = "tension added by an incident",
                    .value = 0.2,
                    .min = 0,
                    .max = 1,
                    .source = guide},
      ParameterDecl{.name = "summit_relief",
                    .help = "share of the tension a summit removes",
                    .value = 0.5,
                    .min = 0,
                    .max = 1,
                    .source = guide},
  };

  d.levers = {
      LeverDecl{.name = "buildup",
                .role = "rival",
                .domain = "defense",
                .help = "deliberate armament effort beyond reacting to the other",
                .unit = "setting",
                .value = 0.2,
                .source = guide},
      LeverDecl{.name = "commitment",
                .role = "guarantor",
                .domain = "diplomatic",
                .help = "declared commitment to the status quo",
                .unit = "setting",
                .value = 0.5,
                .source = guide},
      LeverDecl{.name = "presence",
                .role = "guarantor",
                .domain = "defense",
                .help = "forward presence that backs the commitment, and provokes",
                .unit = "setting",
                .value = 0.3,
                .source = guide},
  };

  // In the order of EventKind.
  d.event_kinds = {
      EventKindDecl{.name = "summit",
                    .role = "guarantor",
                    .help = "a summit the guarantor convenes: tension falls by summit_relief",
                    .source = guide},
  };
  // Drawn by the kernel in stochastic runs, from the members' stream 0.
  d.random_events = {
      RandomEventDecl{.name = "incident",
                      .role = "system",
                      .help = "a border incident: strikes with probability incident_base + incident_sensitivity "
                              "* tension and adds incident_jump to tension",
                      .source = guide,
                      .stream = 0},
  };
  d.default_outcomes = {"{rival}.arms.final", "{rival}.arms.max", "{guarantor}.credibility.final", "system.tension.max",
                        "system.incident.sum"};
  d.chart_panels = {ChartPanelDecl{.title = "Arms", .variable = "arms"},
                    ChartPanelDecl{.title = "Credibility", .variable = "credibility"},
                    ChartPanelDecl{.title = "Tension", .variable = "tension"}};
  return d;
}

}  // namespace

DeterrenceModel::DeterrenceModel() : declaration_(make_declaration()) {}

namespace {
// The model registers itself by name when the program starts: nothing outside this folder lists it.
ModelRegistration<DeterrenceModel> registration;
}  // namespace

}  // namespace steppe::deterrence
