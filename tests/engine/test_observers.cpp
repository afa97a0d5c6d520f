// Observers (engine/observers.hpp): the outcome statistics over months 0..horizon on hand-made
// state sequences, and the trajectory recorder across a restore.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// Two members, two slots, months 0..4. Slot 1 is ten times slot 0, so an outcome reading the
// wrong slot shows.
const std::vector<std::vector<double>> member_paths = {
    {0.1, 0.5, 0.9, 0.3, 0.2},   // member 0
    {0.8, 0.7, 0.6, 0.1, 0.05},  // member 1
};

std::vector<MemberArrays> hand_made_months() {
  std::vector<MemberArrays> months;
  for (std::size_t month = 0; month < member_paths[0].size(); ++month) {
    MemberArrays state(2, 2);
    for (Eigen::Index member = 0; member < 2; ++member) {
      state(member, 0) = member_paths[member][month];
      state(member, 1) = 10.0 * member_paths[member][month];
    }
    months.push_back(state);
  }
  return months;
}

OutcomeSpec spec(const std::string& name, int slot, Statistic statistic, double threshold = 0) {
  return {name, slot, statistic, threshold};
}

MemberArrays reduce(const std::vector<OutcomeSpec>& outcomes) {
  OutcomeReducer reducer(outcomes, 2);
  const auto months = hand_made_months();
  for (std::size_t month = 0; month < months.size(); ++month) reducer.observe(static_cast<int>(month), months[month]);
  return reducer.values();
}

}  // namespace

TEST_CASE("OutcomeReducer: final, mean, min, max and sum per member", "[observers]") {
  const MemberArrays values = reduce({
      spec("final", 0, Statistic::final),
      spec("mean", 0, Statistic::mean),
      spec("min", 0, Statistic::min),
      spec("max", 0, Statistic::max),
      spec("sum", 0, Statistic::sum),
      spec("max of slot 1", 1, Statistic::max),
      spec("min of slot 1", 1, Statistic::min),
  });
  REQUIRE(values.rows() == 2);
  REQUIRE(values.cols() == 7);

  // member 0: 0.1 0.5 0.9 0.3 0.2
  CHECK(values(0, 0) == 0.2);
  CHECK(values(0, 1) == Approx(2.0 / 5.0).epsilon(1e-12));
  CHECK(values(0, 2) == 0.1);
  CHECK(values(0, 3) == 0.9);
  CHECK(values(0, 4) == Approx(2.0).epsilon(1e-12));
  CHECK(values(0, 5) == Approx(9.0));
  CHECK(values(0, 6) == Approx(1.0));
  // member 1: 0.8 0.7 0.6 0.1 0.05
  CHECK(values(1, 0) == 0.05);
  CHECK(values(1, 1) == Approx(2.25 / 5.0).epsilon(1e-12));
  CHECK(values(1, 2) == 0.05);
  CHECK(values(1, 3) == 0.8);
  CHECK(values(1, 4) == Approx(2.25).epsilon(1e-12));
  CHECK(values(1, 5) == Approx(8.0));
  CHECK(values(1, 6) == Approx(0.5));
}

TEST_CASE("OutcomeReducer: months_above and months_below count strict crossings", "[observers]") {
  const MemberArrays values = reduce({
      spec("above 0.4", 0, Statistic::months_above, 0.4),
      spec("below 0.25", 0, Statistic::months_below, 0.25),
      spec("above 0.5", 0, Statistic::months_above, 0.5),  // member 0 sits exactly at 0.5 in month 1
      spec("below 0.1", 0, Statistic::months_below, 0.1),  // member 0 sits exactly at 0.1 in month 0
      spec("above 2", 0, Statistic::months_above, 2.0),
      spec("below -1", 0, Statistic::months_below, -1.0),
      spec("above 0 of slot 1", 1, Statistic::months_above, 0.0),
  });
  CHECK(values(0, 0) == 2);  // 0.5, 0.9
  CHECK(values(1, 0) == 3);  // 0.8, 0.7, 0.6
  CHECK(values(0, 1) == 2);  // 0.1, 0.2
  CHECK(values(1, 1) == 2);  // 0.1, 0.05
  CHECK(values(0, 2) == 1);  // 0.9 only: 0.5 is not above 0.5
  CHECK(values(1, 2) == 3);
  CHECK(values(0, 3) == 0);  // 0.1 is not below 0.1
  CHECK(values(1, 3) == 1);  // 0.05
  CHECK(values(0, 4) == 0);
  CHECK(values(1, 4) == 0);
  CHECK(values(0, 5) == 0);
  CHECK(values(1, 5) == 0);
  CHECK(values(0, 6) == 5);  // all months 0..4 count
  CHECK(values(1, 6) == 5);
}

