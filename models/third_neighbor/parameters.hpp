// The third_neighbor parameters (docs/model.md §7.2), each written once: the lists below make
// both the declaration (name, default, range, unit, help, source) and the kernel's binding of
// each parameter to the member of Globals or NeighborParameters that bears its name. Adding,
// removing or reordering a line therefore cannot bind a value to the wrong member, and the
// declaration cannot drift from the kernel: there is nothing to keep in step by hand.
#pragma once

#include <string>
#include <vector>

#include "engine/model.hpp"

namespace steppe::third_neighbor {

// The global parameters, one X(name, default, min, max, unit, help) each, in declaration order
// (the order `steppe describe` lists them in). Their source is the calibration of
// docs/model.md §7.2.
#define STEPPE_THIRD_NEIGHBOR_GLOBAL_PARAMETERS(X)                                                       \
  X(tau_P, 3, 1, 120, "months", "months for threat perception to reach its target")                      \
  X(framing_gain, 2, 0, 10, "", "how much declaratory framing amplifies visibility")                     \
  X(reassurance, 0.5, 0, 1, "", "how far balanced diplomacy lowers neighbors' threat perception")        \
  X(concession_relief, 0.8, 0, 1, "", "how far the focal state's concession lowers threat perception")   \
  X(standing_restraint, 0.5, 0, 10, "", "how far international standing raises coercion fatigue")        \
  X(cross, 0.03, 0, 1, "1/month", "how much one neighbor's coercion pulls the other's along")            \
  X(signal_restraint, 0.2, 0, 10, "", "how far high-level visits raise coercion fatigue")                \
  X(alignment, 0.5, 0, 1, "", "alignment between the neighbors")                                         \
  X(resilience_cushion, 0.5, 0, 1, "", "how far democratic resilience cushions pressure")                \
  X(alpha, 0.05, 0, 1, "1/month", "autonomy growth rate from its drivers")                               \
  X(beta, 0.30, 0, 5, "1/month", "autonomy loss rate per unit of effective pressure")                    \
  X(gamma, 0.05, 0, 5, "1/month", "autonomy loss rate per unit of overreach")                            \
  X(theta_O, 3, 0, 20, "", "visibility above which engagement becomes overreach")                        \
  X(overreach, 0.1, 0, 5, "", "overreach per unit of visibility above theta_O")                          \
  X(alliance_cost, 0.5, 0, 5, "", "overreach per unit of basing or formal alliance")                     \
  X(E_ref, 0.5, 0.01, 1, "", "engagement level that counts as full support")                             \
  X(w_div, 0.3, 0, 1, "", "weight of diversification in autonomy's drivers")                             \
  X(w_I, 0.2, 0, 1, "", "weight of institutional capacity in autonomy's drivers")                        \
  X(w_S, 0.1, 0, 1, "", "weight of standing in autonomy's drivers")                                      \
  X(w_R, 0.1, 0, 1, "", "weight of resilience in autonomy's drivers")                                    \
  X(w_E, 0.3, 0, 1, "", "weight of partner support in autonomy's drivers")                               \
  X(delta_div, 0.010, 0, 1, "1/month", "rate at which diversification effort lowers dependence")         \
  X(iota, 0.004, 0, 1, "1/month", "rate at which neighbors' inducements raise dependence")               \
  X(w_fin, 0.3, 0, 1, "", "weight of development finance in diversification")                            \
  X(w_min, 0.3, 0, 1, "", "weight of the minerals partnership in diversification")                       \
  X(w_comm, 0.2, 0, 1, "", "weight of commercial diplomacy in diversification")                          \
  X(w_air, 0.2, 0, 1, "", "weight of air links in diversification")                                      \
  X(w_out, 0.3, 0, 1, "", "weight of the focal state's own outreach in diversification")                 \
  X(r_I, 0.02, 0, 1, "1/month", "institutional capacity growth rate")                                    \
  X(dI, 0.004, 0, 1, "1/month", "institutional capacity decay rate")                                     \
  X(r_S, 0.02, 0, 1, "1/month", "standing growth rate")                                                  \
  X(dS, 0.005, 0, 1, "1/month", "standing decay rate")                                                   \
  X(r_R, 0.01, 0, 1, "1/month", "resilience growth rate")                                                \
  X(dR, 0.002, 0, 1, "1/month", "resilience decay rate")                                                 \
  X(eta_R, 0.02, 0, 1, "1/month", "resilience erosion per unit of effective pressure")                   \
  X(r_H, 0.006, 0, 1, "1/month", "elite network growth rate")                                            \
  X(dH, 0.003, 0, 1, "1/month", "elite network decay rate")                                              \
  X(r_Q, 0.03, 0, 1, "1/month", "institutionalization growth rate")                                      \
  X(dQ, 0.01, 0, 1, "1/month", "institutionalization decay rate")                                        \
  X(tf_dilution, 0.5, 0, 1, "", "how far new task forces dilute engagement's effectiveness")             \
  X(tau_M, 12, 1, 120, "months", "months of memory in the expectation of engagement")                    \
  X(lam_up, 0.04, 0, 1, "1/month", "rate at which trust builds")                                         \
  X(lam_down, 0.6, 0, 5, "1/month", "rate at which trust falls when engagement drops below expectation") \
  X(r_X, 0.08, 0, 1, "1/month", "tension growth rate")                                                   \
  X(dX, 0.05, 0, 1, "1/month", "tension decay rate")                                                     \
  X(basing_tension, 0.5, 0, 5, "", "tension per unit of basing")                                         \
  X(h0, 0.002, 0, 1, "probability", "monthly crisis probability at low tension")                         \
  X(h1, 0.03, 0, 1, "probability", "added monthly crisis probability at high tension")                   \
  X(theta_X, 0.5, 0, 1, "", "tension at which crisis risk is half way up")                               \
  X(s_X, 10, 0, 200, "", "steepness of crisis risk in tension")                                          \
  X(crisis_jump_C, 0.15, 0, 1, "", "jump in every neighbor's coercion in a crisis")                      \
  X(crisis_jump_X, 0.2, 0, 1, "", "jump in tension in a crisis")                                         \
  X(r_K, 0.5, 0, 1, "1/month", "rate at which the focal state concedes under pressure")                  \
  X(dK, 0.15, 0, 1, "1/month", "rate at which concession relaxes")                                       \
  X(s_K, 60, 0, 1000, "", "steepness of concession in pressure above the threshold")                     \
  X(concession_cost, 0.01, 0, 1, "1/month", "autonomy lost per unit of concession")                      \
  X(concession_profile, 0.5, 0, 1, "", "how far concession lowers visible engagement")                   \
  X(kappa, 0.8, 0, 1, "", "how far coercion closes a controlled route")                                  \
  X(turnover_shock, 0.3, 0, 1, "", "engagement and trust lost at a focal leadership turnover")           \
  X(attention_drop, 0.3, 0, 1, "", "partner attention lost after a partner election")                    \
  X(attention_months, 12, 1, 120, "months", "months a partner's attention stays low after an election")

// The per-neighbor parameters (addressed CHN.theta), one X(name, CHN, RUS, any other neighbor,
// min, max, unit, help, source) each, in declaration order. The calibration names CHN and RUS;
// any other neighbor starts neutral (docs/model.md, "Naming in scenarios").
#define STEPPE_THIRD_NEIGHBOR_NEIGHBOR_PARAMETERS(X)                                                                   \
  X(theta, 2.0, 2.4, 2.0, 0, 20, "", "visibility at which threat perception is half way up",                           \
    "Challenges and Limitations")                                                                                      \
  X(steep, 2.5, 2.0, 2.0, 0, 50, "", "steepness of threat perception in visibility", "Challenges and Limitations")     \
  X(k, 0.20, 0.15, 0.15, 0, 1, "1/month", "coercion reaction rate to threat perception", "Challenges and Limitations") \
  X(fatigue, 0.10, 0.10, 0.10, 0, 1, "1/month", "coercion fatigue rate", "Challenges and Limitations")                 \
  X(grievance, 0.010, 0.008, 0.0, 0, 1, "1/month", "coercion grievance term", "Challenges and Limitations")            \
  X(D_floor, 0.45, 0.22, 0.0, 0, 1, "", "dependence no diversification can remove",                                    \
    "Economic Dimensions of Defense Cooperation")                                                                      \
  X(D_max, 0.80, 0.45, 0.0, 0, 1, "", "dependence the neighbor's inducements aim at",                                  \
    "Economic Dimensions of Defense Cooperation")                                                                      \
  X(air_floor, 0.03, 0.03, 0.0, 0, 1, "", "how far air links lower the dependence floor",                              \
    "Economic Dimensions of Defense Cooperation")

// A parameter as the kernel reads it: its value for every member, and its slot for when members
// have their own (StepContext::parameters).
struct Coefficient {
  double value = 0;
  int slot = -1;
};

// One member per global parameter, named as the parameter is.
struct Globals {
#define STEPPE_THIRD_NEIGHBOR_MEMBER(name, ...) Coefficient name;
  STEPPE_THIRD_NEIGHBOR_GLOBAL_PARAMETERS(STEPPE_THIRD_NEIGHBOR_MEMBER)
};

// One member per per-neighbor parameter, named as the parameter is: one neighbor's values.
struct NeighborParameters {
  STEPPE_THIRD_NEIGHBOR_NEIGHBOR_PARAMETERS(STEPPE_THIRD_NEIGHBOR_MEMBER)
#undef STEPPE_THIRD_NEIGHBOR_MEMBER
};

// The declarations of every parameter: the global ones, then the per-neighbor ones.
std::vector<ParameterDecl> parameter_declarations();

// Each member bound to the parameter of its name in the layout, with its value from `values`
// (one per parameter slot). Throws std::logic_error when the layout lacks one.
Globals bind_globals(const Layout& layout, const std::vector<double>& values);
NeighborParameters bind_neighbor_parameters(const Layout& layout, const std::vector<double>& values,
                                            const std::string& neighbor);

}  // namespace steppe::third_neighbor
