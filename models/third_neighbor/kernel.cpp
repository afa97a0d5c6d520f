// The third_neighbor monthly step (MODEL.md §7–8), vectorized over a block of members.
//
// Every quantity is an Eigen column across members; no per-member objects, virtual calls or
// branches. compile() resolves every slot and parameter once, so the step only indexes columns.
// The mechanisms and the article sections they stand for are listed in docs/model.md.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/network.hpp"
#include "engine/random.hpp"
#include "models/third_neighbor/third_neighbor.hpp"

namespace steppe::third_neighbor {

namespace {

using Column = Eigen::ArrayXd;

// Element by element with std::exp: Eigen's vectorized exp differs from the scalar one in the
// last bit, and it takes the scalar path for a block's remainder rows, so a member's result
// would depend on its row in the block. steppe promises bit-identical members for any blocking.
Column sigmoid(const Column& x) {
  return x.unaryExpr([](double value) { return 1.0 / (1.0 + std::exp(-value)); });
}

struct Globals {
  double tau_P, framing_gain, reassurance, concession_relief, standing_restraint, cross, signal_restraint,
      alignment, resilience_cushion, alpha, beta, gamma, theta_O, overreach, alliance_cost, E_ref, w_div, w_I,
      w_S, w_R, w_E, delta_div, iota, w_fin, w_min, w_comm, w_air, w_out, r_I, dI, r_S, dS, r_R, dR, eta_R,
      r_H, dH, r_Q, dQ, tf_dilution, tau_M, lam_up, lam_down, r_X, dX, basing_tension, h0, h1, theta_X, s_X,
      crisis_jump_C, crisis_jump_X, r_K, dK, s_K, concession_cost, concession_profile, kappa, turnover_shock,
      attention_drop, attention_months;
};

struct Neighbor {
  // state slots
  int threat_perception, coercion, dependence;
  // lever slots
  int hawkishness, inducements, direct_pressure;
  // parameters
  double theta, steep, k, fatigue, grievance, D_floor, D_max, air_floor;
};

struct Partner {
  std::array<int, partner_lever_count> engagement;  // state slots
  std::array<int, partner_lever_count> setting;     // lever slots
  int framing;
  int trust, expectation, elite_network, institutionalization, attention, attention_months_left, access;
  std::vector<int> edges;                 // network edges on this partner's routes
  std::vector<std::vector<int>> routes;   // positions into `edges`
};

struct Edge {
  double base;
  int gate;  // partner lever index, or -1
  std::vector<std::pair<int, double>> controls;  // (neighbor index, sensitivity)
};

class ThirdNeighborKernel final : public Kernel {
 public:
  ThirdNeighborKernel(const Layout& layout, const std::vector<double>& parameters, const Network* network);

  void initialize(MemberArrays& state, const MemberArrays& levers) const override;
  void apply_events(const StepContext& context, MemberArrays& state) const override;
  void advance(const StepContext& context, const MemberArrays& state, MemberArrays& next) const override;

 private:
  // V: visibility of all partners' engagement to the neighbors, amplified by framing.
  Column visibility(const MemberArrays& state, const MemberArrays& levers) const;
  // P*_n: the threat perception neighbor n is heading for.
  Column threat_target(const Neighbor& n, const Column& visibility, const MemberArrays& state,
                       const MemberArrays& levers) const;
  // Ē_p: mean realized engagement over the non-counter levers.
  Column mean_engagement(const Partner& p, const MemberArrays& state) const;
  // access_p: availability of at least one route to the focal state (1 without a network).
  Column route_access(const Partner& p, const MemberArrays& state) const;
  void write_diversification(MemberArrays& state) const;