TEST_CASE("OutcomeReducer: first_above and first_below give the first month, NaN when never", "[observers]") {
  const MemberArrays values = reduce({
      spec("first above 0.4", 0, Statistic::first_above, 0.4),
      spec("first below 0.25", 0, Statistic::first_below, 0.25),
      spec("first above 0.85", 0, Statistic::first_above, 0.85),
      spec("first above 0.95", 0, Statistic::first_above, 0.95),
      spec("first below 0.01", 0, Statistic::first_below, 0.01),
      spec("first below 0.5", 0, Statistic::first_below, 0.5),
  });
  CHECK(values(0, 0) == 1);  // 0.5 at month 1
  CHECK(values(1, 0) == 0);  // 0.8 at month 0: month 0 counts
  CHECK(values(0, 1) == 0);
  CHECK(values(1, 1) == 3);
  CHECK(values(0, 2) == 2);  // 0.9 at month 2; the later fall below does not reset it
  CHECK(std::isnan(values(1, 2)));
  CHECK(std::isnan(values(0, 3)));
  CHECK(std::isnan(values(1, 3)));
  CHECK(std::isnan(values(0, 4)));
  CHECK(std::isnan(values(1, 4)));
  CHECK(values(0, 5) == 0);
  CHECK(values(1, 5) == 3);  // 0.8 0.7 0.6 then 0.1
}

TEST_CASE("OutcomeReducer over a run equals the statistics of the recorded trajectory", "[observers]") {
  auto scenario = scenario_from_yaml(R"(
extends: {scenarios}/baseline.yaml
stochastic: true
seed: 5
outcomes:
  - MNG.autonomy.final
  - MNG.autonomy.mean
  - CHN.coercion.min
  - CHN.coercion.max
  - system.crisis.sum
  - MNG.autonomy.months_below(0.49)
  - MNG.autonomy.first_below(0.49)
)",
                                     {}, "observers-run");
  const int members = 4;
  Simulation simulation(scenario, {members, 0});
  TrajectoryRecorder recorder;
  OutcomeReducer reducer(scenario->outcomes, members);
  // Told the horizon, the reducer takes the final state only in the last month: the same values.
  OutcomeReducer told(scenario->outcomes, members, scenario->months);
  ObserverGroup all({&recorder, &reducer, &told});
  simulation.run(&all);
  CHECK((told.values() == reducer.values()).all());

  const auto& months = recorder.months();
  REQUIRE(months.size() == 121);
  const auto& outcomes = scenario->outcomes;
  REQUIRE(outcomes.size() == 7);
  for (Eigen::Index member = 0; member < members; ++member) {
    auto path = [&](int outcome) {
      std::vector<double> values;
      for (const auto& state : months) values.push_back(state(member, outcomes[outcome].state_slot));
      return values;
    };
    const auto autonomy = path(0), coercion = path(2), crisis = path(4);
    double sum = 0, crises = 0, below = 0, first_below = std::nan("");
    for (std::size_t m = 0; m < autonomy.size(); ++m) {
      sum += autonomy[m];
      crises += crisis[m];
      if (autonomy[m] < 0.49) {
        ++below;
        if (std::isnan(first_below)) first_below = static_cast<double>(m);
      }
    }
    const MemberArrays& values = reducer.values();
    CHECK(values(member, 0) == autonomy.back());
    CHECK(values(member, 1) == Approx(sum / 121).epsilon(1e-12));
    CHECK(values(member, 2) == *std::min_element(coercion.begin(), coercion.end()));
    CHECK(values(member, 3) == *std::max_element(coercion.begin(), coercion.end()));
    CHECK(values(member, 4) == crises);
    CHECK(values(member, 5) == below);
    if (std::isnan(first_below))
      CHECK(std::isnan(values(member, 6)));
    else
      CHECK(values(member, 6) == first_below);
  }
}

TEST_CASE("TrajectoryRecorder keeps months 0..horizon and truncates after a restore", "[observers]") {
  SECTION("hand-made: observing an earlier month drops the months after it") {
    TrajectoryRecorder recorder;
    const auto months = hand_made_months();
    for (int month = 0; month < 5; ++month) recorder.observe(month, months[month]);
    REQUIRE(recorder.months().size() == 5);
    recorder.observe(2, months[4]);
    REQUIRE(recorder.months().size() == 3);
    CHECK((recorder.months()[0] == months[0]).all());
    CHECK((recorder.months()[1] == months[1]).all());
    CHECK((recorder.months()[2] == months[4]).all());
  }

  SECTION("a simulation restored to month 30 and run on with another lever") {
    auto scenario = shipped_scenario("baseline");
    const int horizon = scenario->months;
    Simulation simulation(scenario);
    TrajectoryRecorder recorder;
    for (int month = 0; month < 30; ++month) simulation.step();
    const Checkpoint at_30 = simulation.checkpoint();
    Simulation from_start(scenario);
    from_start.run(&recorder);
    REQUIRE(recorder.months().size() == static_cast<std::size_t>(horizon + 1));
    const std::vector<MemberArrays> first_run = recorder.months();

    from_start.restore(at_30);
    const int pressure = scenario->layout->lever_index("CHN", "direct_pressure");
    REQUIRE(pressure >= 0);
    from_start.set_lever(pressure, 0.2);
    from_start.run(&recorder);

    const auto& months = recorder.months();
    REQUIRE(months.size() == static_cast<std::size_t>(horizon + 1));
    for (int month = 0; month <= 30; ++month) CHECK((months[month] == first_run[month]).all());
    const int coercion = scenario->layout->state_index("CHN", "coercion");
    CHECK(months[31](0, coercion) > first_run[31](0, coercion));
    CHECK((months[horizon] == from_start.state()).all());

    // The continuation is exactly that of the restored simulation stepped on its own.
    Simulation again(scenario);
    again.restore(at_30);
    again.set_lever(pressure, 0.2);
    for (int month = 30; month < horizon; ++month) {
      again.step();
      REQUIRE((months[month + 1] == again.state()).all());
    }
  }
}
