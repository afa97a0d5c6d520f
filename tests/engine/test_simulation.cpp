// The stepping API (engine/simulation.hpp) on the real third_neighbor model: lever schedules,
// triggers, state jumps and model events month by month, lever overrides, checkpoints, and the
// independence of results from how members are laid out in blocks.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// The flagship actors and network of scenarios/baseline.yaml without its scheduled elections, so
// that a test can pick any horizon (every date of a scenario must lie within its run).
std::string flagship(int months) {
  return "model: third_neighbor\nstart: 2025-01\nmonths: " + std::to_string(months) + R"(
actors: {MNG: focal, CHN: neighbor, RUS: neighbor, USA: partner}
network:
  nodes: [RU_AIRSPACE, CN_AIRSPACE, TIANJIN, DIRECT_AIR]
  edges:
    - {from: USA, to: RU_AIRSPACE, base: 0.9, controlled_by: {RUS: 1.0}}
    - {from: RU_AIRSPACE, to: MNG}
    - {from: USA, to: CN_AIRSPACE, base: 0.9, controlled_by: {CHN: 1.0}}
    - {from: CN_AIRSPACE, to: MNG}
    - {from: USA, to: TIANJIN, base: 0.6, controlled_by: {CHN: 1.0}}
    - {from: TIANJIN, to: MNG}
    - {from: USA, to: DIRECT_AIR, base: 0.8, gate: air_link, controlled_by: {CHN: 0.3, RUS: 0.3}}
    - {from: DIRECT_AIR, to: MNG}
)";
}

int lever_slot(const Scenario& scenario, const std::string& actor, const std::string& lever) {
  const int slot = scenario.layout->lever_index(actor, lever);
  REQUIRE(slot >= 0);
  return slot;
}

int state_slot(const Scenario& scenario, const std::string& actor, const std::string& variable) {
  const int slot = scenario.layout->state_index(actor, variable);
  REQUIRE(slot >= 0);
  return slot;
}

// The value of one lever at every month of a run, as Simulation::levers() reports it after each
// step; every member must hold the same value.
std::vector<double> lever_path(const std::shared_ptr<const Scenario>& scenario, const std::string& actor,
                               const std::string& lever, std::int64_t members = 2) {
  const int slot = lever_slot(*scenario, actor, lever);
  Simulation simulation(scenario, {members, 0});
  std::vector<double> values;
  while (!simulation.finished()) {
    simulation.step();
    const auto column = simulation.levers().col(slot);
    REQUIRE((column == column(0)).all());
    values.push_back(column(0));
  }
  return values;
}

RandomEventDecl random_event(const std::string& name, std::uint32_t stream, std::uint32_t streams = 1,
                             const std::string& event_kind = "") {
  RandomEventDecl event;
  event.name = name;
  event.role = "system";
  event.event_kind = event_kind;
  event.stream = stream;
  event.streams = streams;
  return event;
}

// A model whose step leaves its variables out of range, for the engine's clipping: `clipped` is
// declared clipped to [0, 1], `free` is not; `kick` holds each member's draw of the declared
// random event `kick` (stream 7) in stochastic runs.
class OvershootModel final : public Model {
 public:
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>&, const Network*) const override {
    return std::make_unique<OvershootKernel>(layout);
  }

 private:
  class OvershootKernel final : public Kernel {
   public:
    explicit OvershootKernel(const Layout& layout)
        : clipped_(layout.state_index("system", "clipped")),
          free_(layout.state_index("system", "free")),
          kick_(layout.state_index("system", "kick")),
          kick_event_(layout.declaration().find_random_event("kick")) {}
    void initialize(const StepContext&, MemberArrays&) const override {}
    void apply_events(const StepContext& context, MemberArrays& state) const override {
      if (!context.stochastic) return;
      const RandomStream kick = context.random_stream(*kick_event_);
      for (Eigen::Index row = 0; row < state.rows(); ++row) state(row, kick_) = kick(row);
    }
    // +5 in even months, -5 in odd ones.
    void advance(const StepContext& context, MemberArrays& state) const override {
      const double overshoot = context.month % 2 == 0 ? 5.0 : -5.0;
      state.col(clipped_).setConstant(overshoot);
      state.col(free_).setConstant(overshoot);
    }

   private:
    int clipped_, free_, kick_;
    const RandomEventDecl* kick_event_;
  };

  ModelDeclaration declaration_ = [] {
    ModelDeclaration d;
    d.name = "simulation_test_overshoot";
    d.version = "1";
    const auto variable = [&](const std::string& name, double min, double max, bool clipped) {
      VariableDecl& v = d.variables.emplace_back();
      v.name = name;
      v.role = "system";
      v.min = min;
      v.max = max;
      v.clipped = clipped;
    };
    variable("clipped", 0, 1, true);
    variable("free", -10, 10, false);
    variable("kick", 0, 1, false);
    d.random_events = {random_event("kick", 7)};
    d.default_outcomes = {"system.clipped.final"};
    return d;
  }();
};