  Globals g_;
  std::vector<Neighbor> neighbors_;
  std::vector<Partner> partners_;
  std::vector<Edge> edges_;
  // focal state slots and levers
  int autonomy_, institutional_capacity_, standing_, resilience_, concession_, diversification_;
  int tension_, crisis_;
  int outreach_, peacekeeping_deployments_, balanced_diplomacy_, concession_threshold_;
  std::vector<int> partner_of_actor_;  // actor index → partner index, -1 for others
};

ThirdNeighborKernel::ThirdNeighborKernel(const Layout& layout, const std::vector<double>& parameters,
                                         const Network* network) {
  auto state_slot = [&](const std::string& actor, const std::string& variable) {
    const int slot = layout.state_index(actor, variable);
    if (slot < 0) throw std::logic_error("third_neighbor: no state slot " + actor + "." + variable);
    return slot;
  };
  auto lever_slot = [&](const std::string& actor, const std::string& lever) {
    const int slot = layout.lever_index(actor, lever);
    if (slot < 0) throw std::logic_error("third_neighbor: no lever slot " + actor + "." + lever);
    return slot;
  };
  auto parameter = [&](const std::string& actor, const std::string& name) {
    const int slot = layout.parameter_index(actor, name);
    if (slot < 0) throw std::logic_error("third_neighbor: no parameter " + name);
    return parameters.at(slot);
  };
  auto global = [&](const char* name) { return parameter("", name); };

  g_ = {global("tau_P"), global("framing_gain"), global("reassurance"), global("concession_relief"),
        global("standing_restraint"), global("cross"), global("signal_restraint"), global("alignment"),
        global("resilience_cushion"), global("alpha"), global("beta"), global("gamma"), global("theta_O"),
        global("overreach"), global("alliance_cost"), global("E_ref"), global("w_div"), global("w_I"),
        global("w_S"), global("w_R"), global("w_E"), global("delta_div"), global("iota"), global("w_fin"),
        global("w_min"), global("w_comm"), global("w_air"), global("w_out"), global("r_I"), global("dI"),
        global("r_S"), global("dS"), global("r_R"), global("dR"), global("eta_R"), global("r_H"),
        global("dH"), global("r_Q"), global("dQ"), global("tf_dilution"), global("tau_M"), global("lam_up"),
        global("lam_down"), global("r_X"), global("dX"), global("basing_tension"), global("h0"),
        global("h1"), global("theta_X"), global("s_X"), global("crisis_jump_C"), global("crisis_jump_X"),
        global("r_K"), global("dK"), global("s_K"), global("concession_cost"), global("concession_profile"),
        global("kappa"), global("turnover_shock"), global("attention_drop"), global("attention_months")};

  const std::string focal = layout.actors_with_role("focal").at(0);
  autonomy_ = state_slot(focal, "autonomy");
  institutional_capacity_ = state_slot(focal, "institutional_capacity");
  standing_ = state_slot(focal, "standing");
  resilience_ = state_slot(focal, "resilience");
  concession_ = state_slot(focal, "concession");
  diversification_ = state_slot(focal, "diversification");
  tension_ = state_slot("system", "tension");
  crisis_ = state_slot("system", "crisis");
  outreach_ = lever_slot(focal, "outreach");
  peacekeeping_deployments_ = lever_slot(focal, "peacekeeping_deployments");
  balanced_diplomacy_ = lever_slot(focal, "balanced_diplomacy");
  concession_threshold_ = lever_slot(focal, "concession_threshold");

  for (const std::string& name : layout.actors_with_role("neighbor")) {
    neighbors_.push_back({state_slot(name, "threat_perception"), state_slot(name, "coercion"),
                          state_slot(focal, "dependence." + name), lever_slot(name, "hawkishness"),
                          lever_slot(name, "inducements"), lever_slot(name, "direct_pressure"),
                          parameter(name, "theta"), parameter(name, "steep"), parameter(name, "k"),
                          parameter(name, "fatigue"), parameter(name, "grievance"), parameter(name, "D_floor"),
                          parameter(name, "D_max"), parameter(name, "air_floor")});
  }

  if (network) {
    for (const Network::Edge& edge : network->edges()) {
      int gate = -1;
      if (!edge.gate.empty()) {
        const auto found = std::find_if(partner_levers.begin(), partner_levers.end(),
                                        [&](const PartnerLever& lever) { return lever.name == edge.gate; });
        if (found == partner_levers.end())
          throw std::logic_error("third_neighbor: gate is not a realized partner lever: " + edge.gate);
        gate = static_cast<int>(found - partner_levers.begin());
      }
      edges_.push_back({edge.base, gate, edge.controls});
    }
  }

  const std::vector<std::string> partner_names = layout.actors_with_role("partner");
  partner_of_actor_.assign(layout.actors().size(), -1);
  for (std::size_t index = 0; index < partner_names.size(); ++index) {
    const std::string& name = partner_names[index];
    Partner p;
    for (int l = 0; l < partner_lever_count; ++l) {
      const std::string lever(partner_levers[l].name);
      p.engagement[l] = state_slot(name, "engagement." + lever);
      p.setting[l] = lever_slot(name, lever);
    }
    p.framing = lever_slot(name, "framing");
    p.trust = state_slot(name, "trust");
    p.expectation = state_slot(name, "expectation");
    p.elite_network = state_slot(name, "elite_network");
    p.institutionalization = state_slot(name, "institutionalization");
    p.attention = state_slot(name, "attention");
    p.attention_months_left = state_slot(name, "attention_months_left");
    p.access = state_slot(name, "access");
    if (network) {
      // Only the edges on this partner's routes are evaluated for it, each once per step.
      for (const Network::Route& route : network->routes(static_cast<int>(index))) {
        std::vector<int> positions;
        for (int edge : route) {
          auto at = std::find(p.edges.begin(), p.edges.end(), edge);
          if (at == p.edges.end()) at = p.edges.insert(p.edges.end(), edge);
          positions.push_back(static_cast<int>(at - p.edges.begin()));
        }
        p.routes.push_back(std::move(positions));
      }
    }
    partners_.push_back(std::move(p));
    for (std::size_t actor = 0; actor < layout.actors().size(); ++actor)
      if (layout.actors()[actor].name == name) partner_of_actor_[actor] = static_cast<int>(index);
  }
}

Column ThirdNeighborKernel::visibility(const MemberArrays& state, const MemberArrays& levers) const {
  Column total = Column::Zero(state.rows());
  for (const Partner& p : partners_) {
    Column visible = Column::Zero(state.rows());
    for (int l = 0; l < partner_lever_count; ++l)
      visible += partner_levers[l].visibility * state.col(p.engagement[l]);
    total += visible * (1.0 + g_.framing_gain * levers.col(p.framing));
  }
  return total;
}

Column ThirdNeighborKernel::threat_target(const Neighbor& n, const Column& visibility, const MemberArrays& state,
                                          const MemberArrays& levers) const {
  return sigmoid(n.steep * (visibility - n.theta)) * (1.0 - g_.reassurance * levers.col(balanced_diplomacy_)) *
         (1.0 - g_.concession_relief * state.col(concession_));
}

Column ThirdNeighborKernel::mean_engagement(const Partner& p, const MemberArrays& state) const {
  Column sum = Column::Zero(state.rows());
  int count = 0;
  for (int l = 0; l < partner_lever_count; ++l) {
    if (partner_levers[l].counter()) continue;
    sum += state.col(p.engagement[l]);
    ++count;
  }
  return sum / count;
}

Column ThirdNeighborKernel::route_access(const Partner& p, const MemberArrays& state) const {
  if (p.routes.empty()) return Column::Ones(state.rows());
  std::vector<Column> edge_availability;
  edge_availability.reserve(p.edges.size());
  for (int edge_index : p.edges) {
    const Edge& edge = edges_[edge_index];
    Column availability = Column::Constant(state.rows(), edge.base);
    if (edge.gate >= 0) availability *= state.col(p.engagement[edge.gate]);
    for (const auto& [neighbor, sensitivity] : edge.controls)
      availability *= 1.0 - g_.kappa * sensitivity * state.col(neighbors_[neighbor].coercion);
    edge_availability.push_back(std::move(availability));
  }
  Column all_closed = Column::Ones(state.rows());
  for (const auto& route : p.routes) {
    Column route_availability = Column::Ones(state.rows());
    for (int position : route) route_availability *= edge_availability[position];
    all_closed *= 1.0 - route_availability;
  }
  return 1.0 - all_closed;
}

void ThirdNeighborKernel::write_diversification(MemberArrays& state) const {
  Column total = Column::Zero(state.rows());
  Column concentration = Column::Zero(state.rows());
  for (const Neighbor& n : neighbors_) {
    total += state.col(n.dependence);
    concentration += state.col(n.dependence).square();
  }
  concentration += (1.0 - total).square();
  state.col(diversification_) = 1.0 - concentration;
}

void ThirdNeighborKernel::initialize(MemberArrays& state, const MemberArrays& levers) const {
  for (const Partner& p : partners_) {
    state.col(p.expectation) = mean_engagement(p, state);
    state.col(p.attention_months_left).setZero();
    state.col(p.access) = route_access(p, state);
  }
  const Column V = visibility(state, levers);
  for (const Neighbor& n : neighbors_) state.col(n.threat_perception) = threat_target(n, V, state, levers);
  state.col(crisis_).setZero();
  write_diversification(state);
}

void ThirdNeighborKernel::apply_events(const StepContext& context, MemberArrays& state) const {
  const Eigen::Index members = state.rows();
  // A draw per member from its own stream: (seed, member) keyed, (month, draw) counted.
  auto uniform = [&](std::uint32_t draw) {
    Column u(members);
    for (Eigen::Index row = 0; row < members; ++row)
      u(row) = uniform_draw(context.seed, static_cast<std::uint64_t>(context.first_member + row),
                            static_cast<std::uint32_t>(context.month), draw);
    return u;
  };
  const auto& firings = *context.model_events;

  // MODEL.md §8 order: focal turnover, partner elections, crises; scenario jumps follow.
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != leadership_turnover) continue;
    const Column magnitude = context.stochastic ? Column(g_.turnover_shock * 2.0 * uniform(index))
                                                : Column::Constant(members, g_.turnover_shock);
    for (const Partner& p : partners_) {
      const Column kept = 1.0 - (magnitude * (1.0 - state.col(p.institutionalization)) *
                                 (1.0 - state.col(p.elite_network)))
                                    .max(0.0)
                                    .min(1.0);
      for (int l = 0; l < partner_lever_count; ++l) state.col(p.engagement[l]) *= kept;
      state.col(p.trust) *= kept;
    }
  }
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != partner_election) continue;
    const Partner& p = partners_[partner_of_actor_.at(firings[index].actor)];
    const Column u = context.stochastic ? uniform(index) : Column::Constant(members, 0.5);
    state.col(p.attention) = 1.0 - g_.attention_drop * 2.0 * u * (1.0 - state.col(p.elite_network));
    state.col(p.attention_months_left).setConstant(g_.attention_months);
  }

  state.col(crisis_).setZero();
  if (!context.stochastic) return;
  constexpr std::uint32_t crisis_draw = 0xFFFFu;
  const Column probability = g_.h0 + g_.h1 * sigmoid(g_.s_X * (state.col(tension_) - g_.theta_X));
  const Column crisis = (uniform(crisis_draw) < probability).cast<double>();
  state.col(crisis_) = crisis;
  for (const Neighbor& n : neighbors_)
    state.col(n.coercion) = (state.col(n.coercion) + g_.crisis_jump_C * crisis).min(1.0);
  state.col(tension_) = (state.col(tension_) + g_.crisis_jump_X * crisis).min(1.0);
}

