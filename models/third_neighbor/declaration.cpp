// The third_neighbor declaration: every role, state variable, parameter, lever, derived quantity,
// event kind and random event of the specification (docs/model.md §2 and §7), with help, unit, default, range and the
// article section it stands for. This one table validates scenarios, answers `steppe describe` and accepts `--set`. The
// parameters come from the lists in parameters.hpp, which also bind them in the kernel; the partner levers from the
// table in third_neighbor.hpp.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/third_neighbor/parameters.hpp"
#include "models/third_neighbor/third_neighbor.hpp"

namespace steppe::third_neighbor {

namespace {

ModelDeclaration make_declaration() {
  const std::string context = "Strategic Context and the \"Third Neighbor\" Policy";
  const std::string limits = "Challenges and Limitations";
  const std::string economic = "Economic Dimensions of Defense Cooperation";
  const std::string evolution = "Evolution of the Strategic Partnership";
  const std::string continuity = "Recommendations: Measure Success by Continuity, Not Escalation";
  const std::string prospects = "Strategic Implications and Future Prospects";
  ModelDeclaration d{.name = "third_neighbor",
                     .version = "1",
                     .help =
                         "Mongolia's Third Neighbor policy: partners' engagement, neighbors' coercion and the "
                         "focal state's autonomy, month by month (specification v1, docs/model.md).",
                     .network = NetworkRoles{.focal = "focal", .neighbors = "neighbor", .partners = "partner"},
                     .per_member_parameters = true};
  d.roles = {
      RoleDecl{
          .name = "focal", .help = "the small state between the neighbors (Mongolia)", .min_count = 1, .max_count = 1},
      RoleDecl{.name = "neighbor",
               .help = "a contiguous great power with leverage over the focal state (China, Russia)",
               .min_count = 1},
      RoleDecl{.name = "partner",
               .help = "a 'third neighbor' that engages the focal state (the United States, Japan, ...)",
               .min_count = 1},
  };

  d.variables = {
      VariableDecl{.name = "autonomy",
                   .role = "focal",
                   .help = "strategic maneuver space: the outcome that matters most",
                   .unit = "share (0–1)",
                   .initial = 0.50,
                   .source = context},
      VariableDecl{.name = "institutional_capacity",
                   .role = "focal",
                   .help = "military professionalism and interoperability",
                   .unit = "share (0–1)",
                   .initial = 0.55,
                   .source = "Peacekeeping Collaboration; Military Modernization Support"},
      VariableDecl{.name = "standing",
                   .role = "focal",
                   .help = "international standing (peacekeeping record, convening)",
                   .unit = "share (0–1)",
                   .initial = 0.65,
                   .source = "The Nature of the Partnership"},
      VariableDecl{.name = "resilience",
                   .role = "focal",
                   .help = "democratic resilience",
                   .unit = "share (0–1)",
                   .initial = 0.55,
                   .source = "The Moral and Ideological Imperative"},
      VariableDecl{.name = "concession",
                   .role = "focal",
                   .help = "how far the focal state currently yields to pressure",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .source = limits},
      VariableDecl{.name = "trust",
                   .role = "partner",
                   .help = "partner–focal trust built by consistency",
                   .unit = "share (0–1)",
                   .initial = 0.50,
                   .source = continuity},
      // A moving average of values in [0, 1], left unclipped as the specification has it.
      VariableDecl{.name = "expectation",
                   .role = "partner",
                   .help = "slow memory of engagement (mean of status-quo engagement at t = 0)",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .clipped = false,
                   .derived_initial = true,
                   .source = continuity},
      VariableDecl{.name = "elite_network",
                   .role = "partner",
                   .help = "elite and education ties",
                   .unit = "share (0–1)",
                   .initial = 0.45,
                   .source = "Educational and Soft-Power Foundations"},
      VariableDecl{.name = "institutionalization",
                   .role = "partner",
                   .help = "dialogue mechanisms, lead agencies, tasking",
                   .unit = "share (0–1)",
                   .initial = 0.55,
                   .source = evolution},
      VariableDecl{.name = "attention",
                   .role = "partner",
                   .help = "the partner's political attention (elections dent it)",
                   .unit = "share (0–1)",
                   .initial = 1.0,
                   .source = evolution},
      // Starts at rest, at its target (docs/model.md §5).
      VariableDecl{.name = "threat_perception",
                   .role = "neighbor",
                   .help = "how aligned against it the neighbor perceives the focal state",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .derived_initial = true,
                   .source = limits},
      // A neighbor beyond the calibrated two starts like Russia.
      VariableDecl{.name = "coercion",
                   .role = "neighbor",
                   .help = "coercion the neighbor applies to the focal state",
                   .unit = "share (0–1)",
                   .initial = 0.10,
                   .actor_initials = {{"CHN", 0.12}, {"RUS", 0.10}},
                   .source = limits},
      VariableDecl{.name = "tension",
                   .role = "system",
                   .help = "escalation risk",
                   .unit = "share (0–1)",
                   .initial = 0.05,
                   .source = prospects},
      VariableDecl{.name = "dependence",
                   .role = "focal",
                   .per = Per::actor,
                   .per_role = "neighbor",
                   .help = "share of the focal state's critical flows (exports x0.5, fuel x0.3, transit x0.2) the "
                           "neighbor controls",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .actor_initials = {{"CHN", 0.585}, {"RUS", 0.34}},
                   .source = economic},
      VariableDecl{.name = "engagement",
                   .role = "partner",
                   .per = Per::lever,
                   .help = "realized engagement per lever",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .source = "The Sinews of Cooperation"},
      // Bookkeeping for the attention window (docs/model.md §7.6): a count, never clipped.
      VariableDecl{.name = "attention_months_left",
                   .role = "partner",
                   .help = "months until a partner's attention returns to 1",
                   .unit = "months",
                   .initial = 0.0,
                   .max = 1e9,
                   .clipped = false,
                   .internal = true,
                   .source = evolution},
      // Diagnostics (docs/model.md §2.2): computed by the kernel, no part of the dynamics.
      // Computed with the residual share 1 - sum of the dependences as it is, unclipped (§7.7): when
      // the dependences sum above 1 the index falls below 0, to -2 with two neighbors at 1 each
      // (N - N^2 with N neighbors; lower values than the range fall in the bands' end bins).
      VariableDecl{.name = "diversification",
                   .role = "focal",
                   .help = "diagnostic: 1 - HHI of (dependence per neighbor, the rest)",
                   .unit = "index (1 − HHI)",
                   .initial = 0.0,
                   .min = -2.0,
                   .clipped = false,
                   .derived_initial = true,
                   .source = economic},
      VariableDecl{.name = "access",
                   .role = "partner",
                   .help = "diagnostic: availability of at least one logistics route to the focal state, as used in "
                           "the step",
                   .unit = "share (0–1)",
                   .initial = 0.0,
                   .derived_initial = true,
                   .source = "Challenges and Limitations: geography sets a ceiling"},
      VariableDecl{.name = "crisis",
                   .role = "system",
                   .help = "diagnostic: 1 in a month with a crisis, else 0",
                   .unit = "indicator (0 or 1)",
                   .initial = 0.0,
                   .derived_initial = true,
                   .source = prospects},
  };

  d.parameters = parameter_declarations();

  for (const PartnerLever& spec : partner_levers) {
    d.levers.push_back(LeverDecl{.name = std::string(spec.name),
                                 .role = "partner",
                                 .domain = std::string(domain_name(spec.domain)),
                                 .help = std::string(spec.help),
                                 .unit = "setting",
                                 .value = spec.status_quo,
                                 .traits = {{"visibility", spec.visibility},
                                            {"lag_months", spec.lag_months},
                                            {"needs_access", spec.needs_access ? 1.0 : 0.0},
                                            {"lowered_by_concession", spec.lowered_by_concession() ? 1.0 : 0.0}},
                                 .realized_as = "engagement",
                                 .source = std::string(spec.source)});
  }
  // The partners' framing, and the levers of the focal state and of the neighbors: these act
  // directly, with no realized counterpart.
  d.levers.push_back(LeverDecl{.name = "framing",
                               .role = "partner",
                               .domain = "framing",
                               .help = "0 functional, risk-reduction framing; 1 declaratory, branded, zero-sum",
                               .unit = "setting",
                               .value = 0.2,
                               .source = prospects});
  d.levers.push_back(LeverDecl{.name = "outreach",
                               .role = "focal",
                               .domain = "focal",
                               .help = "third-neighbor diversification",
                               .unit = "setting",
                               .value = 0.6,
                               .source = context});
  d.levers.push_back(LeverDecl{.name = "peacekeeping_deployments",
                               .role = "focal",
                               .domain = "focal",
                               .help = "peacekeeping deployments",
                               .unit = "setting",
                               .value = 0.7,
                               .source = "Peacekeeping Collaboration"});
  d.levers.push_back(LeverDecl{.name = "balanced_diplomacy",
                               .role = "focal",
                               .domain = "focal",
                               .help = "reassurance of the neighbors",
                               .unit = "setting",
                               .value = 0.7,
                               .source = context});
  d.levers.push_back(LeverDecl{.name = "concession_threshold",
                               .role = "focal",
                               .domain = "focal",
                               .help = "effective pressure at which the focal state yields",
                               .unit = "setting",
                               .value = 0.15,
                               .source = limits});
  d.levers.push_back(LeverDecl{.name = "hawkishness",
                               .role = "neighbor",
                               .domain = "neighbor",
                               .help = "how readily the neighbor coerces",
                               .unit = "setting",
                               .value = 0.5,
                               .source = limits});
  d.levers.push_back(LeverDecl{.name = "inducements",
                               .role = "neighbor",
                               .domain = "neighbor",
                               .help = "loans and investment that deepen dependence",
                               .unit = "setting",
                               .value = 0.5,
                               .actor_values = {{"CHN", 0.5}, {"RUS", 0.3}},
                               .source = economic});
  d.levers.push_back(LeverDecl{.name = "direct_pressure",
                               .role = "neighbor",
                               .domain = "neighbor",
                               .help = "exogenous coercion push per month (a border squeeze)",
                               .unit = "setting",
                               .value = 0.0,
                               .source = limits});

  // What the step computes and keeps nowhere, each written by the kernel as it used it
  // (`steppe run --explain`). The quantities of the whole scenario belong to the system actor.
  const std::string derived_section = "docs/model.md §7.4";
  d.derived = {
      DerivedDecl{.name = "visibility",
                  .role = "system",
                  .help = "V: what the neighbors see of every partner's engagement, amplified by framing",
                  .unit = "visibility",
                  .source = derived_section},
      DerivedDecl{.name = "support",
                  .role = "system",
                  .help = "partner support: the partners' support terms summed, at most 1",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "pressure",
                  .role = "system",
                  .help = "the effective pressure Pi: the neighbors' pressure terms summed",
                  .unit = "pressure",
                  .source = derived_section},
      DerivedDecl{.name = "diversification_ratio",
                  .role = "system",
                  .help = "div: the share of flows no neighbor controls, relative to the most diversification can "
                          "reach",
                  .unit = "ratio",
                  .source = derived_section},
      DerivedDecl{.name = "overreach",
                  .role = "system",
                  .help = "O: the autonomy cost of basing, alliance and visibility above theta_O",
                  .unit = "overreach",
                  .source = derived_section},
      DerivedDecl{.name = "foundations",
                  .role = "system",
                  .help = "G: the weighted drivers of autonomy's growth",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "threat_target",
                  .role = "neighbor",
                  .help = "P*: the threat perception the neighbor is heading for",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "pressure_term",
                  .role = "neighbor",
                  .help = "the neighbor's term of Pi: coercion x dependence x (1 - resilience_cushion x resilience)",
                  .unit = "pressure",
                  .source = derived_section},
      DerivedDecl{.name = "effectiveness",
                  .role = "partner",
                  .help = "eff: how far the partner's engagement counts (trust, institutionalization, task forces)",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "mean_engagement",
                  .role = "partner",
                  .help = "the partner's mean realized engagement over the levers that are not counter-productive",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "support_term",
                  .role = "partner",
                  .help = "the partner's term of support before the cap at 1: eff x mean_engagement / E_ref",
                  .unit = "share",
                  .source = derived_section},
      DerivedDecl{.name = "visibility_term",
                  .role = "partner",
                  .help = "the partner's term of V: its visible engagement x (1 + framing_gain x framing)",
                  .unit = "visibility",
                  .source = derived_section},
      DerivedDecl{.name = "best_route",
                  .role = "partner",
                  .help = "the availability of the partner's most open route to the focal state (access combines "
                          "them all)",
                  .unit = "share",
                  .source = "docs/model.md §7.3"},
  };

  // In the order they fire within a month (docs/model.md §7.8; EventKind in third_neighbor.hpp).
  d.event_kinds = {
      EventKindDecl{.name = "leadership_turnover",
                    .role = "focal",
                    .help = "an election or turnover in the focal state: engagement and trust take a hit that "
                            "institutionalization and elite ties soften",
                    .source = "Evolution of the Strategic Partnership: 'leadership turnover'"},
      EventKindDecl{.name = "partner_election",
                    .role = "partner",
                    .help = "an election in a partner: its attention drops for attention_months",
                    .source = "Evolution of the Strategic Partnership: 'short-term shifts in political attention'"},
  };
  // Drawn in stochastic runs (docs/model.md §7.8). The turnovers' and elections' sizes draw from
  // the streams of their firings' places among the month's firings; the crisis from the stream
  // just above those.
  d.random_events = {
      RandomEventDecl{.name = "turnover_hit",
                      .role = "focal",
                      .help = "how hard a leadership turnover hits: turnover_shock * U(0, 2) (turnover_shock in "
                              "deterministic runs)",
                      .source = "Evolution of the Strategic Partnership: 'leadership turnover'",
                      .event_kind = "leadership_turnover"},
      RandomEventDecl{.name = "election_drop",
                      .role = "partner",
                      .help =
                          "how far a partner election drops attention: attention_drop * 2u * (1 - elite_network), u "
                          "~ U(0, 1) (0.5 in deterministic runs)",
                      .source = "Evolution of the Strategic Partnership: 'short-term shifts in political attention'",
                      .event_kind = "partner_election"},
      RandomEventDecl{.name = "crisis",
                      .role = "system",
                      .help = "a crisis: strikes with probability h0 + h1 * sigmoid(s_X (tension - theta_X)) and adds "
                              "crisis_jump_C to every coercion and crisis_jump_X to tension",
                      .source = prospects,
                      .stream = firing_streams_end},
  };
  d.default_outcomes = {"{focal}.autonomy.final", "{focal}.autonomy.mean", "{neighbor}.coercion.max",
                        "system.tension.final",   "system.crisis.sum",     "{focal}.dependence.{neighbor}.final",
                        "{partner}.trust.final"};
  d.chart_panels = {ChartPanelDecl{.title = "Autonomy", .variable = "autonomy"},
                    ChartPanelDecl{.title = "Coercion", .variable = "coercion"},
                    ChartPanelDecl{.title = "Trust", .variable = "trust"},
                    ChartPanelDecl{.title = "Tension", .variable = "tension"}};
  // What each role wants (docs/model.md §11): a controller of the actor scores its choices by
  // these, each weight overridable per actor.
  const std::string platform = "Mongolia as a Strategic Platform for Influence and Observation";
  const std::string diplomacy = "High-Level Military Diplomacy";
  d.objectives = {
      ObjectiveTermDecl{.role = "focal",
                        .name = "autonomy",
                        .quantity = "self.autonomy",
                        .weight = 1,
                        .help = "room to maneuver, hedge and preserve autonomy: what the policy is for",
                        .source = context},
      ObjectiveTermDecl{.role = "focal",
                        .name = "tension",
                        .quantity = "system.tension",
                        .weight = -0.5,
                        .help = "strategic depth sought 'not confrontation': regional tension counts against",
                        .source = context},
      ObjectiveTermDecl{.role = "focal",
                        .name = "concession",
                        .quantity = "self.concession",
                        .weight = -0.5,
                        .help = "concessions made under pressure: the 'permanent vassalage' the policy refuses",
                        .source = context},
      ObjectiveTermDecl{.role = "neighbor",
                        .name = "leverage",
                        .quantity = "{focal}.dependence.{self}",
                        .weight = 1,
                        .help = "the focal state's dependence on the neighbor: its leverage through economic pressure",
                        .source = economic},
      ObjectiveTermDecl{.role = "neighbor",
                        .name = "partner_visibility",
                        .quantity = "self.threat_perception",
                        .weight = -0.5,
                        .help = "the partner's engagement as the neighbor perceives it (its threat perception "
                                "tracks the partners' visibility): wanted low",
                        .source = diplomacy},
      ObjectiveTermDecl{.role = "neighbor",
                        .name = "concession",
                        .quantity = "{focal}.concession",
                        .weight = 0.5,
                        .help = "what coercion buys: the focal state's concessions, as in 2016 when Ulaanbaatar said "
                                "it would not host the Dalai Lama again",
                        .source = limits},
      ObjectiveTermDecl{.role = "neighbor",
                        .name = "lever_cost",
                        .quantity = "lever_cost",
                        .weight = -0.25,
                        .help = "the cost of coercion: 'the diplomatic cost of coercive pressure', per lever held at "
                                "its maximum",
                        .source = diplomacy},
      ObjectiveTermDecl{.role = "partner",
                        .name = "access",
                        .quantity = "self.access",
                        .weight = 1,
                        .help = "the partner's access to the focal state: 'in an era when access itself is a form of "
                                "power'",
                        .source = platform},
      ObjectiveTermDecl{.role = "partner",
                        .name = "focal_autonomy",
                        .quantity = "{focal}.autonomy",
                        .weight = 1,
                        .help = "the focal state's autonomy: 'strengthening a partner's sovereignty rather than "
                                "subsuming it'",
                        .source = evolution},
      ObjectiveTermDecl{.role = "partner",
                        .name = "lever_cost",
                        .quantity = "lever_cost",
                        .weight = -0.25,
                        .help = "the cost of its levers, per lever held at its maximum: 'exceptional strategic "
                                "return' for 'a country of modest size'",
                        .source = "The Nature of the Partnership"},
  };
  return d;
}

}  // namespace

ThirdNeighborModel::ThirdNeighborModel() : declaration_(make_declaration()) {}

std::vector<std::pair<std::string, std::string>> ThirdNeighborModel::check(const Layout& layout,
                                                                           const std::vector<double>& parameters,
                                                                           const std::vector<double>& initial) const {
  // A sum too large is named by the values the scenario changed from their defaults (the
  // defaults alone pass), and its message lists every term, so that the user sees what to lower.
  struct Sum {
    double total = 0;
    std::vector<std::string> names, terms, changed;
    void add(const std::string& name, double value, double default_value) {
      total += value;
      names.push_back(name);
      terms.push_back(fmt::format("{} {}", name, value));
      if (value != default_value) changed.push_back(name);
    }
    std::string named() const { return fmt::format("{}", fmt::join(changed.empty() ? names : changed, ", ")); }
  };
  std::vector<std::pair<std::string, std::string>> problems;
  const std::string focal = layout.actors_with_role("focal").at(0);
  Sum floors, dependences;
  for (const std::string& neighbor : layout.actors_with_role("neighbor")) {
    const int floor = layout.parameter_index(neighbor, "D_floor");
    floors.add(neighbor + ".D_floor", parameters.at(floor), layout.parameters().at(floor).value);
    const int dependence = layout.state_index(focal, "dependence." + neighbor);
    dependences.add(focal + ".dependence." + neighbor, initial.at(dependence), layout.state().at(dependence).initial);
  }
  if (!(floors.total < 1))
    problems.emplace_back(floors.named(), fmt::format("the neighbors' D_floor values sum to {} ({}); they must sum "
                                                      "below 1",
                                                      floors.total, fmt::join(floors.terms, " + ")));
  if (!(dependences.total <= 1))
    problems.emplace_back(dependences.named(),
                          fmt::format("the initial dependences on the neighbors sum to {} ({}); at most 1",
                                      dependences.total, fmt::join(dependences.terms, " + ")));
  return problems;
}

namespace {
ModelRegistration<ThirdNeighborModel> registration;
}  // namespace

}  // namespace steppe::third_neighbor
