// The third_neighbor monthly step (docs/model.md §3, §7.3–7.8), fused and vectorized over a block of members.
//
// The block is walked in groups of sixteen members, two AVX-512 registers of doubles (four AVX
// registers, eight SSE ones on older machines). For one group, the whole step — every partner,
// neighbor and equation — runs on fixed-size Eigen arrays that live in registers: each state
// value is loaded once and its new value stored over it (in place), with no temporaries in
// memory and no allocation. Two registers rather than one because the step is long chains of
// dependent operations (a sum over levers, then an exp, then an update), and two independent
// halves can run while each waits: llvm-mca counts a fifth fewer cycles; docs/performance.md has
// what the machine showed. exp is steppe's repeatable one and fused multiply-adds are written
// out, so a member's bits never depend on its lane or group; the last group of a block, when it
// has fewer than sixteen members, is padded with copies of its first member.
// compile() resolves every slot and parameter once, and each call turns the slots into offsets
// for its block, so the step only adds to pointers. The update is compiled twice: for the
// flagship's one partner and two neighbors, with the loops over them unrolled, and for any
// other number; a third time for runs that explain themselves (`steppe run --explain`,
// StepContext::derived), which also writes each derived quantity where the step computes it.
//
// Parameters are read through a reader: as plain scalars when no parameter varies across the
// members of a run (the common case), or from the block's per-member parameter columns when a
// scenario makes some uncertain. The equations are written once for both; the tests check that
// both give the same numbers. The mechanisms and the article sections they stand for are listed
// in docs/model.md.
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <utility>

#include "engine/network.hpp"
#include "engine/repeatable_math.hpp"
#include "models/third_neighbor/parameters.hpp"
#include "models/third_neighbor/third_neighbor.hpp"

namespace steppe::third_neighbor {

namespace {

constexpr int lanes = 16;
// Ē_p averages over the levers that are not counter-productive.
constexpr int engaged_lever_count = static_cast<int>(std::count_if(
    partner_levers.begin(), partner_levers.end(), [](const PartnerLever& lever) { return !lever.counter(); }));
using Lane = Eigen::Array<double, lanes, 1>;

// The coefficients the specification writes into its equations as numbers: fixed in v1
// (docs/model.md §7.1), so a change to one is a new model version rather than a parameter.

// eff_p = T_p·(0.5 + 0.5·Q_p)·(…): a trusted partner's engagement counts half without
// institutions behind it (docs/model.md §7.4, partner effectiveness).
constexpr double effectiveness_base = 0.5, effectiveness_per_institutionalization = 0.5;
// def_p, the partner defense engagement that builds institutional capacity, weighted toward
// education and peacekeeping rather than hardware (docs/model.md §7.5, institutional capacity).
struct DefenseWeights {
  double pme, peacekeeping_support, khaan_quest, exercise_observer, equipment_transfer, domain_awareness;
};
constexpr DefenseWeights defense_weight{.pme = 0.3,
                                        .peacekeeping_support = 0.2,
                                        .khaan_quest = 0.2,
                                        .exercise_observer = 0.1,
                                        .equipment_transfer = 0.1,
                                        .domain_awareness = 0.1};
// The focal state's own deployments, counted through its most effective partner
// (docs/model.md §7.5, institutional capacity: 0.5·k_F·max_p eff_p).
constexpr double deployments_capacity_weight = 0.5;
// What builds standing (docs/model.md §7.5, standing).
struct StandingWeights {
  double deployments, khaan_quest, quad_plus;
};
constexpr StandingWeights standing_weight{.deployments = 0.5, .khaan_quest = 0.2, .quad_plus = 0.1};
// Unbranded convening, worth 0.2·e_p[convening_support]·(1 − φ_p) to both standing and resilience
// (docs/model.md §7.5, standing and resilience).
constexpr double convening_weight = 0.2;
// What builds resilience besides convening (docs/model.md §7.5, resilience).
struct ResilienceWeights {
  double elite_network, governance_support;
};
constexpr ResilienceWeights resilience_weight{.elite_network = 0.5, .governance_support = 0.3};
// What builds institutionalization: mostly the standing dialogue, partly senior visits
// (docs/model.md §7.5, institutionalization).
struct InstitutionalizationWeights {
  double strategic_dialogue, high_level_visits;
};
constexpr InstitutionalizationWeights institutionalization_weight{.strategic_dialogue = 0.7, .high_level_visits = 0.3};
// k_n·(0.5 + h_n): a neighbor reacts to perceived threat even at hawkishness 0
// (docs/model.md §7.5, coercion).
constexpr double hawkishness_base = 0.5;
// The random events' draws (docs/model.md §7.8): the turnover shock is turnover_shock·U(0, 2);
// an election's draw u is U(0, 1), enters as 2u, and is its mean in deterministic runs.
constexpr double turnover_draw_span = 2.0, election_draw_span = 2.0, deterministic_election_draw = 0.5;

// A block's member arrays (state, levers, parameters: members × slots, column-major) from a
// group's first member on: a value's column for the group starts at its offset from there
// (Offsets below).
using ReadArray = const double*;
using WriteArray = double*;

// Members [first, first + count) of a block, count ≤ lanes: loads a column's values into a Lane
// and stores them back, from arrays that start at `first`. `full` groups (count = lanes) load
// and store straight from the columns.
template <bool full>
struct Group {
  static constexpr bool is_full = full;
  Eigen::Index first;
  int count;

