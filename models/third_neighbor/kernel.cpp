// The third_neighbor monthly step (MODEL.md §7–8), fused and vectorized over a block of members.
//
// The block is walked in chunks of up to 64 members. For one chunk, every equation is an Eigen
// expression over column segments and fixed-capacity temporaries on the stack (no heap
// allocation), each partner is visited once per step, and exp is steppe's repeatable one, so the
// compiler vectorizes the whole chunk and a member's bits never depend on its row. compile()
// resolves every slot and parameter once, so the step only indexes columns.
//
// Parameters are read through a reader: as plain scalars when no parameter varies across the
// members of a run (the common case), or from the block's per-member parameter columns when a
// scenario makes some uncertain. The equations are written once for both; the tests check that
// both give the same numbers. The mechanisms and the article sections they stand for are listed
// in docs/model.md.
#include <algorithm>
#include <stdexcept>

#include "engine/network.hpp"
#include "engine/random.hpp"
#include "engine/repeatable_math.hpp"
#include "models/third_neighbor/third_neighbor.hpp"

namespace steppe::third_neighbor {

namespace {

// 64 members: the temporaries of a chunk (a few dozen of 512 bytes) stay in the L1 cache.
constexpr Eigen::Index chunk_capacity = 64;
using Chunk = Eigen::Array<double, Eigen::Dynamic, 1, Eigen::ColMajor, chunk_capacity, 1>;

// The rows [first, first + count) of a block.
struct Rows {
  Eigen::Index first, count;
  auto operator()(const MemberArrays& arrays, int slot) const { return arrays.col(slot).segment(first, count); }
  auto operator()(MemberArrays& arrays, int slot) const { return arrays.col(slot).segment(first, count); }
};

template <typename Expression>
Chunk sigmoid(const Eigen::ArrayBase<Expression>& x) {
  Chunk result = x;
  double* values = result.data();
  for (Eigen::Index i = 0; i < result.size(); ++i) values[i] = repeatable_sigmoid(values[i]);
  return result;
}

// A parameter: its value for every member, and its slot for when members have their own.
struct Coefficient {
  double value = 0;
  int slot = -1;
};

// Parameters shared by every member: each coefficient is a scalar.
//
// Divisions are the slowest vector instructions by far, so a division by a parameter is a
// multiplication by its inverse(), computed once per chunk.
struct SharedParameters {
  double operator()(const Coefficient& coefficient) const { return coefficient.value; }
  double inverse(const Coefficient& coefficient) const { return 1.0 / coefficient.value; }
};

// Parameters per member (some are uncertain): each coefficient is a column segment.
struct MemberParameters {
  const MemberArrays& values;
  Rows rows;
  auto operator()(const Coefficient& coefficient) const { return rows(values, coefficient.slot); }
  Chunk inverse(const Coefficient& coefficient) const { return 1.0 / rows(values, coefficient.slot); }
};

struct Globals {
  Coefficient tau_P, framing_gain, reassurance, concession_relief, standing_restraint, cross, signal_restraint,
      alignment, resilience_cushion, alpha, beta, gamma, theta_O, overreach, alliance_cost, E_ref, w_div, w_I, w_S,
      w_R, w_E, delta_div, iota, w_fin, w_min, w_comm, w_air, w_out, r_I, dI, r_S, dS, r_R, dR, eta_R, r_H, dH, r_Q,
      dQ, tf_dilution, tau_M, lam_up, lam_down, r_X, dX, basing_tension, h0, h1, theta_X, s_X, crisis_jump_C,
      crisis_jump_X, r_K, dK, s_K, concession_cost, concession_profile, kappa, turnover_shock, attention_drop,
      attention_months;
};

struct Neighbor {
  // state slots
  int threat_perception, coercion, dependence;
  // lever slots
  int hawkishness, inducements, direct_pressure;
  // parameters
  Coefficient theta, steep, k, fatigue, grievance, D_floor, D_max, air_floor;
};

struct Partner {
  std::array<int, partner_lever_count> engagement;  // state slots
  std::array<int, partner_lever_count> setting;     // lever slots
  int framing;
  int trust, expectation, elite_network, institutionalization, attention, attention_months_left, access;
  std::vector<std::vector<int>> routes;  // indices into the kernel's edges
};

struct Edge {
  double base;
  int gate;  // partner lever index, or -1
  std::vector<std::pair<int, double>> controls;  // (neighbor index, sensitivity)
};

class ThirdNeighborKernel final : public Kernel {
 public:
  ThirdNeighborKernel(const Layout& layout, const std::vector<double>& parameters, const Network* network);

