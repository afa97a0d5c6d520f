// What a model is to the engine: one declaration table, and a kernel that steps members.
//
// A model declares its roles, state variables, parameters, levers, derived quantities, event kinds
// and random events once, each with name, help, unit, default, valid range and the article passage it stands for. That
// one table validates scenario YAML, answers `steppe describe`, accepts `--set`, and lays out the state. Given a
// scenario's actors, the engine expands the table into a Layout (one slot per actor and variable); the model compiles a
// Kernel against that layout, which steps a block of members at once over structure-of-arrays state: column j of the
// state array is slot j, contiguous across members.
#pragma once

#include <Eigen/Core>
#include <cassert>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/random.hpp"

namespace steppe {

// State and lever arrays: rows are members, columns are slots (column-major, so one slot is
// contiguous across members).
using MemberArrays = Eigen::ArrayXXd;
using MemberColumn = Eigen::ArrayXd;

// A role the model's actors play; the model names its own (deterrence: "rival", "guarantor"),
// and the engine knows none of them.
struct RoleDecl {
  std::string name;
  std::string help;
  int min_count = 0;
  int max_count = -1;  // -1: any number
};

// Defaults that depend on which actor holds a role (the flagship's calibration, docs/model.md
// §7.2, names CHN and RUS); any other actor gets the plain default.
using ActorDefaults = std::map<std::string, double>;

// Which of the network's parts each of the model's roles plays, for a model that reads the
// scenario's `network:` (engine/network.hpp): the loader builds the network from the actors of
// these roles.
struct NetworkRoles {
  std::string focal;      // the role of the one actor every route leads to
  std::string neighbors;  // the role whose actors control edges (an edge's `controlled_by`)
  // The role whose actors' routes lead to the focal actor; its levers realized over time
  // (LeverDecl::realized_as) may gate edges.
  std::string partners;
};

// How many copies of a state variable each actor of its role owns.
enum class Per {
  owner,  // one: "NORTH.arms"
  lever,  // one per lever of the owner realized as this variable: "USA.engagement.pme"
  actor,  // one per actor of the role `per_role`: "MNG.dependence.CHN"
};

struct VariableDecl {
  std::string name;  // "autonomy"; copies per lever or per actor expand to "dependence.CHN"
  std::string role;  // owning role, or "system" for the one system-level actor
  Per per = Per::owner;
  std::string per_role;  // with Per::actor: the role whose actors each get a copy
  std::string help;
  // What a value measures, for people: the charts' y-axis label and describe's unit column
  // ("share (0–1)", "indicator (0 or 1)", "months").
  std::string unit;
  double initial = 0;  // default initial value (per-lever variables start at the lever default)
  ActorDefaults actor_initials;
  double min = 0, max = 1;
  bool clipped = true;           // clipped to [min, max] by the engine after every step
  bool derived_initial = false;  // the model computes the initial value; a scenario can't set it
  bool internal = false;         // bookkeeping: in checkpoints, not in outputs
  std::string source;            // article section
};

struct ParameterDecl {
  std::string name;
  std::string role;  // "" for a global parameter, else one value per actor of the role
  std::string per;   // "" | a role: one value per pair of actors, named "ACTOR.name.OTHER"
  std::string help;
  std::string unit;
  double value = 0;
  ActorDefaults actor_values;
  double min = 0, max = 1;
  std::vector<std::string> choices;  // when set, the value is an index into these names
  std::string source;
};

struct LeverDecl {
  std::string name;
  std::string role;    // levers always belong to actors of a role
  std::string domain;  // a grouping people read ("defense", "diplomatic"); the engine never reads it
  std::string help;
  std::string unit;
  double value = 0;  // status quo
  ActorDefaults actor_values;
  double min = 0, max = 1;
  std::map<std::string, double> traits;  // model-specific properties shown by describe
  // The per-lever state variable that realizes this lever over time (e.g. "engagement"), or ""
  // when the lever acts directly.
  std::string realized_as;
  std::string source;
};

// A kind of dated model event a scenario can schedule, e.g. a leadership turnover.
struct EventKindDecl {
  std::string name;
  std::string role;  // the role of the actor it happens to
  std::string help;
  std::string source;
};

// A random event: something that strikes members in stochastic runs (a crisis, a border
// incident), or the random size of a scheduled event (how hard a leadership turnover hits). A
// kernel draws it only when StepContext::stochastic, through StepContext::random_stream or
// firing_stream, from streams no other draw of the run uses (engine/random.hpp).
struct RandomEventDecl {
  std::string name;
  std::string role;  // the role of the actors it happens to, or "system"
  std::string help;
  std::string source;
  // The event kind (EventKindDecl) whose firings it sizes, each firing drawing from the stream of
  // its place among the month's firings; "" for an event of its own, drawn every month.
  std::string event_kind;
  // An event of its own draws `streams` streams per member and month from `stream` on (a normal
  // draw by Box–Muller takes two), below model_streams_end and apart from every other event's.
  std::uint32_t stream = 0;
  std::uint32_t streams = 1;
};

// A quantity the step computes on its way to the new state and keeps nowhere (visibility,
// partner support): `steppe run --explain` writes each member's value of it every month, as the
// kernel computed it in the step (StepContext::derived).
struct DerivedDecl {
  std::string name;      // "visibility"; copies per actor expand to "pressure.CHN"
  std::string role;      // owning role, or "system" for a quantity of the whole scenario
  Per per = Per::owner;  // Per::owner or Per::actor (Per::lever is for state variables)
  std::string per_role;  // with Per::actor: the role whose actors each get a copy
  std::string help;
  std::string unit;
  std::string source;  // the section of docs/model.md that defines it
};

// A panel of the run chart: one line per actor owning the variable.
struct ChartPanelDecl {
  std::string title;     // "Autonomy"
  std::string variable;  // "autonomy"
};

// One term of what an actor of a role wants: its objective, by which a lookahead controller scores
// the settings it may choose (engine/controllers.hpp). The objective is the weighted sum of its
// terms; a scenario may give an actor other weights (a controller's `objective:`).
struct ObjectiveTermDecl {
  std::string role;  // whose objective
  std::string name;  // the weight's key: "autonomy", "leverage", "lever_cost"
  // What the term measures: a state variable as "self.VARIABLE" (the actor's own), "{ROLE}.VARIABLE"
  // (the one actor of a role) or "system.VARIABLE", where "{self}" in VARIABLE is the actor's
  // name ("{focal}.dependence.{self}"); or "lever_cost", the settings of the levers the
  // controller holds, each as a share of its range, summed.
  std::string quantity;
  double weight = 1;  // by default; negative: the actor wants it low
  std::string help;
  std::string source;  // the article's section
};

struct ModelDeclaration {
  std::string name;
  std::string version;
  std::string help;
  std::vector<RoleDecl> roles;
  std::vector<VariableDecl> variables;
  std::vector<ParameterDecl> parameters;
  std::vector<LeverDecl> levers;
  // What the kernel can explain; empty for a model that explains nothing.
  std::vector<DerivedDecl> derived;
  std::vector<EventKindDecl> event_kinds;
  std::vector<RandomEventDecl> random_events;
  // Outcome expressions run when a scenario names none; "{role}" expands to each actor of it.
  std::vector<std::string> default_outcomes;
  // What `steppe run` and `compare` chart, in order.
  std::vector<ChartPanelDecl> chart_panels;
  // What each role's actors want, term by term (none: the model's actors cannot be given
  // lookahead controllers).
  std::vector<ObjectiveTermDecl> objectives;
  // Set when the model reads the scenario's network: which of its roles play the network's parts.
  std::optional<NetworkRoles> network;
  // Whether the kernel reads per-member parameter columns (StepContext::parameters), so that a
  // scenario may give parameters distributions; a model whose step compiles its parameters into
  // something shared by all members (richardson's matrix) leaves this false.
  bool per_member_parameters = false;