  Lane operator()(ReadArray array, Eigen::Index offset) const {
    const double* values = array + offset;
    if constexpr (full) {
      return Lane::Map(values);
    } else {
      Lane lane = Lane::Constant(values[0]);  // padding: valid numbers, never stored
      for (int i = 0; i < count; ++i) lane[i] = values[i];
      return lane;
    }
  }
  void store(WriteArray array, Eigen::Index offset, const Lane& lane) const {
    double* values = array + offset;
    if constexpr (full) {
      Lane::Map(values) = lane;
    } else {
      for (int i = 0; i < count; ++i) values[i] = lane[i];
    }
  }
};

#ifdef EIGEN_VECTORIZE_FMA
// A SIMD register's worth of a Lane from lane i on, or a scalar in every lane.
using Packet = Eigen::internal::packet_traits<double>::type;
[[gnu::always_inline]] inline Packet packet(const Lane& values, int i) {
  return Eigen::internal::ploadu<Packet>(values.data() + i);
}
[[gnu::always_inline]] inline Packet packet(double value, int) { return Eigen::internal::pset1<Packet>(value); }
// An expression of Lanes (a product, a difference), computed for those lanes only.
template <typename Expression>
[[gnu::always_inline]] inline Packet packet(const Eigen::ArrayBase<Expression>& values, int i) {
  return Eigen::internal::evaluator<Expression>(values.derived()).template packet<Eigen::Unaligned, Packet>(i);
}
#else
// One lane of a Lane or of an expression of Lanes, or a scalar shared by every lane.
template <typename Expression>
[[gnu::always_inline]] inline double lane_value(const Eigen::ArrayBase<Expression>& values, int i) {
  return values.derived().coeff(i);
}
[[gnu::always_inline]] inline double lane_value(double value, int) { return value; }
#endif

// a·b + c lane by lane, rounded once (engine/repeatable_math.hpp says why it is written out
// rather than left to the compiler): the step's products and sums are written with it. Each of
// a, b and c is a Lane, an expression of Lanes or a scalar. With fused multiply-add in the
// build, Eigen's packet multiply-add is that instruction; without, each lane calls the C
// library's fma.
// (A `#pragma omp simd` loop over the scalar multiply_add, as for the exp, vectorizes too, but
// made the update an eighth longer: 2,500 instructions per group instead of 2,200.)
template <typename A, typename B, typename C>
[[gnu::always_inline]] inline Lane multiply_add(const A& a, const B& b, const C& c) {
  Lane result;
#ifdef EIGEN_VECTORIZE_FMA
  constexpr int packet_size = Eigen::internal::packet_traits<double>::size;
  for (int i = 0; i < lanes; i += packet_size)
    Eigen::internal::pstoreu(result.data() + i, Eigen::internal::pmadd(packet(a, i), packet(b, i), packet(c, i)));
#else
  for (int i = 0; i < lanes; ++i)
    result[i] = steppe::multiply_add(lane_value(a, i), lane_value(b, i), lane_value(c, i));
#endif
  return result;
}

// c + a1·x1 + a2·x2 + …, as a chain of multiply-adds.
template <typename C, typename A, typename X>
[[gnu::always_inline]] inline Lane plus_products(const C& c, const A& a, const X& x) {
  return multiply_add(a, x, c);
}
template <typename C, typename A, typename X, typename... Rest>
[[gnu::always_inline]] inline Lane plus_products(const C& c, const A& a, const X& x, const Rest&... rest) {
  return multiply_add(a, x, plus_products(c, rest...));
}

// x + gain·(1 − x) − loss·x: a share pulled towards 1 at the rate `gain` and towards 0 at the
// rate `loss`, the form of most of the updates of docs/model.md §7.5.
template <typename Gain, typename Loss>
[[gnu::always_inline]] inline Lane pulled(const Lane& x, const Gain& gain, const Loss& loss) {
  return multiply_add(-loss, x, multiply_add(gain, 1.0 - x, x));
}

[[gnu::always_inline]] inline Lane sigmoid(const Lane& x) {
  Lane result;
#pragma omp simd
  for (int i = 0; i < lanes; ++i) result[i] = repeatable_sigmoid(x[i]);
  return result;
}

// Calls body(l) for every partner lever l as a compile-time constant, so that each lever's
// visibility, lag and flags fold into the code instead of being looked up per member.
template <typename Body, int... lever>
[[gnu::always_inline]] inline void for_each_lever(const Body& body, std::integer_sequence<int, lever...>) {
  (body(std::integral_constant<int, lever>{}), ...);
}
template <typename Body>
[[gnu::always_inline]] inline void for_each_lever(const Body& body) {
  for_each_lever(body, std::make_integer_sequence<int, partner_lever_count>{});
}

// Parameters shared by every member: each coefficient is a scalar.
//
// Divisions are the slowest vector instructions by far, so a division by a parameter is a
// multiplication by its inverse(), computed once per group.
struct SharedParameters {
  double operator()(const Coefficient& coefficient) const { return coefficient.value; }
  double inverse(const Coefficient& coefficient) const { return 1.0 / coefficient.value; }
};

// Parameters per member (some are uncertain): each coefficient is a Lane, read through a table
// of where each parameter slot's values for the group start: its column in the group's rows for
// a parameter that varies, a Lane of copies of its one value for the others. One load finds any
// coefficient without testing whether it varies (the test made the update 3% slower).
template <bool full>
struct MemberParameters {
  const double* const* start;  // per parameter slot
  Group<full> group;
  Lane operator()(const Coefficient& coefficient) const { return group(start[coefficient.slot], 0); }
  Lane inverse(const Coefficient& coefficient) const { return 1.0 / (*this)(coefficient); }
};

// Where a value's column starts in a block's arrays. compile() records slots, and each kernel
// call turns them into offsets, slot × the block's members (Offsets::scale), so that a group
// finds a column by one addition: a group reads or writes about 120 columns, and computing
// slot × stride at each was a tenth of the step's instructions.
using Offset = Eigen::Index;

// A neighbor's parameters (bound by name, parameters.hpp) and the offsets of its values.
struct Neighbor : NeighborParameters {
  // state
  Offset threat_perception, coercion, dependence;
  // levers
  Offset hawkishness, inducements, direct_pressure;
  // derived quantities (written only when a run asks: StepContext::derived)
  Offset threat_target, pressure_term;
};

struct Edge {
  double base;
  int gate;                                      // partner lever index, or -1
  std::vector<std::pair<int, double>> controls;  // (neighbor index, sensitivity)
  bool can_close() const { return base != 1.0 || gate >= 0 || !controls.empty(); }
};

// The partner's routes to the focal state, each the edges along it that can close (an edge of
// base 1 with no gate and no control multiplies by one, exactly, and is left out). Access is 1
// when a route has no such edge, and when there is no route or no network at all.
struct Routes {
  std::vector<std::vector<Edge>> routes;
  bool always_open = true;
};

struct Partner {
  std::array<Offset, partner_lever_count> engagement;  // state
  std::array<Offset, partner_lever_count> setting;     // levers
  Offset framing;                                      // lever
  Offset trust, expectation, elite_network, institutionalization, attention, attention_months_left, access;
  Offset effectiveness, mean_engagement, support_term, visibility_term, best_route;  // derived
  int index;  // among the partners (their routes)
};

struct Offsets {
  // focal state and levers, the system's state
  Offset autonomy, institutional_capacity, standing, resilience, concession, diversification;
  Offset outreach, peacekeeping_deployments, balanced_diplomacy, concession_threshold;
  Offset tension, crisis;
  Offset visibility, support, pressure, diversification_ratio, overreach, foundations;  // derived
  std::vector<Neighbor> neighbors;
  std::vector<Partner> partners;

