// The richardson declaration (MODEL.md §12): one role, one state variable per actor, the
// restraint, grievance and pairwise reaction of the linear race, and the step and scheme.
#include "models/richardson/richardson.hpp"

namespace steppe::richardson {

namespace {

constexpr const char* spec = "docs/model.md §9";

ParameterDecl parameter(std::string name, std::string role, std::string help, std::string unit, double value,
                        double min, double max) {
  ParameterDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.help = std::move(help);
  decl.unit = std::move(unit);
  decl.value = value;
  decl.min = min;
  decl.max = max;
  decl.source = spec;
  return decl;
}

ModelDeclaration make_declaration() {
  ModelDeclaration d;
  d.name = "richardson";
  d.version = "1";
  d.help =
      "Verification model: the N-actor Richardson arms race dz/dt = K·z + g, stepped exactly "
      "(matrix exponential) or by explicit Euler, with a closed form to check against (docs/model.md §9).";
  d.roles = {{"actor", "an actor in the arms race", 2, -1}};

  VariableDecl armament;
  armament.name = "armament";
  armament.role = "actor";
  armament.help = "the actor's armament level z_i";
  armament.unit = "level";
  armament.initial = 1.0;
  // Unbounded in principle: an unstable race must be free to run away, so nothing is clipped.
  armament.min = -1e9;
  armament.max = 1e9;
  armament.clipped = false;
  armament.source = spec;
  d.variables = {armament};

  ParameterDecl reaction = parameter("reaction", "actor",
                                     "a_ij: how fast actor i arms in reaction to actor j's armament "
                                     "(ACTOR.reaction.OTHER)",
                                     "1/month", 0.5, 0, 100);
  reaction.per = "actor";
  reaction.source = "docs/model.md §9; loosely, Challenges and Limitations: 'unintended escalation'";

  ParameterDecl scheme = parameter("scheme", "", "how a step is taken: exact (matrix exponential) or explicit Euler",
                                   "", exact, exact, euler);
  scheme.choices = {"exact", "euler"};

  d.parameters = {
      parameter("restraint", "actor", "m_i: how fast the actor's armament decays on its own", "1/month", 1.0, 0, 100),
      parameter("grievance", "actor", "g_i: the actor's standing drive to arm", "level/month", 1.0, -100, 100),
      reaction,
      parameter("dt", "", "model time per engine step", "months", 1.0, 1e-6, 1000),
      scheme,
  };
  d.default_outcomes = {"{actor}.armament.final", "{actor}.armament.max"};
  d.chart_panels = {{"Armament", "armament"}};
  return d;
}

}  // namespace

RichardsonModel::RichardsonModel() : declaration_(make_declaration()) {}

namespace {
ModelRegistration<RichardsonModel> registration;
}  // namespace

}  // namespace steppe::richardson