ModelRegistration<OvershootModel> overshoot_registration;

}  // namespace

// ----- Lever schedules ----------------------------------------------------------------------------

TEST_CASE("simulation: a constant schedule holds every month and unnamed levers hold their status quo",
          "[simulation][levers]") {
  auto scenario = scenario_from_yaml(flagship(24) + R"(
levers:
  USA.framing: 0.55
)");
  CHECK(lever_path(scenario, "USA", "framing") == std::vector<double>(24, 0.55));
  CHECK(lever_path(scenario, "USA", "quad_plus") == std::vector<double>(24, 0.1));    // status quo
  CHECK(lever_path(scenario, "RUS", "inducements") == std::vector<double>(24, 0.3));  // actor default
  CHECK(lever_path(scenario, "CHN", "inducements") == std::vector<double>(24, 0.5));

  // Before any step, levers() holds the values for month 0.
  Simulation simulation(scenario);
  CHECK(simulation.levers()(0, lever_slot(*scenario, "USA", "framing")) == 0.55);
}

TEST_CASE("simulation: a dated schedule is a step function from each date, the status quo before",
          "[simulation][levers]") {
  auto scenario = scenario_from_yaml(flagship(30) + R"(
levers:
  USA.pme: {2025-06: 0.9, 2026-01: 0.1, 2026-07: 0.4}
  USA.air_link: {2025-01: 0.7}
)");
  const auto pme = lever_path(scenario, "USA", "pme");
  REQUIRE(pme.size() == 30);
  for (int month = 0; month < 30; ++month) {
    INFO("month " << month);
    const double expected = month < 5 ? 0.5 : month < 12 ? 0.9 : month < 18 ? 0.1 : 0.4;
    CHECK(pme[month] == expected);
  }
  CHECK(lever_path(scenario, "USA", "air_link") == std::vector<double>(30, 0.7));
}

TEST_CASE("simulation: after a restore to an earlier month, levers hold that month's scheduled values",
          "[simulation][levers][checkpoint]") {
  auto scenario = scenario_from_yaml(flagship(30) + R"(
levers:
  USA.pme: {2025-06: 0.9, 2026-01: 0.1}
)");
  const int pme = lever_slot(*scenario, "USA", "pme");
  Simulation simulation(scenario);
  for (int month = 0; month < 8; ++month) simulation.step();
  const Checkpoint checkpoint = simulation.checkpoint();
  while (simulation.month() < 20) simulation.step();
  CHECK(simulation.levers()(0, pme) == 0.1);
  simulation.restore(checkpoint);
  simulation.step();  // month 8
  CHECK(simulation.levers()(0, pme) == 0.9);
}

TEST_CASE("simulation: a ramp holds start before it, moves linearly, and holds end after it", "[simulation][levers]") {
  auto scenario = scenario_from_yaml(flagship(36) + R"(
levers:
  USA.khaan_quest: {ramp: {from: 2025-07, to: 2026-07, start: 0.6, end: 0.8}}
  USA.pme: {ramp: {from: 2025-01, to: 2025-05, start: 0.0, end: 1.0}}
  USA.basing: {ramp: {from: 2025-03, to: 2025-05, start: 0.9, end: 0.3}}
)");
  const auto quest = lever_path(scenario, "USA", "khaan_quest");
  REQUIRE(quest.size() == 36);
  for (int month = 0; month < 36; ++month) {
    INFO("month " << month);
    if (month <= 6)
      CHECK(quest[month] == 0.6);
    else if (month >= 18)
      CHECK(quest[month] == 0.8);
    else
      CHECK(quest[month] == Approx(0.6 + 0.2 * (month - 6) / 12.0).epsilon(1e-14));
  }
  CHECK(quest[12] == Approx(0.7).epsilon(1e-14));

  const auto pme = lever_path(scenario, "USA", "pme");
  CHECK(pme[0] == 0.0);
  CHECK(pme[1] == Approx(0.25));
  CHECK(pme[2] == Approx(0.5));
  CHECK(pme[3] == Approx(0.75));
  CHECK(pme[4] == 1.0);
  CHECK(pme[35] == 1.0);

  // A falling ramp.
  const auto basing = lever_path(scenario, "USA", "basing");
  CHECK(basing[0] == 0.9);
  CHECK(basing[2] == 0.9);
  CHECK(basing[3] == Approx(0.6));
  CHECK(basing[4] == Approx(0.3));
  CHECK(basing[20] == Approx(0.3));
}