  // These slots as offsets into the arrays of a block of `members` (copied into `scaled`, whose
  // vectors keep their capacity from call to call: no allocation in the step). The derived
  // quantities' array has a row per member too.
  void scale(Eigen::Index members, Offsets& scaled) const {
    const auto times = [members](Offset& slot) { slot *= members; };
    scaled = *this;
    for (Offset* slot :
         {&scaled.autonomy, &scaled.institutional_capacity, &scaled.standing, &scaled.resilience, &scaled.concession,
          &scaled.diversification, &scaled.outreach, &scaled.peacekeeping_deployments, &scaled.balanced_diplomacy,
          &scaled.concession_threshold, &scaled.tension, &scaled.crisis, &scaled.visibility, &scaled.support,
          &scaled.pressure, &scaled.diversification_ratio, &scaled.overreach, &scaled.foundations})
      times(*slot);
    for (Neighbor& n : scaled.neighbors)
      for (Offset* slot : {&n.threat_perception, &n.coercion, &n.dependence, &n.hawkishness, &n.inducements,
                           &n.direct_pressure, &n.threat_target, &n.pressure_term})
        times(*slot);
    for (Partner& p : scaled.partners) {
      for (Offset& slot : p.engagement) times(slot);
      for (Offset& slot : p.setting) times(slot);
      for (Offset* slot : {&p.framing, &p.trust, &p.expectation, &p.elite_network, &p.institutionalization,
                           &p.attention, &p.attention_months_left, &p.access, &p.effectiveness, &p.mean_engagement,
                           &p.support_term, &p.visibility_term, &p.best_route})
        times(*slot);
    }
  }
};

class ThirdNeighborKernel final : public Kernel {
 public:
  ThirdNeighborKernel(const Layout& layout, const std::vector<double>& parameters, const Network* network);

  void initialize(const StepContext& context, MemberArrays& state) const override {
    for_each_group(context, state.rows(), [&](const Offsets& c, const auto& parameter, const auto& group) {
      initialize_group(c, parameter, group, state.data() + group.first);
    });
  }
  // P_n starts at its target as step 0 computes it, after month 0's events (docs/model.md §5).
  void initialize_after_events(const StepContext& context, const MemberArrays& after_events,
                               MemberArrays& state) const override {
    for_each_group(context, state.rows(), [&](const Offsets& c, const auto& parameter, const auto& group) {
      initialize_threat_perception(c, parameter, context.levers->data() + group.first, group,
                                   after_events.data() + group.first, state.data() + group.first);
    });
  }
  void apply_events(const StepContext& context, MemberArrays& state) const override {
    for_each_group(context, state.rows(), [&](const Offsets& c, const auto& parameter, const auto& group) {
      apply_events_group(c, parameter, context, group, state.data() + group.first);
    });
  }
  void advance(const StepContext& context, MemberArrays& state) const override {
    // Explaining is rare and never timed: one general version of the step serves it, and the
    // versions that are timed are compiled without a trace of it.
    if (context.derived)
      advance_groups<std::dynamic_extent, std::dynamic_extent, true>(context, state);
    else if (slots_.partners.size() == 1 && slots_.neighbors.size() == 2)
      advance_groups<1, 2, false>(context, state);
    else
      advance_groups<std::dynamic_extent, std::dynamic_extent, false>(context, state);
  }
  // The update clips every value it commits, in its one pass over the block: the engine's second
  // pass would slow the step loop by a tenth (docs/performance.md). The diagnostics it computes lie
  // in [0, 1] by construction, but for diversification, declared unclipped: below 0 when the
  // dependences sum above 1 (docs/model.md §7.7).
  bool clips_on_commit() const override { return true; }

 private:
  Eigen::Index parameter_slots() const { return static_cast<Eigen::Index>(compiled_lanes_.size()); }

  // With per-member parameters, for each group of the block (parameter_slots() entries a group),
  // where each parameter slot's values for it start: the group's rows of the slot's column when
  // it varies, a Lane of the compiled value (compiled_lanes_) for the others, which hold that
  // value in every row (StepContext::varying_parameters); null without. The table holds
  // addresses, not values, so it is made again only for another kernel, set of varying slots or
  // block array, not at every call (3% of a sweep's step). One per thread, for every kind of call:
  // a kernel serves blocks on every thread at once.
  const double* const* parameter_table(const StepContext& context, Eigen::Index members) const {
    if (!context.parameters) return nullptr;
    struct ParameterTable {
      std::uint64_t kernel = 0;         // the id_ of the kernel it was made for,
      std::vector<char> varying;        // the slots that varied,
      const double* columns = nullptr;  // and the block's parameters
      Eigen::Index members = 0;
      std::vector<const double*> start;  // group by group, slot by slot
    };
    thread_local ParameterTable table;
    const MemberArrays& parameters = *context.parameters;
    const std::vector<char>& varying = *context.varying_parameters;
    if (table.kernel == id_ && table.varying == varying && table.columns == parameters.data() &&
        table.members == members)
      return table.start.data();
    const Eigen::Index slots = parameter_slots();
    if (parameters.cols() != slots || parameters.rows() != members || varying.size() != compiled_lanes_.size())
      throw std::logic_error("third_neighbor: parameters of another shape than the kernel's and the block's");
    table.kernel = id_;
    table.varying = varying;
    table.columns = parameters.data();
    table.members = members;
    table.start.resize(static_cast<std::size_t>((members + lanes - 1) / lanes * slots));
    for (Eigen::Index group = 0; group * lanes < members; ++group)
      for (Eigen::Index slot = 0; slot < slots; ++slot) {
        const double* column = parameters.col(slot).data();
        const auto& compiled = compiled_lanes_[static_cast<std::size_t>(slot)];
        assert((varying[static_cast<std::size_t>(slot)] || *column == compiled[0]) &&
               "a parameter that does not vary holds its compiled value");
        table.start[static_cast<std::size_t>(group * slots + slot)] =
            varying[static_cast<std::size_t>(slot)] ? column + group * lanes : compiled.data();
      }
    return table.start.data();
  }

