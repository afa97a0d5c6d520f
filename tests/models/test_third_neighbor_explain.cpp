// What an explained third_neighbor run records (`steppe run --explain`): the derived quantities
// against the formulas of docs/model.md §7.3–7.4 worked out here from the recorded state, levers
// and parameters (not by the kernel), the levers against the schedules, windows and triggers in
// force, and the state unchanged by explaining.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "engine/what_if.hpp"
#include "models/third_neighbor/third_neighbor.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// One month of an explained run, read by name.
struct Month {
  const WhatIfRun& run;
  int t;
  const Layout& layout() const { return *run.scenario->layout; }
  double state(const std::string& actor, const std::string& variable) const {
    const int slot = layout().state_index(actor, variable);
    REQUIRE(slot >= 0);
    return run.months.at(static_cast<std::size_t>(t))(0, slot);
  }
  double lever(const std::string& actor, const std::string& lever) const {
    const int slot = layout().lever_index(actor, lever);
    REQUIRE(slot >= 0);
    return run.levers.at(static_cast<std::size_t>(t))(0, slot);
  }
  double derived(const std::string& actor, const std::string& name) const {
    const int slot = layout().derived_index(actor, name);
    REQUIRE(slot >= 0);
    return run.derived.at(static_cast<std::size_t>(t))(0, slot);
  }
  double parameter(const std::string& actor, const std::string& name) const {
    const int slot = layout().parameter_index(actor, name);
    REQUIRE(slot >= 0);
    return run.scenario->parameters.at(static_cast<std::size_t>(slot));
  }
};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

TEST_CASE("an explained run's derived quantities are docs/model.md's formulas on the recorded state", "[explain]") {
  // Three partners with routes of their own, the Korean direct air link gated by its engagement.
  // Months 0, 7, 20 and 60 have no events, so each step's derived quantities come from the
  // recorded state of its month as it stands.
  const WhatIfRun run = run_what_if(shipped_scenario("regional_partners"), {}, true);
  REQUIRE(run.explained);
  REQUIRE(run.levers.size() + 1 == run.months.size());
  REQUIRE(run.derived.size() + 1 == run.months.size());
  const std::vector<std::string> partners = {"USA", "JPN", "KOR"}, neighbors = {"CHN", "RUS"};
  for (const int t : {0, 7, 20, 60}) {
    CAPTURE(t);
    const Month m{run, t};
    const double kappa = m.parameter("", "kappa"), E_ref = m.parameter("", "E_ref");

    double V = 0, support_sum = 0, overreach_levers = 0;
    for (const std::string& p : partners) {
      CAPTURE(p);
      double mean = 0, visible = 0;
      int engaged = 0;
      for (const third_neighbor::PartnerLever& lever : third_neighbor::partner_levers) {
        const double e = m.state(p, "engagement." + std::string(lever.name));
        visible += lever.visibility * e;
        if (!lever.counter()) mean += e, ++engaged;
      }
      mean /= engaged;
      const double eff = m.state(p, "trust") * (0.5 + 0.5 * m.state(p, "institutionalization")) *
                         (1 - m.parameter("", "tf_dilution") * m.state(p, "engagement.new_task_forces"));
      const double term = visible * (1 + m.parameter("", "framing_gain") * m.lever(p, "framing"));
      CHECK(m.derived(p, "effectiveness") == Approx(eff).epsilon(1e-12));
      CHECK(m.derived(p, "mean_engagement") == Approx(mean).epsilon(1e-12));
      CHECK(m.derived(p, "support_term") == Approx(eff * mean / E_ref).epsilon(1e-12));
      CHECK(m.derived(p, "visibility_term") == Approx(term).epsilon(1e-12));
      V += term;
      support_sum += eff * mean;
      overreach_levers += m.state(p, "engagement.formal_alliance") + m.state(p, "engagement.basing");
    }
    CHECK(m.derived("system", "visibility") == Approx(V).epsilon(1e-12));
    const double support = std::min(1.0, support_sum / E_ref);
    CHECK(m.derived("system", "support") == Approx(support).epsilon(1e-12));

    // The routes of the network (scenarios/baseline.yaml, scenarios/regional_partners.yaml).
    const double C_chn = m.state("CHN", "coercion"), C_rus = m.state("RUS", "coercion");
    const double over_china = 0.9 * (1 - kappa * C_chn), over_russia = 0.9 * (1 - kappa * C_rus);
    const std::vector<std::pair<std::string, std::vector<double>>> routes = {
        {"USA",
         {over_russia, over_china, 0.6 * (1 - kappa * C_chn),
          0.8 * m.state("USA", "engagement.air_link") * (1 - 0.3 * kappa * C_chn) * (1 - 0.3 * kappa * C_rus)}},
        {"JPN", {over_china, 0.5 * (1 - kappa * C_rus)}},
        {"KOR", {over_china, 0.8 * m.state("KOR", "engagement.air_link") * (1 - 0.3 * kappa * C_chn)}}};
    for (const auto& [p, availabilities] : routes) {
      CAPTURE(p);
      double best = 0, all_closed = 1;
      for (const double availability : availabilities) {
        best = std::max(best, availability);
        all_closed *= 1 - availability;
      }
      CHECK(m.derived(p, "best_route") == Approx(best).epsilon(1e-12));
      // The access the step used is the one it records in the state of the next month.
      CHECK(Month{run, t + 1}.state(p, "access") == Approx(1 - all_closed).epsilon(1e-12));
    }

    const double R = m.state("MNG", "resilience"), K = m.state("MNG", "concession");
    double pressure = 0, dependence = 0, floors = 0;
    for (const std::string& n : neighbors) {
      CAPTURE(n);
      const double D = m.state("MNG", "dependence." + n);
      const double term = m.state(n, "coercion") * D * (1 - m.parameter("", "resilience_cushion") * R);
      CHECK(m.derived(n, "pressure_term") == Approx(term).epsilon(1e-12));
      const double target = sigmoid(m.parameter(n, "steep") * (V - m.parameter(n, "theta"))) *
                            (1 - m.parameter("", "reassurance") * m.lever("MNG", "balanced_diplomacy")) *
                            (1 - m.parameter("", "concession_relief") * K);
      CHECK(m.derived(n, "threat_target") == Approx(target).epsilon(1e-12));
      pressure += term;
      dependence += D;
      floors += m.parameter(n, "D_floor");
    }
    CHECK(m.derived("system", "pressure") == Approx(pressure).epsilon(1e-12));
    const double div = (1 - dependence) / (1 - floors);
    CHECK(m.derived("system", "diversification_ratio") == Approx(div).epsilon(1e-12));
    const double overreach = m.parameter("", "alliance_cost") * overreach_levers +
                             m.parameter("", "overreach") * std::max(0.0, V - m.parameter("", "theta_O"));
    CHECK(m.derived("system", "overreach") == Approx(overreach).margin(1e-15));
    const double foundations = m.parameter("", "w_div") * div +
                               m.parameter("", "w_I") * m.state("MNG", "institutional_capacity") +
                               m.parameter("", "w_S") * m.state("MNG", "standing") + m.parameter("", "w_R") * R +
                               m.parameter("", "w_E") * support;
    CHECK(m.derived("system", "foundations") == Approx(foundations).epsilon(1e-12));
  }
}