TEST_CASE("simulation: a pulse sits on top of the extended file's schedule, while another schedule replaces it",
          "[simulation][levers]") {
  const auto folder = fresh_folder("pulse-base");
  const auto base = folder / "base.yaml";
  std::ofstream(base) << flagship(30) << R"(
levers:
  USA.air_link: {2025-06: 0.4, 2026-01: 1.0}
  CHN.direct_pressure: {ramp: {from: 2025-03, to: 2025-11, start: 0.0, end: 0.08}}
  USA.pme: {pulse: {from: 2025-02, to: 2025-03, value: 0.9}}
)";
  auto scenario = scenario_from_yaml("extends: " + base.string() + R"(
levers:
  USA.air_link: {pulse: {from: 2025-10, to: 2026-03, value: 0.1}}
  CHN.direct_pressure: 0.02
  USA.pme: {pulse: {from: 2025-03, to: 2025-04, value: 0.8}}
)");

  const auto air_link = lever_path(scenario, "USA", "air_link");
  REQUIRE(air_link.size() == 30);
  for (int month = 0; month < 30; ++month) {
    INFO("month " << month);
    // base: status quo 0 to 2025-05, 0.4 from 2025-06, 1.0 from 2026-01; pulse 2025-10..2026-03
    const double expected = month < 5 ? 0.0 : month < 9 ? 0.4 : month <= 14 ? 0.1 : 1.0;
    CHECK(air_link[month] == expected);
  }
  // A schedule that is not a pulse replaces the base's.
  CHECK(lever_path(scenario, "CHN", "direct_pressure") == std::vector<double>(30, 0.02));
  // Pulses stack: the later one wins where they overlap, the base's shows where it alone applies.
  const auto pme = lever_path(scenario, "USA", "pme");
  CHECK(pme[0] == 0.5);
  CHECK(pme[1] == 0.9);
  CHECK(pme[2] == 0.8);
  CHECK(pme[3] == 0.8);
  CHECK(pme[4] == 0.5);
}

TEST_CASE("simulation: a `set` event holds levers within its window, over the schedule", "[simulation][levers]") {
  auto scenario = scenario_from_yaml(flagship(30) + R"(
levers:
  CHN.direct_pressure: {ramp: {from: 2025-01, to: 2027-01, start: 0.0, end: 0.24}}
events:
  - {from: 2026-01, to: 2026-03, set: {CHN.direct_pressure: 0.15, RUS.hawkishness: 0.9}, note: squeeze}
  - {from: 2026-09, to: 2026-09, set: {RUS.hawkishness: 0.1}}
)");
  const auto pressure = lever_path(scenario, "CHN", "direct_pressure");
  const auto hawkishness = lever_path(scenario, "RUS", "hawkishness");
  for (int month = 0; month < 30; ++month) {
    INFO("month " << month);
    const double ramp = month >= 24 ? 0.24 : 0.24 * month / 24.0;
    if (month >= 12 && month <= 14)
      CHECK(pressure[month] == 0.15);
    else
      CHECK(pressure[month] == Approx(ramp).margin(1e-15));
    const double hawk = (month >= 12 && month <= 14) ? 0.9 : month == 20 ? 0.1 : 0.5;
    CHECK(hawkishness[month] == hawk);
  }
}

// ----- Triggers -----------------------------------------------------------------------------------

TEST_CASE("simulation: a trigger sets its levers from the month after the condition holds, and latches",
          "[simulation][triggers]") {
  auto scenario = scenario_from_yaml(flagship(60) + R"(
levers:
  CHN.direct_pressure: {pulse: {from: 2026-01, to: 2026-03, value: 0.1}}
triggers:
  - when: CHN.coercion > 0.2
    set: {MNG.balanced_diplomacy: 0.95, USA.framing: 0.0}
    note: reassure
  - when: RUS.coercion >= 0.9
    set: {USA.pme: 1.0}
)");
  const int coercion = state_slot(*scenario, "CHN", "coercion");
  const int diplomacy = lever_slot(*scenario, "MNG", "balanced_diplomacy");
  const int framing = lever_slot(*scenario, "USA", "framing");
  const int pme = lever_slot(*scenario, "USA", "pme");

  Simulation simulation(scenario, {3, 0});
  std::vector<double> coercion_at{simulation.state()(0, coercion)};  // at month 0
  std::vector<double> diplomacy_at, framing_at, pme_at;
  while (!simulation.finished()) {
    simulation.step();
    diplomacy_at.push_back(simulation.levers()(0, diplomacy));
    framing_at.push_back(simulation.levers()(0, framing));
    pme_at.push_back(simulation.levers()(0, pme));
    CHECK((simulation.levers().col(diplomacy) == diplomacy_at.back()).all());
    coercion_at.push_back(simulation.state()(0, coercion));
  }

  // The pulse pushes coercion past 0.2, and it falls back below it before the end.
  int crossed = -1;
  for (int month = 0; month <= 60; ++month)
    if (coercion_at[month] > 0.2) {
      crossed = month;
      break;
    }
  REQUIRE(crossed > 12);
  REQUIRE(coercion_at[0] < 0.2);
  REQUIRE(coercion_at[60] < 0.2);

  for (int month = 0; month < 60; ++month) {
    INFO("month " << month << ", coercion at its start " << coercion_at[month] << ", first above 0.2 at " << crossed);
    if (month < crossed) {
      CHECK(diplomacy_at[month] == 0.7);  // status quo
      CHECK(framing_at[month] == 0.2);
    } else {
      // Set in the step of the month whose starting state is past the threshold, and every month after,
      // even once coercion is back below it.
      CHECK(diplomacy_at[month] == 0.95);
      CHECK(framing_at[month] == 0.0);
    }
    CHECK(pme_at[month] == 0.5);  // RUS coercion never reaches 0.9
  }
}