  // Calls work(offsets, parameter reader, group) for each group of the block.
  template <typename Work>
  void for_each_group(const StepContext& context, Eigen::Index members, const Work& work) const {
    // The state and the levers have a row per member, so one set of offsets serves both.
    if (context.levers->rows() != members) throw std::logic_error("third_neighbor: levers and state differ in rows");
    thread_local Offsets offsets;  // one per thread: a kernel serves blocks on every thread at once
    slots_.scale(members, offsets);
    const double* const* parameters = parameter_table(context, members);
    const auto run = [&](const auto& group) {
      using GroupType = std::decay_t<decltype(group)>;
      if (parameters)
        work(offsets, MemberParameters<GroupType::is_full>{parameters + group.first / lanes * parameter_slots(), group},
             group);
      else
        work(offsets, SharedParameters{}, group);
    };
    Eigen::Index first = 0;
    for (; first + lanes <= members; first += lanes) run(Group<true>{first, lanes});
    if (first < members) run(Group<false>{first, static_cast<int>(members - first)});
  }

  template <std::size_t partner_count, std::size_t neighbor_count, bool explain>
  void advance_groups(const StepContext& context, MemberArrays& state) const {
    if (explain && context.derived->rows() != state.rows())
      throw std::logic_error("third_neighbor: derived quantities and state differ in rows");
    for_each_group(context, state.rows(), [&](const Offsets& c, const auto& parameter, const auto& group) {
      advance_group<partner_count, neighbor_count, explain>(c, parameter, context.levers->data() + group.first, group,
                                                            state.data() + group.first,
                                                            explain ? context.derived->data() + group.first : nullptr);
    });
  }

  // `c`: the offsets for this block; `u`: the levers, `s` the state. The parameter reader `p` goes
  // by reference: a per-member reader passed by value was stored and read back in other widths
  // at every group's call, which stalls the store's forwarding (5% of a sweep's step).
  template <typename Parameter, typename G>
  void initialize_group(const Offsets& c, const Parameter& p, G g, WriteArray s) const;
  // P_n = P*_n of the state `after_events`, into `s`.
  template <typename Parameter, typename G>
  void initialize_threat_perception(const Offsets& c, const Parameter& p, ReadArray u, G g, ReadArray after_events,
                                    WriteArray s) const;
  template <typename Parameter, typename G>
  void apply_events_group(const Offsets& c, const Parameter& p, const StepContext& context, G g, WriteArray s) const;
  // For `partner_count` partners and `neighbor_count` neighbors: the flagship's one and two are
  // compile-time constants, so that the compiler unrolls the loops over them and interleaves
  // their independent work; std::dynamic_extent for any other number. With `explain`, also writes
  // the derived quantities into `d` (StepContext::derived, from the group's first member).
  template <std::size_t partner_count, std::size_t neighbor_count, bool explain, typename Parameter, typename G>
  void advance_group(const Offsets& c, const Parameter& p, ReadArray u, G g, WriteArray s, WriteArray d) const;

  // Ē_p: mean realized engagement over the non-counter levers.
  template <typename G, typename State>
  Lane mean_engagement(const Partner& partner, G g, State s) const;
  // The engagement of partner p visible to the neighbors, before framing.
  template <typename G, typename State>
  Lane visible_engagement(const Partner& partner, G g, State s) const;
  // P*_n: the threat perception neighbor n is heading for, given the visibility V.
  template <typename Parameter, typename G>
  Lane threat_target(const Offsets& c, const Parameter& p, const Neighbor& neighbor, const Lane& V, ReadArray u, G g,
                     ReadArray s) const;
  // access_p: availability of at least one route to the focal state (1 without a network). With
  // `best`, also the availability of the most open route there.
  template <typename Parameter, typename G>
  Lane route_access(const Offsets& c, const Parameter& p, const Partner& partner, G g, ReadArray s,
                    Lane* best = nullptr) const;
  template <typename Neighbors, typename G>
  void write_diversification(const Neighbors& neighbors, const Offsets& c, G g, WriteArray s) const;

  Globals g_;
  // The declared random events.
  const RandomEventDecl *turnover_hit_, *election_drop_, *crisis_;
  Offsets slots_;                      // as slots, for any block
  std::vector<Routes> routes_;         // per partner
  std::vector<int> partner_of_actor_;  // actor index → partner index, -1 for others
  // Per parameter slot, a Lane of its compiled value: what a member reads for a parameter that
  // does not vary (MemberParameters).
  std::vector<Lane, Eigen::aligned_allocator<Lane>> compiled_lanes_;
  // Tells this kernel from any other, also one made later at the same address (the per-thread
  // ParameterTable is kept for one kernel).
  const std::uint64_t id_ = next_kernel_id++;
  static inline std::atomic<std::uint64_t> next_kernel_id = 1;
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
  auto derived_slot = [&](const std::string& actor, const std::string& derived) {
    const int slot = layout.derived_index(actor, derived);
    if (slot < 0) throw std::logic_error("third_neighbor: no derived slot " + actor + "." + derived);
    return slot;
  };
  // Every parameter bound by its name (parameters.hpp): no list here to keep in step.
  g_ = bind_globals(layout, parameters);
  for (const double value : parameters) compiled_lanes_.push_back(Lane::Constant(value));
  const auto random_event = [&](const std::string& name) {
    const RandomEventDecl* event = layout.declaration().find_random_event(name);
    if (!event) throw std::logic_error("third_neighbor: no random event " + name);
    return event;
  };
  turnover_hit_ = random_event("turnover_hit");
  election_drop_ = random_event("election_drop");
  crisis_ = random_event("crisis");

