// The Third Neighbor model (specification v1, docs/model.md): Mongolia between two neighbors and its partners.
//
// A focal state gains or loses strategic autonomy as partners engage it (defense, economic,
// education, diplomatic and multilateral levers), as neighbors perceive that engagement as
// alignment against them and coerce in a Richardson action–reaction, and as its dependence on
// the neighbors' trade, fuel and transit shifts. It stands for the article (../shared/seed;
// docs/model.md cites it section by section):
// "Strategic Context and the 'Third Neighbor' Policy" (the focal state's purpose), "The Sinews
// of Cooperation" (the partner levers), "Challenges and Limitations" (the neighbors' reaction)
// and "Recommendations" (the calibrated lever set). docs/model.md documents it in ODD+D form.
//
// Files: this header (the lever table, shared by the .cpp files), parameters.hpp and
// parameters.cpp (the parameters, each written once, declared and bound to the kernel by name),
// declaration.cpp (the one declaration table: roles, variables, parameters, levers, events) and
// kernel.cpp (the hand-vectorized monthly step).
#pragma once

#include <array>
#include <string_view>

#include "engine/model.hpp"

namespace steppe::third_neighbor {

// The domains of the partner levers (docs/model.md §2.3). `counter` holds the counter-productive
// ones the article warns against, which the equations leave out of a partner's mean engagement.
enum class Domain { defense, economic, education, diplomatic, multilateral, counter };

// As `steppe describe` shows it (LeverDecl::domain).
constexpr std::string_view domain_name(Domain domain) {
  switch (domain) {
    case Domain::defense:
      return "defense";
    case Domain::economic:
      return "economic";
    case Domain::education:
      return "education";
    case Domain::diplomatic:
      return "diplomatic";
    case Domain::multilateral:
      return "multilateral";
    case Domain::counter:
      return "counter";
  }
  return "";
}

// One partner lever of docs/model.md §2.3: visibility to the neighbors, implementation lag, whether
// realizing it needs logistics access, whether the focal state lowers it when it concedes.
struct PartnerLever {
  std::string_view name;
  Domain domain;
  double visibility;
  double lag_months;
  bool needs_access;
  double status_quo;
  std::string_view help;
  std::string_view source;
  constexpr bool counter() const { return domain == Domain::counter; }
  // "defense levers and any lever with vis >= 0.2" (docs/model.md §2.3)
  constexpr bool lowered_by_concession() const { return domain == Domain::defense || visibility >= 0.2; }
};

inline constexpr int partner_lever_count = 19;
// docs/model.md §2.3, partner levers: name, domain, visibility, lag, access, status quo.
// constexpr, so that the kernel's loops over levers fold every property into the code.
inline constexpr std::array<PartnerLever, partner_lever_count> partner_levers = {{
    {"pme", Domain::defense, 0.05, 12, false, 0.5, "professional military education for officers",
     "Military Modernization Support: professional military education"},
    {"peacekeeping_support", Domain::defense, 0.05, 6, true, 0.5, "peacekeeping readiness and training support",
     "Peacekeeping Collaboration"},
    {"khaan_quest", Domain::defense, 0.15, 6, true, 0.6, "the annual Khaan Quest multinational exercise",
     "Khaan Quest Exercise"},
    {"exercise_observer", Domain::defense, 0.10, 6, false, 0.2, "observer roles in exercises beyond Khaan Quest",
     "Recommendations: Consolidate the Bilateral Strategic Core"},
    {"equipment_transfer", Domain::defense, 0.25, 12, true, 0.3,
     "mobility and force-protection equipment (JLTV-type vehicles)", "Military Modernization Support"},
    {"domain_awareness", Domain::defense, 0.45, 6, false, 0.1, "domain awareness and intelligence cooperation",
     "Recommendations: Consolidate the Bilateral Strategic Core"},
    {"development_finance", Domain::economic, 0.10, 18, false, 0.3, "development finance (DFC, MCC compacts)",
     "Economic Dimensions of Defense Cooperation"},
    {"minerals_partnership", Domain::economic, 0.30, 24, true, 0.2, "critical-minerals governance and investment",
     "Economic Dimensions of Defense Cooperation"},
    {"commercial_diplomacy", Domain::economic, 0.05, 6, false, 0.3, "targeted commercial diplomacy",
     "Economic Dimensions of Defense Cooperation"},
    {"air_link", Domain::economic, 0.10, 12, false, 0.0, "direct scheduled air links",
     "Economic Dimensions of Defense Cooperation"},
    {"education_exchange", Domain::education, 0.02, 12, false, 0.5, "students and exchanges (1,700 students in 2024)",
     "Educational and Soft-Power Foundations"},
    {"governance_support", Domain::education, 0.05, 12, false, 0.5, "governance and institutional reform (MCC water)",
     "Economic Dimensions of Defense Cooperation"},
    {"strategic_dialogue", Domain::diplomatic, 0.10, 6, false, 0.5,
     "the Comprehensive Strategic Dialogue, with lead agencies and tasking", "Evolution of the Strategic Partnership"},
    {"high_level_visits", Domain::diplomatic, 0.20, 1, false, 0.3,
     "senior visits (e.g. the 2023 Pentagon visit); raise the cost of coercion", "High-Level Military Diplomacy"},
    {"quad_plus", Domain::multilateral, 0.20, 6, false, 0.1, "functional Quad-Plus participation",
     "Recommendations: Integrate Mongolia Selectively into Multilateral Frameworks"},
    {"convening_support", Domain::multilateral, 0.10, 6, false, 0.2,
     "support for Mongolia as a convening state, with restraint",
     "Recommendations: Integrate Mongolia Selectively into Multilateral Frameworks"},
    {"basing", Domain::counter, 1.50, 24, true, 0.0, "permanent basing (the article warns against it)",
     "Mongolia as a Strategic Platform: 'permanent basing ... would be both impractical and destabilizing'"},
    {"formal_alliance", Domain::counter, 2.00, 12, false, 0.0, "a treaty alliance (the article warns against it)",
     "Evolution of the Strategic Partnership: 'without binding Ulaanbaatar to rigid alliance commitments'"},
    {"new_task_forces", Domain::counter, 0.20, 6, false, 0.0,
     "proliferating new bureaucratic structures (overformalization)",
     "Recommendations: Measure Success by Continuity, Not Escalation"},
}};

// Indices into partner_levers of the levers the equations name.
enum PartnerLeverIndex : int {
  pme,
  peacekeeping_support,
  khaan_quest,
  exercise_observer,
  equipment_transfer,
  domain_awareness,
  development_finance,
  minerals_partnership,
  commercial_diplomacy,
  air_link,
  education_exchange,
  governance_support,
  strategic_dialogue,
  high_level_visits,
  quad_plus,
  convening_support,
  basing,
  formal_alliance,
  new_task_forces
};

// The model's event kinds, in the order they fire within a month (docs/model.md §7.8).
enum EventKind : int { leadership_turnover = 0, partner_election = 1 };

class ThirdNeighborModel : public Model {
 public:
  ThirdNeighborModel();
  const ModelDeclaration& declaration() const override { return declaration_; }
  // The neighbors' dependence floors must sum below one (diversification divides by what they
  // leave), and their initial dependences to at most one.
  std::vector<std::pair<std::string, std::string>> check(const Layout& layout, const std::vector<double>& parameters,
                                                         const std::vector<double>& initial) const override;
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>& parameters,
                                  const Network* network) const override;

 private:
  ModelDeclaration declaration_;
};

}  // namespace steppe::third_neighbor