TEST_CASE("simulation: triggers latch per member in a stochastic block", "[simulation][triggers]") {
  auto scenario = scenario_from_yaml(flagship(120) + R"(
stochastic: true
seed: 3
parameters: {h0: 0.01}
triggers:
  - when: CHN.coercion > 0.2
    set: {MNG.balanced_diplomacy: 0.95}
)");
  const int coercion = state_slot(*scenario, "CHN", "coercion");
  const int diplomacy = lever_slot(*scenario, "MNG", "balanced_diplomacy");
  const std::int64_t members = 16;
  Simulation simulation(scenario, {members, 0});
  Eigen::Array<bool, Eigen::Dynamic, 1> seen_above = simulation.state().col(coercion) > 0.2;
  int latched_members = 0;
  while (!simulation.finished()) {
    simulation.step();
    for (Eigen::Index member = 0; member < members; ++member) {
      INFO("member " << member << ", month " << simulation.month() - 1);
      REQUIRE(simulation.levers()(member, diplomacy) == (seen_above(member) ? 0.95 : 0.7));
    }
    seen_above = seen_above || (simulation.state().col(coercion) > 0.2);
  }
  for (Eigen::Index member = 0; member < members; ++member)
    if (simulation.levers()(member, diplomacy) == 0.95) ++latched_members;
  // The seed gives both kinds of member, so the check above is not vacuous.
  CHECK(latched_members > 0);
  CHECK(latched_members < members);
}

// ----- State jumps and model events ---------------------------------------------------------------

TEST_CASE("simulation: a state jump applies at step 2 of its month, clipped to the variable's range",
          "[simulation][events]") {
  const std::string base = flagship(30);
  auto jump = [&](const std::string& delta) {
    return run_months(scenario_from_yaml(base + "events:\n  - {at: 2026-01, jump: {MNG.autonomy: " + delta +
                                         ", CHN.threat_perception: " + delta + "}}\n"));
  };
  const auto plain = run_months(scenario_from_yaml(base));
  const auto small = jump("-0.2");
  const auto far_below = jump("-5");
  const auto below = jump("-1");
  const auto far_above = jump("+5");
  const auto above = jump("+1");
  auto scenario = scenario_from_yaml(base);
  const int autonomy = state_slot(*scenario, "MNG", "autonomy");
  const int threat = state_slot(*scenario, "CHN", "threat_perception");

  // Nothing changes before the jump's month (2026-01 is month 12).
  for (int month = 0; month <= 12; ++month) {
    INFO("month " << month);
    CHECK((small[month] == plain[month]).all());
    CHECK((far_below[month] == plain[month]).all());
  }
  CHECK(small[13](0, autonomy) < plain[13](0, autonomy) - 0.15);
  CHECK(small[13](0, threat) < plain[13](0, threat));
  // Clipped: -5 and -1 both take autonomy to 0 (it starts near 0.48), +5 and +1 both to 1.
  CHECK(identical(far_below, below));
  CHECK(identical(far_above, above));
  CHECK_FALSE(identical(far_below, small));
  // The jump precedes the month's update: autonomy clipped to 0 regrows by alpha * drivers within
  // the same step, instead of being 0 (jump after the update) or negative (no clipping).
  CHECK(far_below[13](0, autonomy) > 0.0);
  CHECK(far_below[13](0, autonomy) < 0.05);
  CHECK(far_above[13](0, autonomy) < 1.0);
  CHECK(far_above[13](0, autonomy) > 0.95);
}