  const RoleDecl* find_role(const std::string& name) const;
  const VariableDecl* find_variable(const std::string& name) const;
  const RandomEventDecl* find_random_event(const std::string& name) const;
};

// How a variable's copies are named in `steppe describe`: "" (one per owner), "lever", or the
// role of Per::actor.
std::string per_text(const VariableDecl& variable);
std::string per_text(const DerivedDecl& derived);

struct Actor {
  std::string name;
  std::string role;
};

// The declaration expanded over a scenario's actors: every slot has a full name such as
// "MNG.autonomy", "MNG.dependence.CHN", "USA.engagement.pme", "USA.air_link", "CHN.theta".
class Layout {
 public:
  struct StateSlot {
    std::string actor;
    std::string variable;  // "dependence.CHN"
    const VariableDecl* decl;
    double initial;
  };
  struct LeverSlot {
    std::string actor;
    const LeverDecl* decl;
    double status_quo;
  };
  struct DerivedSlot {
    std::string actor;
    std::string name;  // "pressure.CHN"
    const DerivedDecl* decl;
  };
  struct ParameterSlot {
    std::string actor;  // "" for a global parameter
    std::string name;   // "theta", or "reaction.CHN" for a per-pair parameter
    const ParameterDecl* decl;
    double value;
  };