  void initialize(const StepContext& context, MemberArrays& state) const override {
    for_each_chunk(context, state.rows(), [&](const auto& parameter, const Rows& rows) {
      initialize_rows(parameter, *context.levers, rows, state);
    });
  }
  void apply_events(const StepContext& context, MemberArrays& state) const override {
    for_each_chunk(context, state.rows(), [&](const auto& parameter, const Rows& rows) {
      apply_events_rows(parameter, context, rows, state);
    });
  }
  void advance(const StepContext& context, const MemberArrays& state, MemberArrays& next) const override {
    for_each_chunk(context, state.rows(), [&](const auto& parameter, const Rows& rows) {
      advance_rows(parameter, *context.levers, rows, state, next);
    });
  }

 private:
  // Calls work(parameter reader, rows) for each chunk of the block.
  template <typename Work>
  void for_each_chunk(const StepContext& context, Eigen::Index members, const Work& work) const {
    for (Eigen::Index first = 0; first < members; first += chunk_capacity) {
      const Rows rows{first, std::min(chunk_capacity, members - first)};
      if (context.parameters)
        work(MemberParameters{*context.parameters, rows}, rows);
      else
        work(SharedParameters{}, rows);
    }
  }

  template <typename Parameter>
  void initialize_rows(const Parameter& p, const MemberArrays& u, const Rows& rows, MemberArrays& s) const;
  template <typename Parameter>
  void apply_events_rows(const Parameter& p, const StepContext& context, const Rows& rows, MemberArrays& s) const;
  template <typename Parameter>
  void advance_rows(const Parameter& p, const MemberArrays& u, const Rows& rows, const MemberArrays& s,
                    MemberArrays& next) const;