TEST_CASE("simulation: a leadership turnover cuts engagement and trust in its month's step", "[simulation][events]") {
  auto plain_scenario = scenario_from_yaml(flagship(24));
  auto event_scenario = scenario_from_yaml(flagship(24) + R"(
events:
  - {at: 2026-01, event: leadership_turnover, actor: MNG, note: election}
)");
  REQUIRE(event_scenario->model_events.size() == 1);
  const auto plain = run_months(plain_scenario);
  const auto turnover = run_months(event_scenario);
  const int trust = state_slot(*plain_scenario, "USA", "trust");
  const int pme = state_slot(*plain_scenario, "USA", "engagement.pme");
  const int dialogue = state_slot(*plain_scenario, "USA", "engagement.strategic_dialogue");

  for (int month = 0; month <= 12; ++month) CHECK((turnover[month] == plain[month]).all());
  CHECK(turnover[13](0, trust) < plain[13](0, trust));
  CHECK(turnover[13](0, pme) < plain[13](0, pme));
  CHECK(turnover[13](0, dialogue) < plain[13](0, dialogue));
  // Deterministic magnitude turnover_shock = 0.3, softened by institutionalization and elite ties:
  // the cut is less than 30 % of each.
  CHECK(turnover[13](0, pme) > 0.7 * plain[13](0, pme));
  CHECK(turnover[13](0, trust) > 0.7 * plain[13](0, trust));
}

// ----- Lever overrides ----------------------------------------------------------------------------

