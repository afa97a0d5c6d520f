// Lever policies (engine/lever_policy.hpp) plugged into a simulation: a policy of a test's own is
// honoured, the order of precedence is schedules, triggers, further policies, then a wargame's
// held levers; a policy whose settings hold is not called again until someone disturbs them;
// results do not depend on block size or thread count, with draws and per-member state; and a
// stateful policy's member state survives a checkpoint and restore.
#include <atomic>
#include <catch2/catch.hpp>
#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/lever_policy.hpp"
#include "engine/random.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

const std::string stochastic_baseline = R"(
extends: {scenarios}/baseline.yaml
stochastic: true
seed: 7
parameters: {h0: 0.02}
)";

int lever_slot(const Scenario& scenario, const std::string& name) {
  const auto dot = name.find('.');
  const int slot = scenario.layout->lever_index(name.substr(0, dot), name.substr(dot + 1));
  REQUIRE(slot >= 0);
  return slot;
}

int state_slot(const Scenario& scenario, const std::string& name) {
  const auto dot = name.find('.');
  const int slot = scenario.layout->state_index(name.substr(0, dot), name.substr(dot + 1));
  REQUIRE(slot >= 0);
  return slot;
}

// The scenario with `policies` after its schedules and triggers.
std::shared_ptr<const Scenario> with_policies(const std::shared_ptr<const Scenario>& loaded,
                                              std::vector<std::shared_ptr<const LeverPolicy>> policies) {
  auto scenario = std::make_shared<Scenario>(*loaded);
  scenario->lever_policies = std::move(policies);
  return scenario;
}

// Sets a lever to each member's own value of a state variable at the start of the month: a
// policy that reads the state, member by member.
class LeverFromState final : public LeverPolicy {
 public:
  LeverFromState(int lever, int state) : lever_(lever), state_(state) {}
  std::vector<int> controlled_levers() const override { return {lever_}; }
  void set_levers(const LeverPolicyContext& context, MemberArrays&, LeverColumns& levers) const override {
    if (context.state) levers.set_each(lever_, context.state->col(state_));
  }

 private:
  int lever_, state_;
};

// Sets a lever on the even rows of a block only (so the rows it leaves show what lies beneath).
class EvenRows final : public LeverPolicy {
 public:
  EvenRows(int lever, double value) : lever_(lever), value_(value) {}
  std::vector<int> controlled_levers() const override { return {lever_}; }
  void set_levers(const LeverPolicyContext&, MemberArrays&, LeverColumns& levers) const override {
    const MemberArrays& values = levers.values();
    Eigen::Array<bool, Eigen::Dynamic, 1> even(values.rows());
    for (Eigen::Index row = 0; row < values.rows(); ++row) even(row) = row % 2 == 0;
    levers.set_each(lever_, even.select(value_, values.col(lever_)));
  }

 private:
  int lever_;
  double value_;
};

// Holds a lever at one value from month `from` on, and says so: called again only when its
// settings may change or someone disturbed them. Counts its calls (a test's instrument; the
// policy's settings do not depend on the count).
class ConstantFrom final : public LeverPolicy {
 public:
  ConstantFrom(int lever, double value, int from) : lever_(lever), value_(value), from_(from) {}
  std::vector<int> controlled_levers() const override { return {lever_}; }
  void set_levers(const LeverPolicyContext& context, MemberArrays&, LeverColumns& levers) const override {
    ++calls;
    if (context.month < from_) {
      levers.unchanged_through(from_ - 1);
      return;
    }
    levers.set_all(lever_, value_, INT_MAX);
    levers.unchanged_through(INT_MAX);
  }
  mutable std::atomic<int> calls = 0;

 private:
  int lever_;
  double value_;
  int from_;
};

// A doctrine rule with hysteresis, deciding every `every` months: a member's neighbor turns
// vigilant when coercion rises above a threshold it draws anew at each decision (around `high`),
// and relaxed when coercion falls below `low`; vigilant members set the lever to 0.9, relaxed ones
// to 0.4, and hold their setting between decisions. Member state: the mode and the setting.
class Hysteresis final : public LeverPolicy {
 public:
  Hysteresis(int lever, int coercion, double low, double high, int every)
      : lever_(lever), coercion_(coercion), low_(low), high_(high), every_(every) {}
  std::vector<int> controlled_levers() const override { return {lever_}; }
  Eigen::Index member_state_columns() const override { return 2; }
  void set_levers(const LeverPolicyContext& context, MemberArrays& member, LeverColumns& levers) const override {
    if (!context.state) return;
    auto vigilant = member.col(0), setting = member.col(1);
    if (context.month % every_ == 0) {
      const auto coercion = context.state->col(coercion_);
      for (Eigen::Index row = 0; row < member.rows(); ++row) {
        const double jitter = uniform_draw(context.seed, static_cast<std::uint64_t>(context.first_member + row),
                                           static_cast<std::uint32_t>(context.month), context.first_draw);
        if (coercion(row) > high_ + 0.05 * (jitter - 0.5)) vigilant(row) = 1;
        if (coercion(row) < low_) vigilant(row) = 0;
      }
      setting = (vigilant > 0).select(0.9, Eigen::ArrayXd::Constant(member.rows(), 0.4));
    }
    levers.set_each(lever_, setting);
  }

