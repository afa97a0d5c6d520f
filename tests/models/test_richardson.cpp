// The richardson verification model (docs/model.md §9): the engine's exact stepping against the
// closed form, in stable and unstable regimes, and explicit Euler's failure at a coarse step.
#include <Eigen/LU>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "models/richardson/richardson.hpp"

namespace {

using steppe::richardson::closed_form;

// A race: restraint m, reactions a (off-diagonal; a(i, j) is i's reaction to j), grievance g,
// initial armament z0, and how the engine steps it.
struct Race {
  Eigen::VectorXd m, g, z0;
  Eigen::MatrixXd a;
  double dt = 1;
  steppe::richardson::Scheme scheme = steppe::richardson::exact;
  int months = 120;

  Eigen::MatrixXd K() const {
    Eigen::MatrixXd k = a;
    k.diagonal() = -m;
    return k;
  }
};

Race two_actors(double m, double n, double a, double b) {
  Race race;
  race.m = Eigen::Vector2d(m, n);
  race.a = Eigen::Matrix2d{{0, a}, {b, 0}};
  race.g = Eigen::Vector2d(1, 0.5);
  race.z0 = Eigen::Vector2d(0, 2);
  return race;
}

std::shared_ptr<const steppe::Scenario> make_scenario(const Race& race) {
  auto scenario = std::make_shared<steppe::Scenario>();
  scenario->model_name = "richardson";
  scenario->model = steppe::ModelRegistry::instance().find("richardson");
  REQUIRE(scenario->model != nullptr);

  std::vector<steppe::Actor> actors;
  for (Eigen::Index i = 0; i < race.m.size(); ++i)
    actors.push_back({std::string(1, static_cast<char>('A' + i)), "actor"});  // A, B, C, ...
  auto layout = std::make_shared<steppe::Layout>(scenario->model->declaration(), actors);

  for (const auto& slot : layout->parameters()) scenario->parameters.push_back(slot.value);
  auto set = [&](const std::string& actor, const std::string& name, double value) {
    const int slot = layout->parameter_index(actor, name);
    REQUIRE(slot >= 0);
    scenario->parameters[slot] = value;
  };
  for (const auto& slot : layout->state()) scenario->initial.push_back(slot.initial);
  for (Eigen::Index i = 0; i < race.m.size(); ++i) {
    const std::string& actor = actors[i].name;
    set(actor, "restraint", race.m(i));
    set(actor, "grievance", race.g(i));
    for (Eigen::Index j = 0; j < race.m.size(); ++j)
      if (j != i) set(actor, "reaction." + actors[j].name, race.a(i, j));
    scenario->initial[layout->state_index(actor, "armament")] = race.z0(i);
  }
  set("", "dt", race.dt);
  set("", "scheme", race.scheme);

  scenario->levers.resize(layout->levers().size());
  scenario->months = race.months;
  scenario->layout = std::move(layout);
  return scenario;
}

// Every member's armament after each month, months 0..horizon.
class Recorder : public steppe::Observer {
 public:
  void observe(int, const steppe::MemberArrays& state) override { states.push_back(state); }
  std::vector<steppe::MemberArrays> states;
};

std::vector<steppe::MemberArrays> run(const Race& race, std::int64_t members = 1) {
  steppe::Simulation simulation(make_scenario(race), {.members = members});
  Recorder recorder;
  simulation.run(&recorder);
  return std::move(recorder.states);
}

// Member 0's armament vector (actors are the only state slots, in order).
Eigen::VectorXd armament(const steppe::MemberArrays& state) { return state.row(0).transpose(); }

// Largest error of the engine's trajectory against the closed form, relative to max(1, |z|) so
// that it is absolute near the equilibrium and relative where the race grows exponentially.
double worst_error(const Race& race) {
  const auto states = run(race);
  REQUIRE(states.size() == static_cast<std::size_t>(race.months) + 1);
  double worst = 0;
  for (int month = 0; month <= race.months; ++month) {
    const Eigen::VectorXd expected = closed_form(race.K(), race.g, race.z0, month * race.dt);
    const double scale = std::max(1.0, expected.cwiseAbs().maxCoeff());
    worst = std::max(worst, (armament(states[month]) - expected).cwiseAbs().maxCoeff() / scale);
  }
  return worst;
}

}  // namespace

TEST_CASE("richardson closed form starts at z0 and solves dz/dt = K z + g", "[richardson]") {
  // The reference itself is checked, so the kernel is not compared against a wrong answer.
  const Race race = two_actors(1, 1, 0.5, 0.5);
  const Eigen::MatrixXd K = race.K();
  CHECK((closed_form(K, race.g, race.z0, 0) - race.z0).norm() < 1e-14);
  for (double t : {0.3, 2.0, 7.5}) {
    const double h = 1e-5;
    const Eigen::VectorXd derivative =
        (closed_form(K, race.g, race.z0, t + h) - closed_form(K, race.g, race.z0, t - h)) / (2 * h);
    const Eigen::VectorXd z = closed_form(K, race.g, race.z0, t);
    CHECK((derivative - (K * z + race.g)).norm() < 1e-8);
  }
  CHECK_THROWS_AS(closed_form(two_actors(1, 1, 1, 1).K(), race.g, race.z0, 1), std::invalid_argument);
}

TEST_CASE("richardson exact update matches the closed form to 1e-9 in a stable regime", "[richardson]") {
  const Race race = two_actors(1, 1, 0.5, 0.5);  // m·n = 1 > a·b = 0.25
  CHECK(worst_error(race) < 1e-9);
}