void ThirdNeighborKernel::advance(const StepContext& context, const MemberArrays& s, MemberArrays& next) const {
  const MemberArrays& u = *context.levers;
  const Eigen::Index members = s.rows();
  const auto A = s.col(autonomy_), I = s.col(institutional_capacity_), S = s.col(standing_),
             R = s.col(resilience_), K = s.col(concession_), X = s.col(tension_);
  const auto k_F = u.col(peacekeeping_deployments_);

  // Step 3: derived quantities, all from the state at the start of the step.
  std::vector<Column> effectiveness, mean_engaged;
  Column support = Column::Zero(members), overreach_levers = Column::Zero(members);
  Column diversification_effort = g_.w_out * u.col(outreach_);
  Column max_air_link = Column::Zero(members), max_effectiveness = Column::Zero(members);
  Column defense_drive = Column::Zero(members), standing_drive = 0.5 * k_F;
  Column resilience_drive = Column::Zero(members), no_elite_tie = Column::Ones(members);
  Column senior_visits = Column::Zero(members), basing_total = Column::Zero(members);
  for (const Partner& p : partners_) {
    auto e = [&](int lever) { return s.col(p.engagement[lever]); };
    const auto framing = u.col(p.framing);
    Column eff = s.col(p.trust) * (0.5 + 0.5 * s.col(p.institutionalization)) *
                 (1.0 - g_.tf_dilution * e(new_task_forces));
    Column mean = mean_engagement(p, s);
    support += eff * mean;
    overreach_levers += e(formal_alliance) + e(basing);
    diversification_effort += eff * (g_.w_fin * e(development_finance) + g_.w_min * e(minerals_partnership) +
                                     g_.w_comm * e(commercial_diplomacy) + g_.w_air * e(air_link));
    max_air_link = max_air_link.max(e(air_link));
    max_effectiveness = max_effectiveness.max(eff);
    defense_drive += eff * (0.3 * e(pme) + 0.2 * e(peacekeeping_support) + 0.2 * e(khaan_quest) +
                            0.1 * e(exercise_observer) + 0.1 * e(equipment_transfer) + 0.1 * e(domain_awareness));
    standing_drive += 0.2 * e(khaan_quest) + 0.2 * e(convening_support) * (1.0 - framing) + 0.1 * e(quad_plus);
    resilience_drive += 0.3 * e(governance_support) + 0.2 * e(convening_support) * (1.0 - framing);
    no_elite_tie *= 1.0 - s.col(p.elite_network);
    senior_visits += e(high_level_visits);
    basing_total += e(basing);
    effectiveness.push_back(std::move(eff));
    mean_engaged.push_back(std::move(mean));
  }
  support = (support / g_.E_ref).min(1.0);
  const Column V = visibility(s, u);

  Column pressure_sum = Column::Zero(members), dependence_sum = Column::Zero(members);
  Column coercion_sum = Column::Zero(members), coercion_threat = Column::Zero(members);
  double floor_sum = 0;
  for (const Neighbor& n : neighbors_) {
    pressure_sum += s.col(n.coercion) * s.col(n.dependence);
    dependence_sum += s.col(n.dependence);
    coercion_sum += s.col(n.coercion);
    coercion_threat += s.col(n.coercion) * s.col(n.threat_perception);
    floor_sum += n.D_floor;
  }
  const Column pressure = pressure_sum * (1.0 - g_.resilience_cushion * R);
  const Column diversification = (1.0 - dependence_sum) / (1.0 - floor_sum);
  const Column overreach = g_.alliance_cost * overreach_levers + g_.overreach * (V - g_.theta_O).max(0.0);
  const Column drivers = g_.w_div * diversification + g_.w_I * I + g_.w_S * S + g_.w_R * R + g_.w_E * support;

  // Step 4: the new state, written to `next`.
  for (std::size_t index = 0; index < partners_.size(); ++index) {
    const Partner& p = partners_[index];
    const Column access = route_access(p, s);
    next.col(p.access) = access;
    const Column profile = 1.0 - g_.concession_profile * K;
    for (int l = 0; l < partner_lever_count; ++l) {
      const PartnerLever& lever = partner_levers[l];
      Column target = u.col(p.setting[l]) * s.col(p.attention);
      if (lever.needs_access) target *= access;
      if (lever.lowered_by_concession()) target *= profile;
      next.col(p.engagement[l]) = s.col(p.engagement[l]) + (target - s.col(p.engagement[l])) / lever.lag_months;
    }
    const auto e = [&](int lever) { return s.col(p.engagement[lever]); };
    const auto H = s.col(p.elite_network), Q = s.col(p.institutionalization), M = s.col(p.expectation),
               T = s.col(p.trust);
    const Column& mean = mean_engaged[index];
    next.col(p.elite_network) = H + g_.r_H * e(education_exchange) * (1.0 - H) - g_.dH * H;
    next.col(p.institutionalization) =
        Q + g_.r_Q * (0.7 * e(strategic_dialogue) + 0.3 * e(high_level_visits)) * (1.0 - Q) - g_.dQ * Q;
    next.col(p.expectation) = M + (mean - M) / g_.tau_M;
    next.col(p.trust) = T + g_.lam_up * ((mean.min(M) / g_.E_ref).min(1.0) - T) -
                        g_.lam_down * (M - mean).max(0.0) * T;
    // Attention holds through its window, then returns to 1: the countdown of MODEL.md step 5,
    // taken here on the committed values (clipping never touches the countdown).
    const Column left = (s.col(p.attention_months_left) - 1.0).max(0.0);
    next.col(p.attention_months_left) = left;
    next.col(p.attention) = (s.col(p.attention_months_left) > 0.0 && left == 0.0).select(1.0, s.col(p.attention));
  }

  const double other_neighbors = std::max<double>(1.0, static_cast<double>(neighbors_.size()) - 1.0);
  for (const Neighbor& n : neighbors_) {
    const auto P = s.col(n.threat_perception), C = s.col(n.coercion), D = s.col(n.dependence);
    next.col(n.threat_perception) = P + (threat_target(n, V, s, u) - P) / g_.tau_P;
    const Column others_mean = neighbors_.size() > 1 ? Column((coercion_sum - C) / other_neighbors)
                                                     : Column(Column::Zero(members));
    next.col(n.coercion) =
        C + n.k * (0.5 + u.col(n.hawkishness)) * P * (1.0 - C) -
        n.fatigue * (1.0 + g_.standing_restraint * S + g_.signal_restraint * senior_visits) * C + n.grievance +
        g_.cross * g_.alignment * others_mean + u.col(n.direct_pressure);
    const Column floor = n.D_floor - n.air_floor * max_air_link;
    next.col(n.dependence) =
        D - g_.delta_div * diversification_effort * (D - floor) + g_.iota * u.col(n.inducements) * (n.D_max - D);
  }

  next.col(concession_) =
      K + g_.r_K * sigmoid(g_.s_K * (pressure - u.col(concession_threshold_))) * (1.0 - K) - g_.dK * K;
  next.col(autonomy_) = A + g_.alpha * drivers * (1.0 - A) - g_.beta * pressure * A - g_.gamma * overreach * A -
                        g_.concession_cost * K * A;
  next.col(institutional_capacity_) =
      I + g_.r_I * (defense_drive + 0.5 * k_F * max_effectiveness) * (1.0 - I) - g_.dI * I;
  next.col(standing_) = S + g_.r_S * standing_drive * (1.0 - S) - g_.dS * S;
  next.col(resilience_) = R + g_.r_R * (0.5 * (1.0 - no_elite_tie) + resilience_drive) * (1.0 - R) - g_.dR * R -
                          g_.eta_R * pressure * R;
  next.col(tension_) = X + g_.r_X * (coercion_threat + g_.basing_tension * basing_total) * (1.0 - X) - g_.dX * X;
  next.col(crisis_) = s.col(crisis_);

  // Step 5: commit with clipping (all but the expectation and the countdown).
  auto clip = [&](int slot) { next.col(slot) = next.col(slot).max(0.0).min(1.0); };
  for (int slot : {autonomy_, institutional_capacity_, standing_, resilience_, concession_, tension_}) clip(slot);
  for (const Neighbor& n : neighbors_)
    for (int slot : {n.threat_perception, n.coercion, n.dependence}) clip(slot);
  for (const Partner& p : partners_) {
    for (int slot : p.engagement) clip(slot);
    for (int slot : {p.trust, p.elite_network, p.institutionalization, p.attention}) clip(slot);
  }
  write_diversification(next);
}

}  // namespace

std::unique_ptr<Kernel> ThirdNeighborModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                                    const Network* network) const {
  return std::make_unique<ThirdNeighborKernel>(layout, parameters, network);
}

}  // namespace steppe::third_neighbor