 private:
  int lever_, coercion_;
  double low_, high_;
  int every_;
};

}  // namespace

TEST_CASE("lever policies: a policy of one's own sets a lever from each member's own state", "[lever_policies]") {
  const auto loaded = scenario_from_yaml(stochastic_baseline);
  const int diplomacy = lever_slot(*loaded, "MNG.balanced_diplomacy");
  const int autonomy = state_slot(*loaded, "MNG.autonomy");
  const auto scenario = with_policies(loaded, {std::make_shared<LeverFromState>(diplomacy, autonomy)});
  Simulation simulation(scenario, {6, 0});
  // Before the first step the state is not complete: the derived initial values see the schedule.
  const double scheduled = loaded->levers[static_cast<std::size_t>(diplomacy)].value_at(
      0, loaded->layout->levers()[static_cast<std::size_t>(diplomacy)].status_quo);
  CHECK((simulation.levers().col(diplomacy) == scheduled).all());
  bool members_differ = false;
  while (!simulation.finished()) {
    const MemberArrays start = simulation.state();
    simulation.step();
    REQUIRE((simulation.levers().col(diplomacy) == start.col(autonomy)).all());
    members_differ = members_differ || (start.col(autonomy) != start(0, autonomy)).any();
  }
  CHECK(members_differ);
  // And the run differs from the scenario's own.
  Simulation plain(loaded, {6, 0});
  plain.run();
  CHECK_FALSE((plain.state() == simulation.state()).all());
}

TEST_CASE("lever policies: schedules, then triggers, then further policies, then a team's held lever",
          "[lever_policies]") {
  // The trigger's condition always holds, so it is in force from step 0 for every member.
  const auto loaded = scenario_from_yaml(stochastic_baseline + R"(
levers: {MNG.balanced_diplomacy: 0.3}
triggers:
  - {when: MNG.autonomy >= 0, set: {MNG.balanced_diplomacy: 0.9}}
)");
  const int diplomacy = lever_slot(*loaded, "MNG.balanced_diplomacy");
  const auto scenario = with_policies(loaded, {std::make_shared<EvenRows>(diplomacy, 0.6)});
  Simulation simulation(scenario, {5, 0});
  // Before the first step no trigger is checked, but a policy that does not read the state applies.
  const Eigen::ArrayXd over_schedule = (Eigen::ArrayXd(5) << 0.6, 0.3, 0.6, 0.3, 0.6).finished();
  CHECK((simulation.levers().col(diplomacy) == over_schedule).all());
  const Eigen::ArrayXd over_trigger = (Eigen::ArrayXd(5) << 0.6, 0.9, 0.6, 0.9, 0.6).finished();
  for (int month = 0; month < 3; ++month) {
    simulation.step();
    CHECK((simulation.levers().col(diplomacy) == over_trigger).all());
  }
  simulation.set_lever(diplomacy, 0.1);
  CHECK((simulation.levers().col(diplomacy) == over_trigger).all());  // from the next step on
  simulation.step();
  CHECK((simulation.levers().col(diplomacy) == 0.1).all());
  simulation.clear_lever(diplomacy);
  simulation.step();
  CHECK((simulation.levers().col(diplomacy) == over_trigger).all());
}

