// Morris screening and the robustness of policies, fed as arrays: elementary effects known in
// closed form with their μ* intervals, and regrets worked out by hand.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/analysis/morris.hpp"
#include "engine/analysis/robustness.hpp"

using namespace steppe;

namespace {

struct Screened {
  std::vector<PointRole> roles;
  Eigen::VectorXd means;
  Eigen::MatrixXd units;
};

// y = 10 x1 + 5 x2 + x3 + 2 x1 x3 (x4 does nothing) on a Morris design over [0, 1]⁴.
Screened screen(int trajectories) {
  const std::vector<DesignPoint> design = morris_design(trajectories, 4, 4, 3);
  Screened screened;
  screened.means.resize(static_cast<Eigen::Index>(design.size()));
  screened.units.resize(static_cast<Eigen::Index>(design.size()), 4);
  for (std::size_t point = 0; point < design.size(); ++point) {
    const DesignPoint& p = design[point];
    screened.roles.push_back({p.block, p.base, p.factor, p.step, p.policy});
    const auto& x = p.unit;
    screened.means[static_cast<Eigen::Index>(point)] = 10 * x[0] + 5 * x[1] + x[2] + 2 * x[0] * x[2];
    for (int i = 0; i < 4; ++i) screened.units(static_cast<Eigen::Index>(point), i) = x[static_cast<std::size_t>(i)];
  }
  return screened;
}

}  // namespace

TEST_CASE("morris: elementary effects known in closed form, with μ* intervals that cover them", "[morris]") {
  const Screened s = screen(200);
  const auto effects = morris_effects(s.roles, s.means, s.units, {"x1", "x2", "x3", "x4"}, {});
  REQUIRE(effects.size() == 4);
  // x1's effect is 10 + 2 x3, x3's 1 + 2 x1: means 11 and 2 over the grid's levels.
  CHECK(std::abs(effects[0].mu_star - 11) <= effects[0].mu_star_interval);
  CHECK(std::abs(effects[2].mu_star - 2) <= effects[2].mu_star_interval);
  CHECK(effects[0].mu_star_interval > 0);
  // x2's effect is exactly 5 at every step: no spread, an interval of zero width.
  CHECK(effects[1].mu_star == Approx(5));
  CHECK(effects[1].mu_star_interval == Approx(0).margin(1e-12));
  CHECK(effects[1].sigma == Approx(0).margin(1e-12));
  CHECK(effects[3].mu_star == 0);
  CHECK(effects[3].mu_star_interval == 0);
  CHECK(effects[0].effects == 200);
}

TEST_CASE("morris: μ* intervals narrow with more trajectories and are reproducible for a seed", "[morris]") {
  const Screened few = screen(25), many = screen(400);
  const std::vector<std::string> names = {"x1", "x2", "x3", "x4"};
  const auto a = morris_effects(few.roles, few.means, few.units, names, {0.95, 500, 4});
  const auto b = morris_effects(few.roles, few.means, few.units, names, {0.95, 500, 4});
  const auto c = morris_effects(many.roles, many.means, many.units, names, {0.95, 500, 4});
  CHECK(a[0].mu_star_interval == b[0].mu_star_interval);
  // Sixteen times the trajectories, about a quarter of the width.
  CHECK(c[0].mu_star_interval < 0.4 * a[0].mu_star_interval);
}

TEST_CASE("robustness: mean, worst decile, regrets and the goal's share worked out by hand", "[robustness]") {
  // Two policies over four scenarios; point p runs policy p / 4 in scenario p mod 4.
  std::vector<PointRole> roles;
  for (int p = 0; p < 8; ++p) roles.push_back({Block::point, p % 4, -1, 0, p / 4});
  Eigen::VectorXd values(8);
  values << 0.2, 0.4, 0.6, 0.8,  // steady
      0.5, 0.1, 0.9, 0.3;        // risky
  const auto rows = policy_robustness(roles, values, {"steady", "risky"}, {true, 0.5});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].mean == Approx(0.5));
  CHECK(rows[1].mean == Approx(0.45));
  // numpy's linear 10th percentile of (0.2, 0.4, 0.6, 0.8): 0.2 + 0.3 × 0.2.
  CHECK(rows[0].worst_decile == Approx(0.26));
  // Regrets against the best in each scenario: steady (0.3, 0, 0.3, 0), risky (0, 0.3, 0, 0.5).
  CHECK(rows[0].mean_regret == Approx(0.15));
  CHECK(rows[0].max_regret == Approx(0.3));
  CHECK(rows[1].mean_regret == Approx(0.2));
  CHECK(rows[1].max_regret == Approx(0.5));
  CHECK(rows[0].meets == Approx(0.5));
  CHECK(rows[1].meets == Approx(0.5));
  // Lower is better: the 90th percentile is the worst decile, and the regrets turn around.
  const auto lower = policy_robustness(roles, values, {"steady", "risky"}, {false, std::nullopt});
  CHECK(lower[0].worst_decile == Approx(0.74));
  CHECK(lower[0].max_regret == Approx(0.5));  // (0, 0.3, 0, 0.5) below the best
  CHECK(std::isnan(lower[0].meets));
}