  // Ē_p: mean realized engagement over the non-counter levers.
  Chunk mean_engagement(const Partner& partner, const Rows& rows, const MemberArrays& s) const;
  // The engagement of partner p visible to the neighbors, before framing.
  Chunk visible_engagement(const Partner& partner, const Rows& rows, const MemberArrays& s) const;
  // P*_n: the threat perception neighbor n is heading for, given the visibility V.
  template <typename Parameter>
  Chunk threat_target(const Parameter& p, const Neighbor& neighbor, const Chunk& V, const MemberArrays& u,
                      const Rows& rows, const MemberArrays& s) const;
  // access_p: availability of at least one route to the focal state (1 without a network).
  template <typename Parameter>
  Chunk route_access(const Parameter& p, const Partner& partner, const Rows& rows, const MemberArrays& s) const;
  void write_diversification(const Rows& rows, MemberArrays& s) const;

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
    return Coefficient{parameters.at(slot), slot};
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
    if (network)
      for (const Network::Route& route : network->routes(static_cast<int>(index))) p.routes.push_back(route);
    partners_.push_back(std::move(p));
    for (std::size_t actor = 0; actor < layout.actors().size(); ++actor)
      if (layout.actors()[actor].name == name) partner_of_actor_[actor] = static_cast<int>(index);
  }
}

Chunk ThirdNeighborKernel::mean_engagement(const Partner& partner, const Rows& rows, const MemberArrays& s) const {
  Chunk sum = Chunk::Zero(rows.count);
  int count = 0;
  for (int l = 0; l < partner_lever_count; ++l) {
    if (partner_levers[l].counter()) continue;
    sum += rows(s, partner.engagement[l]);
    ++count;
  }
  return sum * (1.0 / count);
}

Chunk ThirdNeighborKernel::visible_engagement(const Partner& partner, const Rows& rows,
                                              const MemberArrays& s) const {
  Chunk visible = Chunk::Zero(rows.count);
  for (int l = 0; l < partner_lever_count; ++l)
    visible += partner_levers[l].visibility * rows(s, partner.engagement[l]);
  return visible;
}

template <typename Parameter>
Chunk ThirdNeighborKernel::threat_target(const Parameter& p, const Neighbor& neighbor, const Chunk& V,
                                         const MemberArrays& u, const Rows& rows, const MemberArrays& s) const {
  return sigmoid(p(neighbor.steep) * (V - p(neighbor.theta))) *
         (1.0 - p(g_.reassurance) * rows(u, balanced_diplomacy_)) *
         (1.0 - p(g_.concession_relief) * rows(s, concession_));
}

template <typename Parameter>
Chunk ThirdNeighborKernel::route_access(const Parameter& p, const Partner& partner, const Rows& rows,
                                        const MemberArrays& s) const {
  if (partner.routes.empty()) return Chunk::Ones(rows.count);
  Chunk all_closed = Chunk::Ones(rows.count);
  for (const auto& route : partner.routes) {
    Chunk route_availability = Chunk::Ones(rows.count);
    for (int edge_index : route) {
      const Edge& edge = edges_[edge_index];
      Chunk availability = Chunk::Constant(rows.count, edge.base);
      if (edge.gate >= 0) availability *= rows(s, partner.engagement[edge.gate]);
      for (const auto& [neighbor, sensitivity] : edge.controls)
        availability *= 1.0 - p(g_.kappa) * sensitivity * rows(s, neighbors_[neighbor].coercion);
      route_availability *= availability;
    }
    all_closed *= 1.0 - route_availability;
  }
  return 1.0 - all_closed;
}

void ThirdNeighborKernel::write_diversification(const Rows& rows, MemberArrays& s) const {
  Chunk total = Chunk::Zero(rows.count);
  Chunk concentration = Chunk::Zero(rows.count);
  for (const Neighbor& n : neighbors_) {
    total += rows(s, n.dependence);
    concentration += rows(s, n.dependence).square();
  }
  concentration += (1.0 - total).square();
  rows(s, diversification_) = 1.0 - concentration;
}

template <typename Parameter>
void ThirdNeighborKernel::initialize_rows(const Parameter& p, const MemberArrays& u, const Rows& rows,
                                          MemberArrays& s) const {
  Chunk V = Chunk::Zero(rows.count);
  for (const Partner& partner : partners_) {
    rows(s, partner.expectation) = mean_engagement(partner, rows, s);
    rows(s, partner.attention_months_left).setZero();
    rows(s, partner.access) = route_access(p, partner, rows, s);
    V += visible_engagement(partner, rows, s) * (1.0 + p(g_.framing_gain) * rows(u, partner.framing));
  }
  for (const Neighbor& n : neighbors_) rows(s, n.threat_perception) = threat_target(p, n, V, u, rows, s);
  rows(s, crisis_).setZero();
  write_diversification(rows, s);
}

template <typename Parameter>
void ThirdNeighborKernel::apply_events_rows(const Parameter& p, const StepContext& context, const Rows& rows,
                                            MemberArrays& s) const {
  const Eigen::Index n = rows.count;
  // A draw per member from its own stream: (seed, member) keyed, (month, draw) counted.
  auto uniform = [&](std::uint32_t draw) {
    Chunk u(n);
    const auto first = static_cast<std::uint64_t>(context.first_member + rows.first);
    for (Eigen::Index row = 0; row < n; ++row)
      u[row] = uniform_draw(context.seed, first + static_cast<std::uint64_t>(row),
                            static_cast<std::uint32_t>(context.month), draw);
    return u;
  };
  const auto& firings = *context.model_events;

  // MODEL.md §8 order: focal turnover, partner elections, crises; scenario jumps follow.
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != leadership_turnover) continue;
    const Chunk magnitude = context.stochastic ? Chunk(p(g_.turnover_shock) * 2.0 * uniform(index))
                                               : Chunk(Chunk::Zero(n) + p(g_.turnover_shock));
    for (const Partner& partner : partners_) {
      const Chunk kept = 1.0 - (magnitude * (1.0 - rows(s, partner.institutionalization)) *
                                (1.0 - rows(s, partner.elite_network)))
                                   .max(0.0)
                                   .min(1.0);
      for (int l = 0; l < partner_lever_count; ++l) rows(s, partner.engagement[l]) *= kept;
      rows(s, partner.trust) *= kept;
    }
  }
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != partner_election) continue;
    const Partner& partner = partners_[partner_of_actor_.at(firings[index].actor)];
    const Chunk u = context.stochastic ? uniform(index) : Chunk(Chunk::Constant(n, 0.5));
    rows(s, partner.attention) = 1.0 - p(g_.attention_drop) * 2.0 * u * (1.0 - rows(s, partner.elite_network));
    rows(s, partner.attention_months_left) = Chunk::Zero(n) + p(g_.attention_months);
  }

  rows(s, crisis_).setZero();
  if (!context.stochastic) return;
  constexpr std::uint32_t crisis_draw = 0xFFFFu;
  const Chunk probability = p(g_.h0) + p(g_.h1) * sigmoid(p(g_.s_X) * (rows(s, tension_) - p(g_.theta_X)));
  const Chunk crisis = (uniform(crisis_draw) < probability).template cast<double>();
  rows(s, crisis_) = crisis;
  for (const Neighbor& neighbor : neighbors_)
    rows(s, neighbor.coercion) = (rows(s, neighbor.coercion) + p(g_.crisis_jump_C) * crisis).min(1.0);
  rows(s, tension_) = (rows(s, tension_) + p(g_.crisis_jump_X) * crisis).min(1.0);
}