TEST_CASE("richardson exact update matches the closed form to 1e-9 in an unstable regime", "[richardson]") {
  // m·n = 0.25 < a·b = 1: K has eigenvalue +0.5, so z grows like e^(t/2), to ~5e8 at month 40
  // (inside the variable's range). The tolerance is 1e-9 relative to |z| once |z| > 1.
  Race race = two_actors(0.5, 0.5, 1, 1);
  race.months = 40;
  const auto states = run(race);
  CHECK(armament(states.back()).cwiseAbs().maxCoeff() > 1e8);
  CHECK(worst_error(race) < 1e-9);
}

TEST_CASE("richardson exact update matches the closed form to 1e-9 with three actors", "[richardson]") {
  // Asymmetric reactions; K is strictly diagonally dominant by rows with a negative diagonal, so
  // every eigenvalue has a negative real part: a stable race.
  Race race;
  race.m = Eigen::Vector3d(1.0, 0.8, 1.2);
  race.a = Eigen::Matrix3d{{0, 0.5, 0.1}, {0.2, 0, 0.4}, {0.6, 0.3, 0}};
  race.g = Eigen::Vector3d(0.5, -0.2, 1.0);
  race.z0 = Eigen::Vector3d(2, 0, -1);
  CHECK(worst_error(race) < 1e-9);
}

TEST_CASE("richardson exact update steps a singular race, where m*n = a*b", "[richardson]") {
  // K = [[-1, 1], [1, -1]] has no inverse and no equilibrium: with g = (1, 1) the sum
  // s = z1 + z2 grows as s0 + 2t while the difference d = z1 − z2 decays as d0·e^(−2t).
  Race race = two_actors(1, 1, 1, 1);
  race.g = Eigen::Vector2d(1, 1);
  race.months = 60;
  const auto states = run(race);
  const double s0 = race.z0.sum(), d0 = race.z0(0) - race.z0(1);
  for (int month = 0; month <= race.months; ++month) {
    const double s = s0 + 2.0 * month, d = d0 * std::exp(-2.0 * month);
    CHECK((armament(states[month]) - Eigen::Vector2d((s + d) / 2, (s - d) / 2)).cwiseAbs().maxCoeff() < 1e-9);
  }
}

TEST_CASE("richardson explicit Euler at a large step turns a stable race into a runaway one", "[richardson]") {
  // K's eigenvalues are −0.5 and −1.5; at dt = 2.5 Euler multiplies the fast mode by
  // 1 + 2.5·(−1.5) = −2.75 each step, so it oscillates with growing amplitude.
  Race race = two_actors(1, 1, 0.5, 0.5);
  race.dt = 2.5;
  race.months = 20;
  const Eigen::VectorXd equilibrium = closed_form(race.K(), race.g, race.z0, 1e3);

  const auto exact = run(race);
  for (const auto& state : exact) CHECK(armament(state).cwiseAbs().maxCoeff() < 10);
  CHECK((armament(exact.back()) - equilibrium).norm() < 1e-9);

  race.scheme = steppe::richardson::euler;
  const auto euler = run(race);
  CHECK(armament(euler.back()).cwiseAbs().maxCoeff() > 1e6);
}

TEST_CASE("richardson explicit Euler at a small step approaches the exact solution", "[richardson]") {
  Race race = two_actors(1, 1, 0.5, 0.5);
  race.scheme = steppe::richardson::euler;
  const double horizon = 5;
  // Euler is first order: its error is small but not zero, and halves with the step.
  auto error_at_horizon = [&](double dt) {
    race.dt = dt;
    race.months = static_cast<int>(std::lround(horizon / dt));
    const auto states = run(race);
    return (armament(states.back()) - closed_form(race.K(), race.g, race.z0, horizon)).cwiseAbs().maxCoeff();
  };
  const double coarse = error_at_horizon(0.01), fine = error_at_horizon(0.005);
  CHECK(coarse < 1e-2);
  CHECK(coarse > 1e-6);
  CHECK(coarse / fine == Approx(2).epsilon(0.05));
}

TEST_CASE("richardson two-actor races converge iff m*n > a*b", "[richardson]") {
  struct Case {
    double m, n, a, b;
  };
  // Two stable and two unstable races, symmetric and not.
  for (const Case& c : {Case{1, 1, 0.5, 0.5}, Case{2, 1, 1, 1}, Case{0.5, 0.5, 1, 1}, Case{1, 0.5, 1, 1}}) {
    const Race race = two_actors(c.m, c.n, c.a, c.b);
    const bool stable = c.m * c.n > c.a * c.b;
    const Eigen::VectorXd equilibrium = -race.K().lu().solve(race.g);
    const Eigen::VectorXd late = closed_form(race.K(), race.g, race.z0, 200);
    INFO("m=" << c.m << " n=" << c.n << " a=" << c.a << " b=" << c.b);
    CHECK(((late - equilibrium).norm() < 1e-9) == stable);
    CHECK((late.cwiseAbs().maxCoeff() > 1e6) == !stable);
  }
}

TEST_CASE("richardson steps a block of members exactly as one member", "[richardson]") {
  Race race;
  race.m = Eigen::Vector3d(1.0, 0.8, 1.2);
  race.a = Eigen::Matrix3d{{0, 0.5, 0.1}, {0.2, 0, 0.4}, {0.6, 0.3, 0}};
  race.g = Eigen::Vector3d(0.5, -0.2, 1.0);
  race.z0 = Eigen::Vector3d(2, 0, -1);
  const auto single = run(race, 1);
  const auto block = run(race, 3);
  REQUIRE(block.size() == single.size());
  for (std::size_t month = 0; month < block.size(); ++month)
    for (Eigen::Index member = 0; member < 3; ++member) CHECK((block[month].row(member) == single[month].row(0)).all());
}