  const std::string focal = layout.actors_with_role("focal").at(0);
  slots_.autonomy = state_slot(focal, "autonomy");
  slots_.institutional_capacity = state_slot(focal, "institutional_capacity");
  slots_.standing = state_slot(focal, "standing");
  slots_.resilience = state_slot(focal, "resilience");
  slots_.concession = state_slot(focal, "concession");
  slots_.diversification = state_slot(focal, "diversification");
  slots_.tension = state_slot("system", "tension");
  slots_.crisis = state_slot("system", "crisis");
  slots_.visibility = derived_slot("system", "visibility");
  slots_.support = derived_slot("system", "support");
  slots_.pressure = derived_slot("system", "pressure");
  slots_.diversification_ratio = derived_slot("system", "diversification_ratio");
  slots_.overreach = derived_slot("system", "overreach");
  slots_.foundations = derived_slot("system", "foundations");
  slots_.outreach = lever_slot(focal, "outreach");
  slots_.peacekeeping_deployments = lever_slot(focal, "peacekeeping_deployments");
  slots_.balanced_diplomacy = lever_slot(focal, "balanced_diplomacy");
  slots_.concession_threshold = lever_slot(focal, "concession_threshold");

  for (const std::string& name : layout.actors_with_role("neighbor")) {
    Neighbor n{bind_neighbor_parameters(layout, parameters, name)};
    n.threat_perception = state_slot(name, "threat_perception");
    n.coercion = state_slot(name, "coercion");
    n.dependence = state_slot(focal, "dependence." + name);
    n.hawkishness = lever_slot(name, "hawkishness");
    n.inducements = lever_slot(name, "inducements");
    n.direct_pressure = lever_slot(name, "direct_pressure");
    n.threat_target = derived_slot(name, "threat_target");
    n.pressure_term = derived_slot(name, "pressure_term");
    slots_.neighbors.push_back(n);
  }

  std::vector<Edge> edges;
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
      edges.push_back({edge.base, gate, edge.controls});
    }
  }

  const std::vector<std::string> partner_names = layout.actors_with_role("partner");
  partner_of_actor_.assign(layout.actors().size(), -1);
  for (std::size_t index = 0; index < partner_names.size(); ++index) {
    const std::string& name = partner_names[index];
    Partner p;
    p.index = static_cast<int>(index);
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
    p.effectiveness = derived_slot(name, "effectiveness");
    p.mean_engagement = derived_slot(name, "mean_engagement");
    p.support_term = derived_slot(name, "support_term");
    p.visibility_term = derived_slot(name, "visibility_term");
    p.best_route = derived_slot(name, "best_route");
    Routes partner_routes;
    if (network) {
      const auto& routes = network->routes(static_cast<int>(index));
      partner_routes.always_open = routes.empty();
      for (const Network::Route& route : routes) {
        std::vector<Edge> closing;
        for (int edge : route)
          if (edges[static_cast<std::size_t>(edge)].can_close())
            closing.push_back(edges[static_cast<std::size_t>(edge)]);
        if (closing.empty()) partner_routes.always_open = true;
        partner_routes.routes.push_back(std::move(closing));
      }
    }
    slots_.partners.push_back(p);
    routes_.push_back(std::move(partner_routes));
    for (std::size_t actor = 0; actor < layout.actors().size(); ++actor)
      if (layout.actors()[actor].name == name) partner_of_actor_[actor] = static_cast<int>(index);
  }
}

template <typename G, typename State>
Lane ThirdNeighborKernel::mean_engagement(const Partner& partner, G g, State s) const {
  Lane sum = Lane::Zero();
  for_each_lever([&](auto l) {
    if constexpr (!partner_levers[l].counter()) sum += g(s, partner.engagement[l]);
  });
  return sum * (1.0 / engaged_lever_count);
}

template <typename G, typename State>
Lane ThirdNeighborKernel::visible_engagement(const Partner& partner, G g, State s) const {
  Lane visible = Lane::Zero();
  for_each_lever([&](auto l) { visible += partner_levers[l].visibility * g(s, partner.engagement[l]); });
  return visible;
}

template <typename Parameter, typename G>
Lane ThirdNeighborKernel::threat_target(const Offsets& c, const Parameter& p, const Neighbor& neighbor, const Lane& V,
                                        ReadArray u, G g, ReadArray s) const {
  return sigmoid(p(neighbor.steep) * (V - p(neighbor.theta))) *
         multiply_add(-p(g_.reassurance), g(u, c.balanced_diplomacy), 1.0) *
         multiply_add(-p(g_.concession_relief), g(s, c.concession), 1.0);
}

template <typename Parameter, typename G>
Lane ThirdNeighborKernel::route_access(const Offsets& c, const Parameter& p, const Partner& partner, G g, ReadArray s,
                                       Lane* best) const {
  const Routes& routes = routes_[static_cast<std::size_t>(partner.index)];
  if (routes.always_open) {
    if (best) *best = Lane::Ones();
    return Lane::Ones();
  }
  // Products start from their first factor rather than from one: the same numbers, fewer steps.
  const auto availability = [&](const Edge& edge) {
    Lane value = Lane::Constant(edge.base);
    if (edge.gate >= 0) value *= g(s, partner.engagement[edge.gate]);
    for (const auto& [neighbor, sensitivity] : edge.controls)
      value *= 1.0 - p(g_.kappa) * sensitivity * g(s, c.neighbors[neighbor].coercion);
    return value;
  };
  const auto open = [&](const std::vector<Edge>& route) {
    Lane value = availability(route.front());
    for (auto edge = route.begin() + 1; edge != route.end(); ++edge) value *= availability(*edge);
    return value;
  };
  Lane first = open(routes.routes.front());
  Lane all_closed = 1.0 - first;
  if (best) *best = first;
  for (auto route = routes.routes.begin() + 1; route != routes.routes.end(); ++route) {
    const Lane route_open = open(*route);
    all_closed *= 1.0 - route_open;
    if (best) *best = best->max(route_open);
  }
  return 1.0 - all_closed;
}

