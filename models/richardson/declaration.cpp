// The richardson declaration (docs/model.md §9): one role, one state variable per actor, the
// restraint, grievance and pairwise reaction of the linear race, and the step and scheme.
#include "models/richardson/richardson.hpp"

namespace steppe::richardson {

namespace {

ModelDeclaration make_declaration() {
  const std::string spec = "docs/model.md §9";
  ModelDeclaration d{.name = "richardson",
                     .version = "1",
                     .help =
                         "Verification model: the N-actor Richardson arms race dz/dt = K·z + g, stepped exactly "
                         "(matrix exponential) or by explicit Euler, with a closed form to check against "
                         "(docs/model.md §9)."};
  d.roles = {RoleDecl{.name = "actor", .help = "an actor in the arms race", .min_count = 2}};

  d.variables = {
      // Unbounded in principle: an unstable race must be free to run away, so nothing is clipped.
      VariableDecl{.name = "armament",
                   .role = "actor",
                   .help = "the actor's armament level z_i",
                   .unit = "armament level",
                   .initial = 1.0,
                   .min = -1e9,
                   .max = 1e9,
                   .clipped = false,
                   .source = spec},
  };

  d.parameters = {
      ParameterDecl{.name = "restraint",
                    .role = "actor",
                    .help = "m_i: how fast the actor's armament decays on its own",
                    .unit = "1/month",
                    .value = 1.0,
                    .min = 0,
                    .max = 100,
                    .source = spec},
      ParameterDecl{.name = "grievance",
                    .role = "actor",
                    .help = "g_i: the actor's standing drive to arm",
                    .unit = "level/month",
                    .value = 1.0,
                    .min = -100,
                    .max = 100,
                    .source = spec},
      ParameterDecl{.name = "reaction",
                    .role = "actor",
                    .per = "actor",
                    .help = "a_ij: how fast actor i arms in reaction to actor j's armament (ACTOR.reaction.OTHER)",
                    .unit = "1/month",
                    .value = 0.5,
                    .min = 0,
                    .max = 100,
                    .source = "docs/model.md §9; loosely, Challenges and Limitations: 'unintended escalation'"},
      ParameterDecl{.name = "dt",
                    .help = "model time per engine step",
                    .unit = "months",
                    .value = 1.0,
                    .min = 1e-6,
                    .max = 1000,
                    .source = spec},
      // A choice: the value is the index of the chosen name (Scheme).
      ParameterDecl{.name = "scheme",
                    .help = "how a step is taken: exact (matrix exponential) or explicit Euler",
                    .value = exact,
                    .min = exact,
                    .max = euler,
                    .choices = {"exact", "euler"},
                    .source = spec},
  };
  d.default_outcomes = {"{actor}.armament.final", "{actor}.armament.max"};
  d.chart_panels = {ChartPanelDecl{.title = "Armament", .variable = "armament"}};
  return d;
}

}  // namespace

RichardsonModel::RichardsonModel() : declaration_(make_declaration()) {}

namespace {
ModelRegistration<RichardsonModel> registration;
}  // namespace

}  // namespace steppe::richardson