template <typename Parameter>
void ThirdNeighborKernel::advance_rows(const Parameter& p, const MemberArrays& u, const Rows& rows,
                                       const MemberArrays& s, MemberArrays& next) const {
  const Eigen::Index members = rows.count;
  const auto A = rows(s, autonomy_), I = rows(s, institutional_capacity_), S = rows(s, standing_),
             R = rows(s, resilience_), K = rows(s, concession_), X = rows(s, tension_);
  const auto k_F = rows(u, peacekeeping_deployments_);
  const Chunk profile = 1.0 - p(g_.concession_profile) * K;
  const auto inverse_tau_M = p.inverse(g_.tau_M), inverse_E_ref = p.inverse(g_.E_ref),
             inverse_tau_P = p.inverse(g_.tau_P);

  // Steps 3 and 4 for each partner at once: its contributions to the derived quantities, all
  // from the state at the start of the step, and its own new state (which needs only its own).
  Chunk support = Chunk::Zero(members), overreach_levers = Chunk::Zero(members);
  Chunk diversification_effort = p(g_.w_out) * rows(u, outreach_);
  Chunk max_air_link = Chunk::Zero(members), max_effectiveness = Chunk::Zero(members);
  Chunk defense_drive = Chunk::Zero(members), standing_drive = 0.5 * k_F;
  Chunk resilience_drive = Chunk::Zero(members), no_elite_tie = Chunk::Ones(members);
  Chunk senior_visits = Chunk::Zero(members), basing_total = Chunk::Zero(members);
  Chunk V = Chunk::Zero(members);  // visibility of all partners' engagement, amplified by framing
  for (const Partner& partner : partners_) {
    auto e = [&](int lever) { return rows(s, partner.engagement[lever]); };
    const auto framing = rows(u, partner.framing);
    const auto H = rows(s, partner.elite_network), Q = rows(s, partner.institutionalization),
               M = rows(s, partner.expectation), T = rows(s, partner.trust);
    const Chunk effectiveness = T * (0.5 + 0.5 * Q) * (1.0 - p(g_.tf_dilution) * e(new_task_forces));
    const Chunk mean = mean_engagement(partner, rows, s);
    support += effectiveness * mean;
    overreach_levers += e(formal_alliance) + e(basing);
    diversification_effort += effectiveness * (p(g_.w_fin) * e(development_finance) +
                                               p(g_.w_min) * e(minerals_partnership) +
                                               p(g_.w_comm) * e(commercial_diplomacy) + p(g_.w_air) * e(air_link));
    max_air_link = max_air_link.max(e(air_link));
    max_effectiveness = max_effectiveness.max(effectiveness);
    defense_drive += effectiveness * (0.3 * e(pme) + 0.2 * e(peacekeeping_support) + 0.2 * e(khaan_quest) +
                                      0.1 * e(exercise_observer) + 0.1 * e(equipment_transfer) +
                                      0.1 * e(domain_awareness));
    standing_drive += 0.2 * e(khaan_quest) + 0.2 * e(convening_support) * (1.0 - framing) + 0.1 * e(quad_plus);
    resilience_drive += 0.3 * e(governance_support) + 0.2 * e(convening_support) * (1.0 - framing);
    no_elite_tie *= 1.0 - H;
    senior_visits += e(high_level_visits);
    basing_total += e(basing);
    V += visible_engagement(partner, rows, s) * (1.0 + p(g_.framing_gain) * framing);

    const Chunk access = route_access(p, partner, rows, s);
    rows(next, partner.access) = access;
    for (int l = 0; l < partner_lever_count; ++l) {
      const PartnerLever& lever = partner_levers[l];
      Chunk target = rows(u, partner.setting[l]) * rows(s, partner.attention);
      if (lever.needs_access) target *= access;
      if (lever.lowered_by_concession()) target *= profile;
      rows(next, partner.engagement[l]) = e(l) + (target - e(l)) * (1.0 / lever.lag_months);
    }
    rows(next, partner.elite_network) = H + p(g_.r_H) * e(education_exchange) * (1.0 - H) - p(g_.dH) * H;
    rows(next, partner.institutionalization) =
        Q + p(g_.r_Q) * (0.7 * e(strategic_dialogue) + 0.3 * e(high_level_visits)) * (1.0 - Q) - p(g_.dQ) * Q;
    rows(next, partner.expectation) = M + (mean - M) * inverse_tau_M;
    rows(next, partner.trust) = T + p(g_.lam_up) * ((mean.min(M) * inverse_E_ref).min(1.0) - T) -
                                p(g_.lam_down) * (M - mean).max(0.0) * T;
    // Attention holds through its window, then returns to 1: the countdown of MODEL.md step 5,
    // taken here on the committed values (clipping never touches the countdown).
    const auto months_left = rows(s, partner.attention_months_left);
    const Chunk left = (months_left - 1.0).max(0.0);
    rows(next, partner.attention_months_left) = left;
    rows(next, partner.attention) = (months_left > 0.0 && left == 0.0).select(1.0, rows(s, partner.attention));
  }
  support = (support * inverse_E_ref).min(1.0);

  Chunk pressure_sum = Chunk::Zero(members), dependence_sum = Chunk::Zero(members);
  Chunk coercion_sum = Chunk::Zero(members), coercion_threat = Chunk::Zero(members);
  Chunk floor_sum = Chunk::Zero(members);
  for (const Neighbor& n : neighbors_) {
    pressure_sum += rows(s, n.coercion) * rows(s, n.dependence);
    dependence_sum += rows(s, n.dependence);
    coercion_sum += rows(s, n.coercion);
    coercion_threat += rows(s, n.coercion) * rows(s, n.threat_perception);
    floor_sum += p(n.D_floor);
  }
  const Chunk pressure = pressure_sum * (1.0 - p(g_.resilience_cushion) * R);
  const Chunk diversification = (1.0 - dependence_sum) / (1.0 - floor_sum);
  const Chunk overreach = p(g_.alliance_cost) * overreach_levers + p(g_.overreach) * (V - p(g_.theta_O)).max(0.0);
  const Chunk drivers = p(g_.w_div) * diversification + p(g_.w_I) * I + p(g_.w_S) * S + p(g_.w_R) * R +
                        p(g_.w_E) * support;

  const double other_neighbors = std::max<double>(1.0, static_cast<double>(neighbors_.size()) - 1.0);
  for (const Neighbor& n : neighbors_) {
    const auto P = rows(s, n.threat_perception), C = rows(s, n.coercion), D = rows(s, n.dependence);
    rows(next, n.threat_perception) = P + (threat_target(p, n, V, u, rows, s) - P) * inverse_tau_P;
    const Chunk others_mean = neighbors_.size() > 1 ? Chunk((coercion_sum - C) * (1.0 / other_neighbors))
                                                    : Chunk(Chunk::Zero(members));
    rows(next, n.coercion) =
        C + p(n.k) * (0.5 + rows(u, n.hawkishness)) * P * (1.0 - C) -
        p(n.fatigue) * (1.0 + p(g_.standing_restraint) * S + p(g_.signal_restraint) * senior_visits) * C +
        p(n.grievance) + p(g_.cross) * p(g_.alignment) * others_mean + rows(u, n.direct_pressure);
    const Chunk floor = p(n.D_floor) - p(n.air_floor) * max_air_link;
    rows(next, n.dependence) = D - p(g_.delta_div) * diversification_effort * (D - floor) +
                               p(g_.iota) * rows(u, n.inducements) * (p(n.D_max) - D);
  }

  rows(next, concession_) =
      K + p(g_.r_K) * sigmoid(p(g_.s_K) * (pressure - rows(u, concession_threshold_))) * (1.0 - K) - p(g_.dK) * K;
  rows(next, autonomy_) = A + p(g_.alpha) * drivers * (1.0 - A) - p(g_.beta) * pressure * A -
                          p(g_.gamma) * overreach * A - p(g_.concession_cost) * K * A;
  rows(next, institutional_capacity_) =
      I + p(g_.r_I) * (defense_drive + 0.5 * k_F * max_effectiveness) * (1.0 - I) - p(g_.dI) * I;
  rows(next, standing_) = S + p(g_.r_S) * standing_drive * (1.0 - S) - p(g_.dS) * S;
  rows(next, resilience_) = R + p(g_.r_R) * (0.5 * (1.0 - no_elite_tie) + resilience_drive) * (1.0 - R) -
                            p(g_.dR) * R - p(g_.eta_R) * pressure * R;
  rows(next, tension_) =
      X + p(g_.r_X) * (coercion_threat + p(g_.basing_tension) * basing_total) * (1.0 - X) - p(g_.dX) * X;
  rows(next, crisis_) = rows(s, crisis_);

  // Step 5: commit with clipping (all but the expectation and the countdown).
  auto clip = [&](int slot) { rows(next, slot) = rows(next, slot).max(0.0).min(1.0); };
  for (int slot : {autonomy_, institutional_capacity_, standing_, resilience_, concession_, tension_}) clip(slot);
  for (const Neighbor& n : neighbors_)
    for (int slot : {n.threat_perception, n.coercion, n.dependence}) clip(slot);
  for (const Partner& partner : partners_) {
    for (int slot : partner.engagement) clip(slot);
    for (int slot : {partner.trust, partner.elite_network, partner.institutionalization, partner.attention})
      clip(slot);
  }
  write_diversification(rows, next);
}

}  // namespace

std::unique_ptr<Kernel> ThirdNeighborModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                                    const Network* network) const {
  return std::make_unique<ThirdNeighborKernel>(layout, parameters, network);
}

}  // namespace steppe::third_neighbor