template <typename Neighbors, typename G>
void ThirdNeighborKernel::write_diversification(const Neighbors& neighbors, const Offsets& c, G g, WriteArray s) const {
  Lane total = Lane::Zero();
  Lane concentration = Lane::Zero();
  for (const Neighbor& n : neighbors) {
    const Lane D = g(s, n.dependence);
    total += D;
    concentration += D.square();
  }
  concentration += (1.0 - total).square();
  g.store(s, c.diversification, 1.0 - concentration);
}

template <typename Parameter, typename G>
[[gnu::flatten]] void ThirdNeighborKernel::initialize_group(const Offsets& c, const Parameter& p, G g,
                                                            WriteArray s) const {
  for (const Partner& partner : c.partners) {
    g.store(s, partner.expectation, mean_engagement(partner, g, s));
    g.store(s, partner.attention_months_left, Lane::Zero());
    g.store(s, partner.access, route_access(c, p, partner, g, s));
  }
  g.store(s, c.crisis, Lane::Zero());
  write_diversification(c.neighbors, c, g, s);
}

template <typename Parameter, typename G>
[[gnu::flatten]] void ThirdNeighborKernel::initialize_threat_perception(const Offsets& c, const Parameter& p,
                                                                        ReadArray u, G g, ReadArray after_events,
                                                                        WriteArray s) const {
  Lane V = Lane::Zero();
  for (const Partner& partner : c.partners)
    V += visible_engagement(partner, g, after_events) * (1.0 + p(g_.framing_gain) * g(u, partner.framing));
  for (const Neighbor& n : c.neighbors) g.store(s, n.threat_perception, threat_target(c, p, n, V, u, g, after_events));
}

template <typename Parameter, typename G>
[[gnu::flatten]] void ThirdNeighborKernel::apply_events_group(const Offsets& c, const Parameter& p,
                                                              const StepContext& context, G g, WriteArray s) const {
  // The group's members' draws of a declared random event, each from its own stream.
  auto uniform = [&](const RandomStream& stream) {
    Lane u;
#pragma omp simd
    for (int lane = 0; lane < lanes; ++lane) u[lane] = stream(g.first + lane);
    return u;
  };
  const auto& firings = *context.model_events;

  // The order of docs/model.md §7.8: focal turnover, partner elections, crises; scenario jumps
  // follow.
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != leadership_turnover) continue;
    const Lane magnitude =
        context.stochastic
            ? Lane(p(g_.turnover_shock) * turnover_draw_span * uniform(context.firing_stream(*turnover_hit_, index)))
            : Lane(Lane::Zero() + p(g_.turnover_shock));
    for (const Partner& partner : c.partners) {
      const Lane kept =
          1.0 - (magnitude * (1.0 - g(s, partner.institutionalization)) * (1.0 - g(s, partner.elite_network)))
                    .max(0.0)
                    .min(1.0);
      for (int l = 0; l < partner_lever_count; ++l)
        g.store(s, partner.engagement[l], g(s, partner.engagement[l]) * kept);
      g.store(s, partner.trust, g(s, partner.trust) * kept);
    }
  }
  for (std::uint32_t index = 0; index < firings.size(); ++index) {
    if (firings[index].kind != partner_election) continue;
    const Partner& partner = c.partners[partner_of_actor_.at(firings[index].actor)];
    const Lane u = context.stochastic ? uniform(context.firing_stream(*election_drop_, index))
                                      : Lane(Lane::Constant(deterministic_election_draw));
    g.store(s, partner.attention,
            1.0 - p(g_.attention_drop) * election_draw_span * u * (1.0 - g(s, partner.elite_network)));
    g.store(s, partner.attention_months_left, Lane::Zero() + p(g_.attention_months));
  }

  if (!context.stochastic) {
    g.store(s, c.crisis, Lane::Zero());
    return;
  }
  // A crisis when u < h0 + h1·σ(z), σ(z) = 1 / (1 + e^−z): tested as (u − h0)·(1 + e^−z) < h1,
  // the same condition (1 + e^−z > 0) without the division, which held up the whole draw.
  const Lane z = p(g_.s_X) * (g(s, c.tension) - p(g_.theta_X));
  Lane denominator;
#pragma omp simd
  for (int lane = 0; lane < lanes; ++lane) denominator[lane] = 1.0 + repeatable_exp(-z[lane]);
  const Lane scaled_draw = (uniform(context.random_stream(*crisis_)) - p(g_.h0)) * denominator;
  const Lane h1 = Lane::Zero() + p(g_.h1);
  // A loop the compiler turns into a masked vector select: Eigen 3.4 compares and selects
  // boolean arrays one lane at a time, through memory.
  Lane crisis;
#pragma omp simd
  for (int lane = 0; lane < lanes; ++lane) crisis[lane] = scaled_draw[lane] < h1[lane] ? 1.0 : 0.0;
  g.store(s, c.crisis, crisis);
  for (const Neighbor& neighbor : c.neighbors)
    g.store(s, neighbor.coercion, (g(s, neighbor.coercion) + p(g_.crisis_jump_C) * crisis).min(1.0));
  g.store(s, c.tension, (g(s, c.tension) + p(g_.crisis_jump_X) * crisis).min(1.0));
}