  Layout(const ModelDeclaration& declaration, std::vector<Actor> actors);

  const ModelDeclaration& declaration() const { return *declaration_; }
  const std::vector<Actor>& actors() const { return actors_; }
  std::vector<std::string> actors_with_role(const std::string& role) const;
  // The role `actor` plays; "" for a name that is not one of the actors.
  std::string role_of(const std::string& actor) const;
  const std::vector<StateSlot>& state() const { return state_; }
  const std::vector<LeverSlot>& levers() const { return levers_; }
  const std::vector<ParameterSlot>& parameters() const { return parameters_; }
  const std::vector<DerivedSlot>& derived() const { return derived_; }

  // Slot indices by full name; -1 when absent.
  int state_index(const std::string& actor, const std::string& variable) const;
  int lever_index(const std::string& actor, const std::string& lever) const;
  int parameter_index(const std::string& actor, const std::string& parameter) const;
  int derived_index(const std::string& actor, const std::string& derived) const;

  static std::string full_name(const std::string& actor, const std::string& name) {
    return actor.empty() ? name : actor + "." + name;
  }
  std::string state_name(int slot) const { return full_name(state_[slot].actor, state_[slot].variable); }
  std::string lever_name(int slot) const { return full_name(levers_[slot].actor, levers_[slot].decl->name); }
  std::string derived_name(int slot) const { return full_name(derived_[slot].actor, derived_[slot].name); }
  std::string parameter_name(int slot) const { return full_name(parameters_[slot].actor, parameters_[slot].name); }
  // All names a scenario can address, for "did you mean" (internal bookkeeping left out).
  std::vector<std::string> state_names() const;
  std::vector<std::string> lever_names() const;
  std::vector<std::string> parameter_names() const;

 private:
  const ModelDeclaration* declaration_;
  std::vector<Actor> actors_;
  std::vector<StateSlot> state_;
  std::vector<LeverSlot> levers_;
  std::vector<ParameterSlot> parameters_;
  std::vector<DerivedSlot> derived_;
  std::map<std::string, int> state_by_name_, lever_by_name_, parameter_by_name_, derived_by_name_;
};

class Network;

// A model event that fires in the current month, for one actor.
struct ModelEventFiring {
  int kind;   // index into ModelDeclaration::event_kinds
  int actor;  // index into Layout::actors()
};

// One of the members' random streams in the month of a step: member first_member + row draws
// (*this)(row), uniform on (0, 1), the same number whatever block or row it is stepped in.
struct RandomStream {
  std::uint64_t seed = 0;
  std::int64_t first_member = 0;
  std::uint32_t month = 0;
  std::uint32_t stream = 0;
  [[gnu::always_inline]] double operator()(std::int64_t row) const {
    return uniform_draw(seed, static_cast<std::uint64_t>(first_member + row), month, stream);
  }
};

struct StepContext {
  int month = 0;  // t: the step being taken
  bool stochastic = false;
  std::uint64_t seed = 0;
  std::int64_t first_member = 0;  // global index of row 0, for per-member random streams
  const std::vector<ModelEventFiring>* model_events = nullptr;
  // Lever values at t, members × lever slots, each within its lever's declared range (the
  // loader and Simulation::set_lever refuse any other): the equations are written for them.
  const MemberArrays* levers = nullptr;
  // Members × parameter slots when some parameter varies across members (the scenario's
  // uncertainties); null when every member has the values the kernel was compiled with.
  const MemberArrays* parameters = nullptr;
  // With `parameters`: per parameter slot, whether it varies (the others hold the compiled value
  // in every row, and a kernel may use that instead of reading the column).
  const std::vector<char>* varying_parameters = nullptr;
  // Members × derived slots of the layout, or null. When set (`steppe run --explain`), advance()
  // writes into it every derived quantity (ModelDeclaration::derived) as the step computed it,
  // from the state after this month's events. Null in every other run, which pays nothing for it.
  MemberArrays* derived = nullptr;