TEST_CASE("an explained run's levers are the schedules, windows and triggers in force in each month's step",
          "[explain]") {
  LoadOptions first_two_years;
  first_two_years.months = 24;
  const WhatIfRun run = run_what_if(scenario_from_yaml(R"(
extends: {scenarios}/baseline.yaml
levers:
  USA.air_link: {2025-01: 0.0, 2025-07: 1.0}
  USA.khaan_quest: {ramp: {from: 2025-01, to: 2026-01, start: 0.6, end: 0.8}}
  CHN.direct_pressure: {pulse: {from: 2025-03, to: 2025-05, value: 0.15}}
triggers:
  - when: CHN.coercion > 0.2
    set: {MNG.balanced_diplomacy: 0.9}
events:
  - {from: 2025-09, to: 2025-10, set: {RUS.direct_pressure: 0.1}}
)",
                                                       first_two_years),
                                    {}, true);
  REQUIRE(run.levers.size() == 24);
  // The trigger latches in the first month whose starting state has CHN's coercion above 0.2.
  int fired = -1;
  for (int t = 0; t < 24 && fired < 0; ++t)
    if (Month{run, t}.state("CHN", "coercion") > 0.2) fired = t;
  REQUIRE(fired > 2);  // the squeeze of March 2025 (month 2) drives it
  for (int t = 0; t < 24; ++t) {
    CAPTURE(t);
    const Month m{run, t};
    CHECK(m.lever("USA", "air_link") == (t >= 6 ? 1.0 : 0.0));
    CHECK(m.lever("USA", "khaan_quest") == Approx(t >= 12 ? 0.8 : 0.6 + 0.2 * t / 12.0).epsilon(1e-12));
    CHECK(m.lever("CHN", "direct_pressure") == (t >= 2 && t <= 4 ? 0.15 : 0.0));
    CHECK(m.lever("RUS", "direct_pressure") == (t == 8 || t == 9 ? 0.1 : 0.0));
    CHECK(m.lever("MNG", "balanced_diplomacy") == (t >= fired ? 0.9 : 0.7));
    CHECK(m.lever("USA", "pme") == 0.5);  // no schedule: the status quo
  }
}

TEST_CASE("explaining a run leaves its state bit for bit as an unexplained run's", "[explain]") {
  const auto scenario = shipped_scenario("regional_partners");
  const WhatIfRun explained = run_what_if(scenario, scenario->outcomes, true);
  const WhatIfRun plain = run_what_if(scenario, scenario->outcomes, false);
  CHECK_FALSE(plain.explained);
  CHECK(plain.levers.empty());
  REQUIRE(explained.months.size() == plain.months.size());
  for (std::size_t month = 0; month < plain.months.size(); ++month) {
    CAPTURE(month);
    CHECK((explained.months[month] == plain.months[month]).all());
  }
}