TEST_CASE("lever policies: a policy whose settings hold is called again only when they may change or are disturbed",
          "[lever_policies]") {
  const auto loaded = scenario_from_yaml(stochastic_baseline);
  const int framing = lever_slot(*loaded, "USA.framing");
  const int pme = lever_slot(*loaded, "USA.pme");
  const int autonomy = state_slot(*loaded, "MNG.autonomy");
  const auto constant = std::make_shared<ConstantFrom>(framing, 0.7, 10);
  SECTION("alone") {
    Simulation simulation(with_policies(loaded, {constant}), {3, 0});
    CHECK(constant->calls == 1);  // the pass before the first step: nothing before month 10
    for (int month = 0; month < 10; ++month) simulation.step();
    CHECK(constant->calls == 1);
    CHECK((simulation.levers().col(framing) != 0.7).all());
    simulation.step();  // month 10
    CHECK(constant->calls == 2);
    CHECK((simulation.levers().col(framing) == 0.7).all());
    for (int month = 11; month < 20; ++month) simulation.step();
    CHECK(constant->calls == 2);
    // A team holding another lever disturbs nothing; letting go of this one does.
    simulation.set_lever(pme, 0.2);
    simulation.step();
    CHECK(constant->calls == 2);
    simulation.set_lever(framing, 0.1);
    simulation.step();
    CHECK((simulation.levers().col(framing) == 0.1).all());
    simulation.clear_lever(framing);
    simulation.step();
    CHECK(constant->calls == 3);
    CHECK((simulation.levers().col(framing) == 0.7).all());
    // A restore makes every policy write afresh.
    const Checkpoint checkpoint = simulation.checkpoint();
    simulation.restore(checkpoint);
    simulation.step();
    CHECK(constant->calls == 4);
    CHECK((simulation.levers().col(framing) == 0.7).all());
  }
  SECTION("under a policy that writes over it member by member") {
    Simulation simulation(with_policies(loaded, {constant, std::make_shared<LeverFromState>(framing, autonomy)}),
                          {3, 0});
    for (int month = 0; month < 15; ++month) {
      const MemberArrays start = simulation.state();
      simulation.step();
      REQUIRE((simulation.levers().col(framing) == start.col(autonomy)).all());
    }
    // From month 10 its column is written over every month, so it writes it again every month.
    CHECK(constant->calls == 1 + 1 + 4);
  }
}

TEST_CASE("lever policies: results do not depend on block size or thread count", "[lever_policies]") {
  const auto loaded = scenario_from_yaml(stochastic_baseline + R"(
triggers:
  - {when: CHN.coercion > 0.25, set: {USA.framing: 0.8}}
uncertainties:
  USA.air_link: {discrete: {values: [0, 1]}}
)");
  const int diplomacy = lever_slot(*loaded, "MNG.balanced_diplomacy");
  const int pme = lever_slot(*loaded, "USA.pme");
  const auto scenario =
      with_policies(loaded, {std::make_shared<Hysteresis>(diplomacy, state_slot(*loaded, "CHN.coercion"), 0.1, 0.2, 3),
                             std::make_shared<LeverFromState>(pme, state_slot(*loaded, "MNG.autonomy"))});
  EnsembleOptions options;
  options.members = 150;
  options.keep_trajectories = true;
  options.block_size = 1;
  options.threads = 1;
  const EnsembleResult reference = run_ensemble(scenario, options);
  // The policies change the run, and members differ.
  options.threads = 2;
  CHECK_FALSE((run_ensemble(loaded, options).outcomes == reference.outcomes).all());
  CHECK_FALSE((reference.outcomes.row(0) == reference.outcomes.row(1)).all());
  for (const auto& [block_size, threads] : {std::pair{16, 1}, std::pair{48, 2}, std::pair{1024, 2}, std::pair{7, 2}}) {
    options.block_size = block_size;
    options.threads = threads;
    const EnsembleResult result = run_ensemble(scenario, options);
    CAPTURE(block_size, threads);
    CHECK((result.outcomes == reference.outcomes).all());
    CHECK(identical(result.trajectories, reference.trajectories));
  }
}

TEST_CASE("lever policies: a stateful policy's member state is checkpointed and restored", "[lever_policies]") {
  const auto loaded = scenario_from_yaml(stochastic_baseline);
  const int diplomacy = lever_slot(*loaded, "MNG.balanced_diplomacy");
  const auto scenario = with_policies(
      loaded, {std::make_shared<Hysteresis>(diplomacy, state_slot(*loaded, "CHN.coercion"), 0.1, 0.2, 3)});
  Simulation simulation(scenario, {8, 0});
  for (int month = 0; month < 31; ++month) simulation.step();  // mid-way between two decisions
  const Checkpoint checkpoint = simulation.checkpoint();
  // Schedules, triggers, then the hysteresis rule with its mode and setting per member.
  REQUIRE(checkpoint.policy_states.size() == 3);
  CHECK(checkpoint.policy_states[2].rows() == 8);
  CHECK(checkpoint.policy_states[2].cols() == 2);
  CHECK((checkpoint.policy_states[2].col(0) > 0).any());  // some members turned vigilant
  const auto first = run_rest(simulation);

  simulation.restore(checkpoint);
  CHECK(identical(run_rest(simulation), first));
  Simulation fresh(scenario, {8, 0});
  fresh.restore(checkpoint);
  CHECK(identical(run_rest(fresh), first));

  // A checkpoint whose policies keep other member state is refused.
  Simulation plain(loaded, {8, 0});
  CHECK_THROWS_AS(plain.restore(checkpoint), std::logic_error);
}
