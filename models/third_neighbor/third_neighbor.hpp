// The Third Neighbor model (MODEL.md v1): Mongolia between two neighbors and its partners.
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
// Three files: this header (the lever table, shared by both .cpp files), declaration.cpp (the
// one declaration table: roles, variables, parameters, levers, events) and kernel.cpp (the
// vectorized monthly step).
#pragma once

#include <array>
#include <string_view>

#include "engine/model.hpp"

namespace steppe::third_neighbor {

// One partner lever of MODEL.md §4: visibility to the neighbors, implementation lag, whether
// realizing it needs logistics access, whether the focal state lowers it when it concedes.
struct PartnerLever {
  std::string_view name;
  std::string_view domain;
  double visibility;
  double lag_months;
  bool needs_access;
  double status_quo;
  std::string_view help;
  std::string_view source;
  bool counter() const { return domain == "counter"; }
  // "defense levers and any lever with vis >= 0.2" (MODEL.md §4)
  bool lowered_by_concession() const { return domain == "defense" || visibility >= 0.2; }
};

inline constexpr int partner_lever_count = 19;
extern const std::array<PartnerLever, partner_lever_count> partner_levers;

// Indices into partner_levers of the levers the equations name.
enum PartnerLeverIndex : int {
  pme, peacekeeping_support, khaan_quest, exercise_observer, equipment_transfer, domain_awareness,
  development_finance, minerals_partnership, commercial_diplomacy, air_link, education_exchange,
  governance_support, strategic_dialogue, high_level_visits, quad_plus, convening_support, basing,
  formal_alliance, new_task_forces
};

// The model's event kinds, in the order they fire within a month (MODEL.md §8).
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