  // The members' draws of a declared random event of their own (RandomEventDecl::event_kind
  // empty) this month: its `draw`-th stream, draw < event.streams. Only in stochastic runs.
  RandomStream random_stream(const RandomEventDecl& event, std::uint32_t draw = 0) const {
    assert(stochastic && event.event_kind.empty() && draw < event.streams);
    return {seed, first_member, static_cast<std::uint32_t>(month), event.stream + draw};
  }
  // The members' draws of the random size of the firing at place `firing` of *model_events, an
  // event of the kind `event` sizes. Only in stochastic runs.
  RandomStream firing_stream([[maybe_unused]] const RandomEventDecl& event, std::size_t firing) const {
    assert(stochastic && !event.event_kind.empty() && model_events && firing < model_events->size() &&
           firing < firing_streams_end);
    return {seed, first_member, static_cast<std::uint32_t>(month), static_cast<std::uint32_t>(firing)};
  }
};

// A model compiled for one scenario: parameters resolved, indices looked up, route tables built.
// Methods are called once per step for a whole block of members, never per member. A kernel is
// immutable once compiled: one kernel serves every block of an ensemble, on every thread.
class Kernel {
 public:
  virtual ~Kernel() = default;
  // `state` holds the declared initial values; fill the derived ones (the context's levers are
  // those of month 0).
  virtual void initialize(const StepContext& context, MemberArrays& state) const = 0;
  // The derived initial values a model computes from the state as step 0 sees it once month 0's
  // events have acted (third_neighbor's threat perception starts at the target step 0 computes:
  // docs/model.md §5), into `state`, after initialize(). `after_events` is the initial state with
  // month 0's model events and scenario jumps applied. None by default.
  virtual void initialize_after_events(const StepContext& context, const MemberArrays& after_events,
                                       MemberArrays& state) const {
    (void)context, (void)after_events, (void)state;
  }
  // Step 2 of a month, the model's own events (scheduled and random), in place. Scenario jumps
  // are applied by the engine right after.
  virtual void apply_events(const StepContext& context, MemberArrays& state) const = 0;
  // Steps 3 to 5, in place: derived quantities, the synchronous update and any bookkeeping after
  // commit. The engine then clips every variable declared clipped to its range (unless
  // clips_on_commit()). Synchronous for each member: all its new values come from its
  // values at the start of the step. No member depends on another, so a kernel may read a few
  // members' values, write theirs, and go on to the next few, with no second copy of the state
  // to write into (which made the step loop a sixth slower: docs/performance.md).
  virtual void advance(const StepContext& context, MemberArrays& state) const = 0;
  // True when advance() leaves every variable declared clipped within its range itself, clipping
  // on commit in its own pass over the block, so that the engine need not make a second one (a
  // hand-fused kernel's speed; the conformance tests check the promise under random and extreme
  // levers). False, the default: the engine clips them after advance().
  virtual bool clips_on_commit() const { return false; }
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const ModelDeclaration& declaration() const = 0;
  // Constraints across values that no single range expresses (e.g. shares that must sum below
  // one): each problem as (the name of a value involved, the message). The loader reports them
  // as input errors. `parameters` and `initial` are per slot of the layout.
  virtual std::vector<std::pair<std::string, std::string>> check(const Layout& layout,
                                                                 const std::vector<double>& parameters,
                                                                 const std::vector<double>& initial) const {
    (void)layout, (void)parameters, (void)initial;
    return {};
  }
  // `parameters` holds one value per parameter slot of the layout (defaults with the scenario's
  // overrides applied); `network` is null when the model does not use one.
  virtual std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>& parameters,
                                          const Network* network) const = 0;
};

// Models register themselves by name from their own folder (a static ModelRegistration in their
// .cpp); the engine looks them up here and needs no change when a model is added.
class ModelRegistry {
 public:
  static ModelRegistry& instance();
  void add(std::unique_ptr<Model> model);
  const Model* find(const std::string& name) const;  // null when absent
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<Model>> models_;
};

template <typename ModelType>
struct ModelRegistration {
  ModelRegistration() { ModelRegistry::instance().add(std::make_unique<ModelType>()); }
};

}  // namespace steppe