TEST_CASE("simulation: set_lever overrides schedules and triggers from the next step, and clear_lever restores them",
          "[simulation][levers]") {
  auto scenario = scenario_from_yaml(flagship(40) + R"(
levers:
  CHN.direct_pressure: {ramp: {from: 2025-01, to: 2027-01, start: 0.0, end: 0.24}}
triggers:
  - when: system.tension >= 0
    set: {MNG.balanced_diplomacy: 0.95}
)");
  const int pressure = lever_slot(*scenario, "CHN", "direct_pressure");
  const int diplomacy = lever_slot(*scenario, "MNG", "balanced_diplomacy");
  const int outreach = lever_slot(*scenario, "MNG", "outreach");
  Simulation simulation(scenario, {3, 0});
  for (int month = 0; month < 10; ++month) simulation.step();
  CHECK(simulation.levers()(0, diplomacy) == 0.95);  // the trigger holds from month 0
  CHECK(simulation.levers()(0, pressure) == Approx(0.09));

  simulation.set_lever(pressure, 0.3);
  simulation.set_lever(diplomacy, 0.1);
  simulation.set_lever(outreach, 1.0);
  // Not before the next step.
  CHECK(simulation.levers()(0, pressure) == Approx(0.09));
  for (int month = 10; month < 20; ++month) {
    simulation.step();
    INFO("month " << month);
    CHECK((simulation.levers().col(pressure) == 0.3).all());
    CHECK((simulation.levers().col(diplomacy) == 0.1).all());
    CHECK((simulation.levers().col(outreach) == 1.0).all());
  }
  // Setting again replaces the held value.
  simulation.set_lever(pressure, 0.05);
  simulation.step();  // month 20
  CHECK((simulation.levers().col(pressure) == 0.05).all());

  simulation.clear_lever(pressure);
  simulation.clear_lever(diplomacy);
  simulation.step();  // month 21
  CHECK(((simulation.levers().col(pressure) - 0.24 * 21 / 24.0).abs() < 1e-12).all());
  CHECK((simulation.levers().col(diplomacy) == 0.95).all());
  CHECK((simulation.levers().col(outreach) == 1.0).all());  // still held
  simulation.clear_lever(outreach);
  simulation.step();  // month 22
  CHECK((simulation.levers().col(outreach) == 0.6).all());
  CHECK(((simulation.levers().col(pressure) - 0.24 * 22 / 24.0).abs() < 1e-12).all());

  // Clearing a lever that is not held is harmless; a slot that does not exist is an error.
  simulation.clear_lever(outreach);
  CHECK_THROWS_AS(simulation.set_lever(static_cast<int>(scenario->layout->levers().size()), 0.5), std::out_of_range);
  CHECK_THROWS_AS(simulation.clear_lever(-1), std::out_of_range);
  // So is a value outside the lever's range, which kernels may rely on; nothing is held then.
  CHECK_THROWS_AS(simulation.set_lever(outreach, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(simulation.set_lever(outreach, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(simulation.set_lever(outreach, std::nan("")), std::invalid_argument);
  simulation.step();  // month 23
  CHECK((simulation.levers().col(outreach) == 0.6).all());
}

TEST_CASE("simulation: a held lever changes the run exactly like the same constant schedule", "[simulation][levers]") {
  auto scheduled = scenario_from_yaml(flagship(36) + R"(
levers: {USA.khaan_quest: 1.0}
)");
  auto plain = scenario_from_yaml(flagship(36), {}, "plain");
  Simulation held(plain);
  held.set_lever(lever_slot(*plain, "USA", "khaan_quest"), 1.0);
  Simulation reference(scheduled);
  while (!reference.finished()) {
    reference.step();
    held.step();
    REQUIRE((held.state() == reference.state()).all());
  }
}

// ----- Checkpoints --------------------------------------------------------------------------------

TEST_CASE("simulation: checkpoint at month 30, run on, restore and run on again gives the same months",
          "[simulation][checkpoint]") {
  SECTION("deterministic, one member") {
    auto scenario = shipped_scenario("coercion_shock");
    Simulation simulation(scenario);
    for (int month = 0; month < 30; ++month) simulation.step();
    const Checkpoint checkpoint = simulation.checkpoint();
    CHECK(checkpoint.month == 30);
    const auto first = run_rest(simulation);
    REQUIRE(first.size() == static_cast<std::size_t>(scenario->months - 30));

    simulation.restore(checkpoint);
    CHECK(simulation.month() == 30);
    CHECK((simulation.state() == checkpoint.state).all());
    CHECK(identical(run_rest(simulation), first));

    // A fresh simulation restored from the checkpoint continues the same way.
    Simulation fresh(scenario);
    fresh.restore(checkpoint);
    CHECK(identical(run_rest(fresh), first));
  }

  SECTION("stochastic, several members, with a latched trigger and a held lever in the checkpoint") {
    auto scenario = scenario_from_yaml(R"(
extends: {scenarios}/baseline.yaml
stochastic: true
seed: 11
parameters: {h0: 0.02}
triggers:
  - when: CHN.coercion > 0.2
    set: {MNG.balanced_diplomacy: 0.95}
)");
    Simulation simulation(scenario, {8, 0});
    simulation.set_lever(lever_slot(*scenario, "USA", "framing"), 0.6);
    for (int month = 0; month < 30; ++month) simulation.step();
    const Checkpoint checkpoint = simulation.checkpoint();
    REQUIRE(checkpoint.policy_states.size() == 2);  // the schedules, then the triggers' latches
    CHECK(checkpoint.policy_states[1].rows() == 8);
    CHECK(checkpoint.policy_states[1].cols() == 1);
    CHECK(checkpoint.lever_overrides.at(lever_slot(*scenario, "USA", "framing")) == 0.6);
    const auto first = run_rest(simulation);
    // Members differ, so the equality below covers per-member streams.
    CHECK_FALSE((first.back().row(0) == first.back().row(1)).all());

    // Whatever happens after the checkpoint is undone by restoring it, held levers included.
    simulation.restore(checkpoint);
    simulation.clear_lever(lever_slot(*scenario, "USA", "framing"));
    simulation.set_lever(lever_slot(*scenario, "CHN", "direct_pressure"), 0.5);
    for (int month = 0; month < 10; ++month) simulation.step();
    simulation.restore(checkpoint);
    CHECK(identical(run_rest(simulation), first));

    Simulation fresh(scenario, {8, 0});
    fresh.restore(checkpoint);
    CHECK(identical(run_rest(fresh), first));
  }
}

TEST_CASE("simulation: restoring a checkpoint of another shape is a logic error", "[simulation][checkpoint]") {
  auto scenario = shipped_scenario("baseline");
  Simulation three(scenario, {3, 0});
  Simulation two(scenario, {2, 0});
  CHECK_THROWS_AS(two.restore(three.checkpoint()), std::logic_error);
}

TEST_CASE("simulation: restoring a checkpoint taken under other triggers is a logic error",
          "[simulation][checkpoint]") {
  // Same layout, so the state has the same shape, but the checkpoint's trigger latches have no
  // column for this scenario's trigger: stepping after such a restore would read past them.
  auto with_trigger = scenario_from_yaml(flagship(24) + R"(
triggers:
  - when: CHN.coercion > 0.2
    set: {MNG.balanced_diplomacy: 0.95}
)",
                                         {}, "with-trigger");
  auto without_trigger = scenario_from_yaml(flagship(24), {}, "without-trigger");
  Simulation target(with_trigger, {2, 0});
  const Simulation source(without_trigger, {2, 0});
  const Checkpoint checkpoint = source.checkpoint();
  REQUIRE(checkpoint.state.cols() == target.state().cols());
  REQUIRE(checkpoint.policy_states.at(1).cols() == 0);
  CHECK_THROWS_AS(target.restore(checkpoint), std::logic_error);
}

TEST_CASE("simulation: stepping past the horizon throws std::logic_error", "[simulation]") {
  auto scenario = scenario_from_yaml(flagship(3));
  Simulation simulation(scenario);
  CHECK_FALSE(simulation.finished());
  simulation.step();
  simulation.step();
  simulation.step();
  CHECK(simulation.finished());
  CHECK(simulation.month() == 3);
  const MemberArrays final_state = simulation.state();
  CHECK_THROWS_AS(simulation.step(), std::logic_error);
  CHECK((simulation.state() == final_state).all());  // the failed step changed nothing
  CHECK(simulation.month() == 3);

  Simulation ran(scenario);
  ran.run();
  CHECK(ran.finished());
  CHECK_THROWS_AS(ran.step(), std::logic_error);
  ran.run();  // running a finished simulation is a no-op
  CHECK(ran.month() == 3);
}

TEST_CASE("simulation: a simulation needs at least one member", "[simulation]") {
  auto scenario = shipped_scenario("baseline");
  CHECK_THROWS_AS(Simulation(scenario, {0, 0}), std::logic_error);
  CHECK_THROWS_AS(Simulation(nullptr), std::logic_error);
}

TEST_CASE("simulation: run() shows the observer months 0..horizon in order", "[simulation]") {
  auto scenario = scenario_from_yaml(flagship(5));
  struct Months final : Observer {
    std::vector<int> seen;
    void observe(int month, const MemberArrays&) override { seen.push_back(month); }
  } observer;
  Simulation simulation(scenario);
  simulation.run(&observer);
  CHECK(observer.seen == std::vector<int>{0, 1, 2, 3, 4, 5});

  // A run resumed part way shows only the months it steps.
  Simulation resumed(scenario);
  resumed.step();
  resumed.step();
  observer.seen.clear();
  resumed.run(&observer);
  CHECK(observer.seen == std::vector<int>{3, 4, 5});
}

// ----- Blocks of members --------------------------------------------------------------------------

// Eigen evaluates a column in SIMD packets plus a scalar remainder, so a member's row may be
// computed by the packet code in one block and by the scalar code in another. Bit-identical
// results regardless of block layout need both paths to agree to the last bit.

TEST_CASE("simulation: a deterministic block of 5 members has identical rows, equal to one member alone",
          "[simulation][members]") {
  auto scenario = shipped_scenario("calibrated");
  const auto single = run_months(scenario, 1);
  const auto block = run_months(scenario, 5);
  REQUIRE(block.size() == single.size());
  for (std::size_t month = 0; month < block.size(); ++month) {
    INFO("month " << month);
    REQUIRE(block[month].rows() == 5);
    for (Eigen::Index member = 0; member < 5; ++member)
      REQUIRE((block[month].row(member) == single[month].row(0)).all());
  }
}

TEST_CASE("simulation: deterministic blocks of 9 and 16 members have identical rows, equal to one member alone",
          "[simulation][members]") {
  auto scenario = shipped_scenario("baseline");
  const auto single = run_months(scenario, 1);
  for (const std::int64_t members : {9, 16}) {
    const auto block = run_months(scenario, members);
    REQUIRE(block.size() == single.size());
    for (std::size_t month = 0; month < block.size(); ++month)
      for (Eigen::Index member = 0; member < members; ++member) {
        INFO("block of " << members << ", member " << member << ", month " << month << ", largest difference "
                         << (block[month].row(member) - single[month].row(0)).abs().maxCoeff());
        REQUIRE((block[month].row(member) == single[month].row(0)).all());
      }
  }
}

TEST_CASE("simulation: member k of a stochastic block equals member k run alone (first_member = k), bit for bit",
          "[simulation][members][random]") {
  LoadOptions options;
  options.stochastic = true;
  options.seed = 2024;
  auto scenario = shipped_scenario("baseline", options);
  const std::int64_t members = 6;
  const auto block = run_months(scenario, members);
  REQUIRE(block.size() == static_cast<std::size_t>(scenario->months + 1));
  // Members draw from their own streams: the block's rows differ.
  CHECK_FALSE((block.back().row(0) == block.back().row(1)).all());

  auto run_block = [&](std::int64_t count, std::int64_t first) {
    Simulation simulation(scenario, {count, first});
    TrajectoryRecorder recorder;
    simulation.run(&recorder);
    return recorder.months();
  };
  for (std::int64_t k = 0; k < members; ++k) {
    const auto alone = run_block(1, k);
    for (std::size_t month = 0; month < block.size(); ++month) {
      INFO("member " << k << ", month " << month << ", largest difference "
                     << (alone[month].row(0) - block[month].row(k)).abs().maxCoeff());
      REQUIRE((alone[month].row(0) == block[month].row(k)).all());
    }
  }
  // And the second half as a block of its own.
  const auto tail = run_block(3, 3);
  for (std::size_t month = 0; month < block.size(); ++month)
    for (Eigen::Index k = 0; k < 3; ++k) {
      INFO("member " << k + 3 << ", month " << month);
      REQUIRE((tail[month].row(k) == block[month].row(k + 3)).all());
    }
}

TEST_CASE("simulation: each member follows its own random stream, whatever block it is stepped in (to 1e-12)",
          "[simulation][members][random]") {
  LoadOptions options;
  options.stochastic = true;
  options.seed = 99;
  auto scenario = scenario_from_yaml(flagship(120) + R"(
parameters: {h0: 0.05}
events:
  - {at: 2026-01, event: leadership_turnover, actor: MNG}
  - {at: 2027-01, event: partner_election, actor: USA}
)",
                                     options);
  const std::int64_t members = 12;
  const auto block = run_months(scenario, members);
  const int crisis = state_slot(*scenario, "system", "crisis");
  // The streams differ between members: crises fall in different months.
  std::vector<std::vector<double>> crisis_months(members);
  for (const auto& state : block)
    for (Eigen::Index k = 0; k < members; ++k) crisis_months[k].push_back(state(k, crisis));
  CHECK(crisis_months[0] != crisis_months[1]);

  for (std::int64_t k = 0; k < members; ++k) {
    Simulation alone(scenario, {1, k});
    TrajectoryRecorder recorder;
    alone.run(&recorder);
    for (std::size_t month = 0; month < block.size(); ++month) {
      INFO("member " << k << ", month " << month);
      REQUIRE(recorder.months()[month](0, crisis) == block[month](k, crisis));
      REQUIRE(((recorder.months()[month].row(0) - block[month].row(k)).abs() < 1e-12).all());
    }
  }
  // A block starting elsewhere is another set of members.
  Simulation shifted(scenario, {members, members});
  shifted.run();
  CHECK_FALSE((shifted.state().row(0) == block.back().row(0)).all());
}

// ----- The engine's part of the step --------------------------------------------------------------

TEST_CASE("simulation: after the kernel's step the engine clips the variables declared clipped, and only those",
          "[simulation][clipping]") {
  const auto scenario = scenario_from_yaml("model: simulation_test_overshoot\nstart: 2025-01\nmonths: 4\n");
  const int clipped = state_slot(*scenario, "system", "clipped"), free = state_slot(*scenario, "system", "free");
  const auto months = run_months(scenario, 3);
  REQUIRE(months.size() == 5);
  for (int month = 1; month <= 4; ++month) {
    INFO("month " << month);
    const bool up = (month - 1) % 2 == 0;  // the step of month t writes ±5
    CHECK((months[month].col(clipped) == (up ? 1.0 : 0.0)).all());
    CHECK((months[month].col(free) == (up ? 5.0 : -5.0)).all());
  }
}

TEST_CASE("simulation: a declared random event draws from its stream, below the lever policies' streams",
          "[simulation][random]") {
  LoadOptions options;
  options.stochastic = true;
  options.seed = 11;
  const auto scenario = scenario_from_yaml("model: simulation_test_overshoot\nstart: 2025-01\nmonths: 3\n", options);
  const int kick = state_slot(*scenario, "system", "kick");
  const std::int64_t first = 40, members = 5;
  const auto months = [&] {
    Simulation simulation(scenario, {members, first});
    TrajectoryRecorder recorder;
    simulation.run(&recorder);
    return recorder.months();
  }();
  for (int month = 1; month <= 3; ++month)
    for (std::int64_t row = 0; row < members; ++row)
      CHECK(months[month](row, kick) ==
            uniform_draw(11, static_cast<std::uint64_t>(first + row), static_cast<std::uint32_t>(month - 1), 7));

  // The helpers on the step context, as a kernel sees them.
  const std::vector<ModelEventFiring> firings = {{0, 0}, {1, 0}, {0, 0}};
  StepContext context;
  context.month = 9;
  context.stochastic = true;
  context.seed = 3;
  context.first_member = 100;
  context.model_events = &firings;
  const RandomEventDecl noise = random_event("noise", 20, 2), size = random_event("size", 0, 1, "burst");
  CHECK(context.random_stream(noise)(4) == uniform_draw(3, 104, 9, 20));
  CHECK(context.random_stream(noise, 1)(4) == uniform_draw(3, 104, 9, 21));
  CHECK(context.firing_stream(size, 2)(0) == uniform_draw(3, 100, 9, 2));
  CHECK(firing_streams_end < model_streams_end);
}

TEST_CASE("simulation: block sizes become sixteen members times an odd number, never more than asked", "[simulation]") {
  CHECK(steppe::cache_friendly_block_size(1024) == 1008);
  CHECK(steppe::cache_friendly_block_size(256) == 240);
  CHECK(steppe::cache_friendly_block_size(1008) == 1008);  // 16 × 63 already
  CHECK(steppe::cache_friendly_block_size(1023) == 1008);  // rounded down to whole groups
  CHECK(steppe::cache_friendly_block_size(1000) == 976);   // 16 × 62 is even: 16 × 61
  CHECK(steppe::cache_friendly_block_size(16) == 16);
  CHECK(steppe::cache_friendly_block_size(15) == 15);  // small blocks are left alone
  CHECK(steppe::cache_friendly_block_size(1) == 1);
  for (std::int64_t requested = 16; requested <= 5000; ++requested) {
    const std::int64_t block = steppe::cache_friendly_block_size(requested);
    CHECK((block <= requested && block % 16 == 0 && (block / 16) % 2 == 1));
  }
}
