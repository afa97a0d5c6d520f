// The third_neighbor declaration: every role, state variable, parameter, lever and event kind
// of MODEL.md v1, with help, unit, default, range and the article section it stands for. This
// one table validates scenarios, answers `steppe describe` and accepts `--set`.
#include "models/third_neighbor/third_neighbor.hpp"

#include <fmt/format.h>

namespace steppe::third_neighbor {

namespace {
constexpr const char* sinews = "The Sinews of Cooperation";
}  // namespace

namespace {

VariableDecl variable(std::string name, std::string role, std::string help, double initial,
                      std::string source, std::string unit = "share") {
  VariableDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.help = std::move(help);
  decl.initial = initial;
  decl.source = std::move(source);
  decl.unit = std::move(unit);
  return decl;
}

ParameterDecl parameter(std::string name, double value, double min, double max, std::string help,
                        std::string unit = "") {
  ParameterDecl decl;
  decl.name = std::move(name);
  decl.value = value;
  decl.min = min;
  decl.max = max;
  decl.help = std::move(help);
  decl.unit = std::move(unit);
  return decl;
}

// A per-neighbor parameter calibrated for CHN and RUS (MODEL.md §5); any other neighbor gets
// `other`.
ParameterDecl neighbor_parameter(std::string name, double chn, double rus, double other, double min, double max,
                                 std::string help, std::string source, std::string unit = "") {
  ParameterDecl decl = parameter(std::move(name), other, min, max, std::move(help), std::move(unit));
  decl.role = "neighbor";
  decl.actor_values = {{"CHN", chn}, {"RUS", rus}};
  decl.source = std::move(source);
  return decl;
}

LeverDecl lever(std::string name, std::string role, std::string domain, double value, std::string help,
                std::string source) {
  LeverDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.domain = std::move(domain);
  decl.value = value;
  decl.help = std::move(help);
  decl.source = std::move(source);
  decl.unit = "setting";
  return decl;
}

std::vector<ParameterDecl> global_parameters() {
  const std::string per_month = "1/month";
  std::vector<ParameterDecl> list = {
      parameter("tau_P", 3, 1, 120, "months for threat perception to reach its target", "months"),
      parameter("framing_gain", 2, 0, 10, "how much declaratory framing amplifies visibility"),
      parameter("reassurance", 0.5, 0, 1, "how far balanced diplomacy lowers neighbors' threat perception"),
      parameter("concession_relief", 0.8, 0, 1, "how far the focal state's concession lowers threat perception"),
      parameter("standing_restraint", 0.5, 0, 10, "how far international standing raises coercion fatigue"),
      parameter("cross", 0.03, 0, 1, "how much one neighbor's coercion pulls the other's along", per_month),
      parameter("signal_restraint", 0.2, 0, 10, "how far high-level visits raise coercion fatigue"),
      parameter("alignment", 0.5, 0, 1, "alignment between the neighbors"),
      parameter("resilience_cushion", 0.5, 0, 1, "how far democratic resilience cushions pressure"),
      parameter("alpha", 0.05, 0, 1, "autonomy growth rate from its drivers", per_month),
      parameter("beta", 0.30, 0, 5, "autonomy loss rate per unit of effective pressure", per_month),
      parameter("gamma", 0.05, 0, 5, "autonomy loss rate per unit of overreach", per_month),
      parameter("theta_O", 3, 0, 20, "visibility above which engagement becomes overreach"),
      parameter("overreach", 0.1, 0, 5, "overreach per unit of visibility above theta_O"),
      parameter("alliance_cost", 0.5, 0, 5, "overreach per unit of basing or formal alliance"),
      parameter("E_ref", 0.5, 0.01, 1, "engagement level that counts as full support"),
      parameter("w_div", 0.3, 0, 1, "weight of diversification in autonomy's drivers"),
      parameter("w_I", 0.2, 0, 1, "weight of institutional capacity in autonomy's drivers"),
      parameter("w_S", 0.1, 0, 1, "weight of standing in autonomy's drivers"),
      parameter("w_R", 0.1, 0, 1, "weight of resilience in autonomy's drivers"),
      parameter("w_E", 0.3, 0, 1, "weight of partner support in autonomy's drivers"),
      parameter("delta_div", 0.010, 0, 1, "rate at which diversification effort lowers dependence", per_month),
      parameter("iota", 0.004, 0, 1, "rate at which neighbors' inducements raise dependence", per_month),
      parameter("w_fin", 0.3, 0, 1, "weight of development finance in diversification"),
      parameter("w_min", 0.3, 0, 1, "weight of the minerals partnership in diversification"),
      parameter("w_comm", 0.2, 0, 1, "weight of commercial diplomacy in diversification"),
      parameter("w_air", 0.2, 0, 1, "weight of air links in diversification"),
      parameter("w_out", 0.3, 0, 1, "weight of the focal state's own outreach in diversification"),
      parameter("r_I", 0.02, 0, 1, "institutional capacity growth rate", per_month),
      parameter("dI", 0.004, 0, 1, "institutional capacity decay rate", per_month),
      parameter("r_S", 0.02, 0, 1, "standing growth rate", per_month),
      parameter("dS", 0.005, 0, 1, "standing decay rate", per_month),
      parameter("r_R", 0.01, 0, 1, "resilience growth rate", per_month),
      parameter("dR", 0.002, 0, 1, "resilience decay rate", per_month),
      parameter("eta_R", 0.02, 0, 1, "resilience erosion per unit of effective pressure", per_month),
      parameter("r_H", 0.006, 0, 1, "elite network growth rate", per_month),
      parameter("dH", 0.003, 0, 1, "elite network decay rate", per_month),
      parameter("r_Q", 0.03, 0, 1, "institutionalization growth rate", per_month),
      parameter("dQ", 0.01, 0, 1, "institutionalization decay rate", per_month),
      parameter("tf_dilution", 0.5, 0, 1, "how far new task forces dilute engagement's effectiveness"),
      parameter("tau_M", 12, 1, 120, "months of memory in the expectation of engagement", "months"),
      parameter("lam_up", 0.04, 0, 1, "rate at which trust builds", per_month),
      parameter("lam_down", 0.6, 0, 5, "rate at which trust falls when engagement drops below expectation",
                per_month),
      parameter("r_X", 0.08, 0, 1, "tension growth rate", per_month),
      parameter("dX", 0.05, 0, 1, "tension decay rate", per_month),
      parameter("basing_tension", 0.5, 0, 5, "tension per unit of basing"),
      parameter("h0", 0.002, 0, 1, "monthly crisis probability at low tension", "probability"),
      parameter("h1", 0.03, 0, 1, "added monthly crisis probability at high tension", "probability"),
      parameter("theta_X", 0.5, 0, 1, "tension at which crisis risk is half way up"),
      parameter("s_X", 10, 0, 200, "steepness of crisis risk in tension"),
      parameter("crisis_jump_C", 0.15, 0, 1, "jump in every neighbor's coercion in a crisis"),
      parameter("crisis_jump_X", 0.2, 0, 1, "jump in tension in a crisis"),
      parameter("r_K", 0.5, 0, 1, "rate at which the focal state concedes under pressure", per_month),
      parameter("dK", 0.15, 0, 1, "rate at which concession relaxes", per_month),
      parameter("s_K", 60, 0, 1000, "steepness of concession in pressure above the threshold"),
      parameter("concession_cost", 0.01, 0, 1, "autonomy lost per unit of concession", per_month),
      parameter("concession_profile", 0.5, 0, 1, "how far concession lowers visible engagement"),
      parameter("kappa", 0.8, 0, 1, "how far coercion closes a controlled route"),
      parameter("turnover_shock", 0.3, 0, 1, "engagement and trust lost at a focal leadership turnover"),
      parameter("attention_drop", 0.3, 0, 1, "partner attention lost after a partner election"),
      parameter("attention_months", 12, 1, 120, "months a partner's attention stays low after an election",
                "months"),
  };
  const std::string derived = "docs/model.md §7.2 (calibrated to the stylized facts)";
  for (auto& decl : list) decl.source = derived;
  return list;
}

ModelDeclaration make_declaration() {
  ModelDeclaration d;
  d.name = "third_neighbor";
  d.version = "1";
  d.help =
      "Mongolia's Third Neighbor policy: partners' engagement, neighbors' coercion and the focal "
      "state's autonomy, month by month (specification v1, docs/model.md).";
  d.uses_network = true;
  d.per_member_parameters = true;
  d.roles = {
      {"focal", "the small state between the neighbors (Mongolia)", 1, 1},
      {"neighbor", "a contiguous great power with leverage over the focal state (China, Russia)", 1, -1},
      {"partner", "a 'third neighbor' that engages the focal state (the United States, Japan, ...)", 1, -1},
  };

  const std::string context = "Strategic Context and the \"Third Neighbor\" Policy";
  d.variables = {
      variable("autonomy", "focal", "strategic maneuver space: the outcome that matters most", 0.50, context),
      variable("institutional_capacity", "focal", "military professionalism and interoperability", 0.55,
               "Peacekeeping Collaboration; Military Modernization Support"),
      variable("standing", "focal", "international standing (peacekeeping record, convening)", 0.65,
               "The Nature of the Partnership"),
      variable("resilience", "focal", "democratic resilience", 0.55, "The Moral and Ideological Imperative"),
      variable("concession", "focal", "how far the focal state currently yields to pressure", 0.0,
               "Challenges and Limitations"),
      variable("trust", "partner", "partner–focal trust built by consistency", 0.50,
               "Recommendations: Measure Success by Continuity, Not Escalation"),
      variable("expectation", "partner", "slow memory of engagement (mean of status-quo engagement at t = 0)",
               0.0, "Recommendations: Measure Success by Continuity, Not Escalation"),
      variable("elite_network", "partner", "elite and education ties", 0.45, "Educational and Soft-Power Foundations"),
      variable("institutionalization", "partner", "dialogue mechanisms, lead agencies, tasking", 0.55,
               "Evolution of the Strategic Partnership"),
      variable("attention", "partner", "the partner's political attention (elections dent it)", 1.0,
               "Evolution of the Strategic Partnership"),
      variable("threat_perception", "neighbor", "how aligned against it the neighbor perceives the focal state",
               0.0, "Challenges and Limitations"),
      variable("coercion", "neighbor", "coercion the neighbor applies to the focal state", 0.12,
               "Challenges and Limitations"),
      variable("tension", "system", "escalation risk", 0.05, "Strategic Implications and Future Prospects"),
  };
  for (auto& v : d.variables) {
    if (v.name == "expectation") {
      v.clipped = false;
      v.derived_initial = true;
    }
    if (v.name == "threat_perception") v.derived_initial = true;
    if (v.name == "coercion") {
      v.initial = 0.10;  // a neighbor beyond the calibrated two starts like Russia
      v.actor_initials = {{"CHN", 0.12}, {"RUS", 0.10}};
    }
  }
  VariableDecl dependence = variable(
      "dependence", "focal",
      "share of the focal state's critical flows (exports x0.5, fuel x0.3, transit x0.2) the neighbor controls",
      0.0, "Economic Dimensions of Defense Cooperation");
  dependence.per = "neighbor";
  dependence.actor_initials = {{"CHN", 0.585}, {"RUS", 0.34}};
  d.variables.push_back(dependence);
  VariableDecl engagement = variable("engagement", "partner", "realized engagement per lever", 0.0, sinews);
  engagement.per = "lever";
  d.variables.push_back(engagement);

  VariableDecl countdown = variable("attention_months_left", "partner",
                                    "months until a partner's attention returns to 1", 0.0,
                                    "Evolution of the Strategic Partnership", "months");
  countdown.internal = true;
  countdown.clipped = false;
  countdown.max = 1e9;
  d.variables.push_back(countdown);
  VariableDecl diversification = variable(
      "diversification", "focal", "diagnostic: 1 - HHI of (dependence per neighbor, the rest)", 0.0,
      "Economic Dimensions of Defense Cooperation");
  diversification.derived_initial = true;
  d.variables.push_back(diversification);
  VariableDecl access = variable(
      "access", "partner", "diagnostic: availability of at least one logistics route to the focal state, as used in the step",
      0.0, "Challenges and Limitations: geography sets a ceiling");
  access.derived_initial = true;
  d.variables.push_back(access);
  VariableDecl crisis = variable("crisis", "system", "diagnostic: 1 in a month with a crisis, else 0", 0.0,
                                 "Strategic Implications and Future Prospects", "indicator");
  crisis.derived_initial = true;
  d.variables.push_back(crisis);

  d.parameters = global_parameters();
  const std::string limits = "Challenges and Limitations";
  for (auto decl : {
           neighbor_parameter("theta", 2.0, 2.4, 2.0, 0, 20, "visibility at which threat perception is half way up",
                              limits),
           neighbor_parameter("steep", 2.5, 2.0, 2.0, 0, 50, "steepness of threat perception in visibility", limits),
           neighbor_parameter("k", 0.20, 0.15, 0.15, 0, 1, "coercion reaction rate to threat perception", limits,
                              "1/month"),
           neighbor_parameter("fatigue", 0.10, 0.10, 0.10, 0, 1, "coercion fatigue rate", limits, "1/month"),
           neighbor_parameter("grievance", 0.010, 0.008, 0.0, 0, 1, "coercion grievance term", limits, "1/month"),
           neighbor_parameter("D_floor", 0.45, 0.22, 0.0, 0, 1, "dependence no diversification can remove",
                              "Economic Dimensions of Defense Cooperation"),
           neighbor_parameter("D_max", 0.80, 0.45, 0.0, 0, 1, "dependence the neighbor's inducements aim at",
                              "Economic Dimensions of Defense Cooperation"),
           neighbor_parameter("air_floor", 0.03, 0.03, 0.0, 0, 1, "how far air links lower the dependence floor",
                              "Economic Dimensions of Defense Cooperation"),
       })
    d.parameters.push_back(decl);

  for (const PartnerLever& spec : partner_levers) {
    LeverDecl decl = lever(std::string(spec.name), "partner", std::string(spec.domain), spec.status_quo,
                           std::string(spec.help), std::string(spec.source));
    decl.traits = {{"visibility", spec.visibility},
                   {"lag_months", spec.lag_months},
                   {"needs_access", spec.needs_access ? 1.0 : 0.0},
                   {"lowered_by_concession", spec.lowered_by_concession() ? 1.0 : 0.0}};
    decl.realized_as = "engagement";
    d.levers.push_back(decl);
  }
  d.levers.push_back(lever("framing", "partner", "framing", 0.2,
                           "0 functional, risk-reduction framing; 1 declaratory, branded, zero-sum",
                           "Strategic Implications and Future Prospects"));
  d.levers.push_back(lever("outreach", "focal", "focal", 0.6, "third-neighbor diversification", context));
  d.levers.push_back(lever("peacekeeping_deployments", "focal", "focal", 0.7, "peacekeeping deployments",
                           "Peacekeeping Collaboration"));
  d.levers.push_back(lever("balanced_diplomacy", "focal", "focal", 0.7, "reassurance of the neighbors",
                           context));
  d.levers.push_back(lever("concession_threshold", "focal", "focal", 0.15,
                           "effective pressure at which the focal state yields", limits));
  d.levers.push_back(lever("hawkishness", "neighbor", "neighbor", 0.5, "how readily the neighbor coerces", limits));
  LeverDecl inducements =
      lever("inducements", "neighbor", "neighbor", 0.5, "loans and investment that deepen dependence",
            "Economic Dimensions of Defense Cooperation");
  inducements.actor_values = {{"CHN", 0.5}, {"RUS", 0.3}};
  d.levers.push_back(inducements);
  d.levers.push_back(lever("direct_pressure", "neighbor", "neighbor", 0.0,
                           "exogenous coercion push per month (a border squeeze)", limits));

  d.event_kinds = {
      {"leadership_turnover", "focal",
       "an election or turnover in the focal state: engagement and trust take a hit that "
       "institutionalization and elite ties soften",
       "Evolution of the Strategic Partnership: 'leadership turnover'"},
      {"partner_election", "partner", "an election in a partner: its attention drops for attention_months",
       "Evolution of the Strategic Partnership: 'short-term shifts in political attention'"},
  };
  d.default_outcomes = {"{focal}.autonomy.final", "{focal}.autonomy.mean", "{neighbor}.coercion.max",
                        "system.tension.final", "system.crisis.sum", "{focal}.dependence.{neighbor}.final",
                        "{partner}.trust.final"};
  d.chart_panels = {{"Autonomy", "autonomy"}, {"Coercion", "coercion"}, {"Trust", "trust"}, {"Tension", "tension"}};
  return d;
}

}  // namespace

ThirdNeighborModel::ThirdNeighborModel() : declaration_(make_declaration()) {}

std::vector<std::pair<std::string, std::string>> ThirdNeighborModel::check(const Layout& layout,
                                                                           const std::vector<double>& parameters,
                                                                           const std::vector<double>& initial) const {
  std::vector<std::pair<std::string, std::string>> problems;
  const std::string focal = layout.actors_with_role("focal").at(0);
  double floors = 0, dependence = 0;
  std::string last_floor, last_dependence;
  for (const std::string& neighbor : layout.actors_with_role("neighbor")) {
    floors += parameters.at(layout.parameter_index(neighbor, "D_floor"));
    dependence += initial.at(layout.state_index(focal, "dependence." + neighbor));
    last_floor = neighbor + ".D_floor";
    last_dependence = focal + ".dependence." + neighbor;
  }
  if (!(floors < 1))
    problems.emplace_back(last_floor, fmt::format("the neighbors' D_floor values sum to {}; they must sum below 1",
                                                  floors));
  if (!(dependence <= 1))
    problems.emplace_back(last_dependence,
                          fmt::format("the initial dependences on the neighbors sum to {}; at most 1", dependence));
  return problems;
}

namespace {
ModelRegistration<ThirdNeighborModel> registration;
}  // namespace

}  // namespace steppe::third_neighbor