template <std::size_t partner_count, std::size_t neighbor_count, bool explain, typename Parameter, typename G>
[[gnu::flatten]] void ThirdNeighborKernel::advance_group(const Offsets& c, const Parameter& p, ReadArray u, G g,
                                                         WriteArray s, WriteArray d) const {
  const std::span<const Partner, partner_count> partners(c.partners.data(), c.partners.size());
  const std::span<const Neighbor, neighbor_count> neighbors(c.neighbors.data(), c.neighbors.size());
  const Lane A = g(s, c.autonomy), I = g(s, c.institutional_capacity), S = g(s, c.standing), R = g(s, c.resilience),
             K = g(s, c.concession), X = g(s, c.tension);
  const Lane k_F = g(u, c.peacekeeping_deployments);
  const Lane profile = multiply_add(-p(g_.concession_profile), K, 1.0);
  const auto inverse_tau_M = p.inverse(g_.tau_M), inverse_E_ref = p.inverse(g_.E_ref),
             inverse_tau_P = p.inverse(g_.tau_P);
  // The update is in place, and synchronous all the same: each value is read before anything is
  // written over it. The focal state is read here; each partner's state at the top of its turn,
  // and a partner writes only its own; each neighbor's before its own commit, the others' only
  // through sums taken before any commit.
  // Clipped to [0, 1] on commit (docs/model.md §7.6), in this one pass over the state rather than
  // by the engine in a second one (clips_on_commit).
  const auto commit = [&](Offset column, const Lane& value) { g.store(s, column, value.max(0.0).min(1.0)); };
  // A derived quantity as the step uses it, when the run explains itself.
  const auto explained = [&](Offset column, const Lane& value) {
    if constexpr (explain) g.store(d, column, value);
  };

  // Steps 3 and 4 for each partner at once: its contributions to the derived quantities, all
  // from the state at the start of the step, and its own new state (which needs only its own).
  Lane support = Lane::Zero(), overreach_levers = Lane::Zero();
  Lane diversification_effort = p(g_.w_out) * g(u, c.outreach);
  Lane max_air_link = Lane::Zero(), max_effectiveness = Lane::Zero();
  Lane defense_drive = Lane::Zero(), standing_drive = standing_weight.deployments * k_F;
  Lane resilience_drive = Lane::Zero(), no_elite_tie = Lane::Ones();
  Lane senior_visits = Lane::Zero(), basing_total = Lane::Zero();
  Lane V = Lane::Zero();  // visibility of all partners' engagement, amplified by framing
  for (const Partner& partner : partners) {
    std::array<Lane, partner_lever_count> e;
    for_each_lever([&](auto l) { e[l] = g(s, partner.engagement[l]); });
    const Lane framing = g(u, partner.framing);
    const Lane H = g(s, partner.elite_network), Q = g(s, partner.institutionalization), M = g(s, partner.expectation),
               T = g(s, partner.trust);
    const Lane effectiveness = T * multiply_add(effectiveness_per_institutionalization, Q, effectiveness_base) *
                               multiply_add(-p(g_.tf_dilution), e[new_task_forces], 1.0);
    // Two partial sums each, over the even and the odd levers: one chain of nineteen dependent
    // additions was the longest path through the step.
    std::array<Lane, 2> mean_part = {Lane::Zero(), Lane::Zero()}, visible_part = mean_part;
    for_each_lever([&](auto l) {
      visible_part[l % 2] = multiply_add(partner_levers[l].visibility, e[l], visible_part[l % 2]);
      if constexpr (!partner_levers[l].counter()) mean_part[l % 2] += e[l];
    });
    const Lane mean = (mean_part[0] + mean_part[1]) * (1.0 / engaged_lever_count);
    const Lane visible = visible_part[0] + visible_part[1];
    const Lane framed = multiply_add(p(g_.framing_gain), framing, 1.0);
    explained(partner.effectiveness, effectiveness);
    explained(partner.mean_engagement, mean);
    explained(partner.support_term, effectiveness * mean * inverse_E_ref);
    explained(partner.visibility_term, visible * framed);
    support = multiply_add(effectiveness, mean, support);
    overreach_levers += e[formal_alliance] + e[basing];
    diversification_effort =
        multiply_add(effectiveness,
                     plus_products(p(g_.w_fin) * e[development_finance], p(g_.w_min), e[minerals_partnership],
                                   p(g_.w_comm), e[commercial_diplomacy], p(g_.w_air), e[air_link]),
                     diversification_effort);
    max_air_link = max_air_link.max(e[air_link]);
    max_effectiveness = max_effectiveness.max(effectiveness);
    defense_drive = multiply_add(
        effectiveness,
        plus_products(defense_weight.pme * e[pme], defense_weight.peacekeeping_support, e[peacekeeping_support],
                      defense_weight.khaan_quest, e[khaan_quest], defense_weight.exercise_observer,
                      e[exercise_observer], defense_weight.equipment_transfer, e[equipment_transfer],
                      defense_weight.domain_awareness, e[domain_awareness]),
        defense_drive);
    const Lane functional = 1.0 - framing, convening = convening_weight * e[convening_support] * functional;
    standing_drive = plus_products(standing_drive + convening, standing_weight.khaan_quest, e[khaan_quest],
                                   standing_weight.quad_plus, e[quad_plus]);
    resilience_drive =
        plus_products(resilience_drive + convening, resilience_weight.governance_support, e[governance_support]);
    no_elite_tie *= 1.0 - H;
    senior_visits += e[high_level_visits];
    basing_total += e[basing];
    V = multiply_add(visible, framed, V);

    Lane best_route;
    const Lane access = route_access(c, p, partner, g, s, explain ? &best_route : nullptr);
    g.store(s, partner.access, access);
    explained(partner.best_route, best_route);
    const Lane attention = g(s, partner.attention);
    // What scales a lever's setting into its target, multiplied out once for the partner.
    const Lane attention_access = attention * access, attention_profile = attention * profile,
               attention_access_profile = attention_access * profile;
    for_each_lever([&](auto l) {
      constexpr PartnerLever lever = partner_levers[l];
      const Lane& scale = lever.needs_access
                              ? (lever.lowered_by_concession() ? attention_access_profile : attention_access)
                              : (lever.lowered_by_concession() ? attention_profile : attention);
      const Lane target = g(u, partner.setting[l]) * scale;
      commit(partner.engagement[l], multiply_add(target - e[l], 1.0 / lever.lag_months, e[l]));
    });
    commit(partner.elite_network, pulled(H, p(g_.r_H) * e[education_exchange], p(g_.dH)));
    commit(partner.institutionalization,
           pulled(Q,
                  p(g_.r_Q) * multiply_add(institutionalization_weight.strategic_dialogue, e[strategic_dialogue],
                                           institutionalization_weight.high_level_visits * e[high_level_visits]),
                  p(g_.dQ)));
    g.store(s, partner.expectation, multiply_add(mean - M, inverse_tau_M, M));
    commit(partner.trust, multiply_add(-p(g_.lam_down) * (M - mean).max(0.0), T,
                                       multiply_add(p(g_.lam_up), (mean.min(M) * inverse_E_ref).min(1.0) - T, T)));
    // Attention holds through its window, then returns to 1: the countdown of docs/model.md §7.6,
    // taken here on the committed values (clipping never touches the countdown).
    const Lane months_left = g(s, partner.attention_months_left);
    const Lane left = (months_left - 1.0).max(0.0);
    g.store(s, partner.attention_months_left, left);
    // A loop, not Eigen's select, which runs one lane at a time (see the crisis draw).
    Lane returned;
#pragma omp simd
    for (int lane = 0; lane < lanes; ++lane)
      returned[lane] = months_left[lane] > 0.0 && left[lane] == 0.0 ? 1.0 : attention[lane];
    commit(partner.attention, returned);
  }
  support = (support * inverse_E_ref).min(1.0);

  Lane pressure_sum = Lane::Zero(), dependence_sum = Lane::Zero();
  Lane coercion_sum = Lane::Zero(), coercion_threat = Lane::Zero();
  Lane floor_sum = Lane::Zero();
  const Lane cushion = multiply_add(-p(g_.resilience_cushion), R, 1.0);
  for (const Neighbor& n : neighbors) {
    const Lane C = g(s, n.coercion), D = g(s, n.dependence);
    explained(n.pressure_term, C * D * cushion);
    pressure_sum = multiply_add(C, D, pressure_sum);
    dependence_sum += D;
    coercion_sum += C;
    coercion_threat = multiply_add(C, g(s, n.threat_perception), coercion_threat);
    floor_sum += p(n.D_floor);
  }
  const Lane pressure = pressure_sum * cushion;
  const Lane diversification = (1.0 - dependence_sum) / (1.0 - floor_sum);
  const Lane overreach =
      multiply_add(p(g_.alliance_cost), overreach_levers, p(g_.overreach) * (V - p(g_.theta_O)).max(0.0));
  const Lane drivers =
      plus_products(p(g_.w_E) * support, p(g_.w_div), diversification, p(g_.w_I), I, p(g_.w_S), S, p(g_.w_R), R);
  explained(c.visibility, V);
  explained(c.support, support);
  explained(c.pressure, pressure);
  explained(c.diversification_ratio, diversification);
  explained(c.overreach, overreach);
  explained(c.foundations, drivers);

  const double other_neighbors = std::max<double>(1.0, static_cast<double>(neighbors.size()) - 1.0);
  for (const Neighbor& n : neighbors) {
    const Lane P = g(s, n.threat_perception), C = g(s, n.coercion), D = g(s, n.dependence);
    const Lane target = threat_target(c, p, n, V, u, g, s);
    explained(n.threat_target, target);
    commit(n.threat_perception, multiply_add(target - P, inverse_tau_P, P));
    const Lane others_mean = neighbors.size() > 1 ? Lane((coercion_sum - C) * (1.0 / other_neighbors)) : Lane::Zero();
    const Lane fatigue =
        p(n.fatigue) * plus_products(1.0, p(g_.standing_restraint), S, p(g_.signal_restraint), senior_visits);
    commit(n.coercion,
           pulled(C, p(n.k) * (hawkishness_base + g(u, n.hawkishness)) * P, fatigue) +
               multiply_add(p(g_.cross) * p(g_.alignment), others_mean, p(n.grievance) + g(u, n.direct_pressure)));
    const Lane floor = multiply_add(-p(n.air_floor), max_air_link, p(n.D_floor));
    commit(n.dependence, multiply_add(-p(g_.delta_div) * diversification_effort, D - floor,
                                      multiply_add(p(g_.iota) * g(u, n.inducements), p(n.D_max) - D, D)));
  }

  commit(c.concession, pulled(K, p(g_.r_K) * sigmoid(p(g_.s_K) * (pressure - g(u, c.concession_threshold))), p(g_.dK)));
  commit(c.autonomy, pulled(A, p(g_.alpha) * drivers,
                            plus_products(p(g_.beta) * pressure, p(g_.gamma), overreach, p(g_.concession_cost), K)));
  commit(c.institutional_capacity,
         pulled(I, p(g_.r_I) * multiply_add(deployments_capacity_weight * k_F, max_effectiveness, defense_drive),
                p(g_.dI)));
  commit(c.standing, pulled(S, p(g_.r_S) * standing_drive, p(g_.dS)));
  commit(c.resilience,
         pulled(R, p(g_.r_R) * multiply_add(resilience_weight.elite_network, 1.0 - no_elite_tie, resilience_drive),
                multiply_add(p(g_.eta_R), pressure, p(g_.dR))));
  commit(c.tension, pulled(X, p(g_.r_X) * multiply_add(p(g_.basing_tension), basing_total, coercion_threat), p(g_.dX)));
  write_diversification(neighbors, c, g, s);
}

}  // namespace

std::unique_ptr<Kernel> ThirdNeighborModel::compile(const Layout& layout, const std::vector<double>& parameters,
                                                    const Network* network) const {
  return std::make_unique<ThirdNeighborKernel>(layout, parameters, network);
}

}  // namespace steppe::third_neighbor
