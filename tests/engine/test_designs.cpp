// Sampling designs of sweeps (engine/designs.hpp): sizes, ranges, the structure each design
// promises, and determinism by seed.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "engine/designs.hpp"

using namespace steppe;

namespace {

bool inside_unit_cube(const std::vector<DesignPoint>& points) {
  return std::all_of(points.begin(), points.end(), [](const DesignPoint& point) {
    return std::all_of(point.unit.begin(), point.unit.end(), [](double u) { return u >= 0 && u <= 1; });
  });
}

// Each of the n strata [l/n, (l+1)/n) of factor i holds exactly one point.
bool one_point_per_stratum(const std::vector<DesignPoint>& points, std::size_t i) {
  const auto n = static_cast<int>(points.size());
  std::set<int> strata;
  for (const DesignPoint& point : points) strata.insert(static_cast<int>(std::floor(point.unit[i] * n)));
  return static_cast<int>(strata.size()) == n;
}

}  // namespace

TEST_CASE("designs: Monte Carlo points are in the unit cube and follow the seed", "[design]") {
  const auto points = monte_carlo_design(500, 3, 7);
  REQUIRE(points.size() == 500);
  CHECK(inside_unit_cube(points));
  CHECK(monte_carlo_design(500, 3, 7)[42].unit == points[42].unit);
  CHECK(monte_carlo_design(500, 3, 8)[42].unit != points[42].unit);
  double mean = 0;
  for (const auto& point : points) mean += point.unit[1] / 500;
  CHECK(mean == Approx(0.5).margin(0.05));
}

TEST_CASE("designs: a Latin hypercube has one point in each stratum of every factor", "[design]") {
  const auto points = latin_hypercube_design(100, 4, 3);
  REQUIRE(points.size() == 100);
  CHECK(inside_unit_cube(points));
  for (std::size_t i = 0; i < 4; ++i) CHECK(one_point_per_stratum(points, i));
}

TEST_CASE("designs: a grid has every combination, ends for ranges and centres for lists", "[design]") {
  const auto points = grid_design({3, 2}, {false, true});
  REQUIRE(points.size() == 6);
  CHECK(points[0].unit == std::vector<double>{0.0, 0.25});
  CHECK(points[1].unit == std::vector<double>{0.0, 0.75});
  CHECK(points[2].unit == std::vector<double>{0.5, 0.25});
  CHECK(points[5].unit == std::vector<double>{1.0, 0.75});
  CHECK(grid_design({1}, {false})[0].unit == std::vector<double>{0.5});
}

TEST_CASE("designs: Saltelli lays out A, B and AB_i (and BA_i) from a stratified Sobol sample", "[design]") {
  const int n = 64, k = 3;
  const auto points = saltelli_design(n, k, false, 11);
  REQUIRE(points.size() == static_cast<std::size_t>(n * (k + 2)));
  CHECK(inside_unit_cube(points));
  std::vector<DesignPoint> a, b;
  for (const auto& point : points) {
    if (point.block == Block::a) a.push_back(point);
    if (point.block == Block::b) b.push_back(point);
  }
  REQUIRE(a.size() == static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < k; ++i) {
    CHECK(one_point_per_stratum(a, i));
    CHECK(one_point_per_stratum(b, i));
  }
  for (const auto& point : points) {
    if (point.block != Block::ab) continue;
    for (int i = 0; i < k; ++i) {
      const auto& from =
          i == point.factor ? b[static_cast<std::size_t>(point.base)] : a[static_cast<std::size_t>(point.base)];
      CHECK(point.unit[static_cast<std::size_t>(i)] == from.unit[static_cast<std::size_t>(i)]);
    }
  }
  CHECK(saltelli_design(n, k, true, 11).size() == static_cast<std::size_t>(n * (2 * k + 2)));
  CHECK(saltelli_design(n, k, false, 12)[5].unit != points[5].unit);
  CHECK_THROWS_AS(saltelli_design(100, k, false, 11), std::invalid_argument);
}

TEST_CASE("designs: the nearest power of two is named for a bad Sobol N", "[design]") {
  CHECK(is_power_of_two(4096));
  CHECK_FALSE(is_power_of_two(4000));
  CHECK_FALSE(is_power_of_two(0));
  CHECK(nearest_power_of_two(4000) == 4096);
  CHECK(nearest_power_of_two(5000) == 4096);
  CHECK(nearest_power_of_two(7000) == 8192);
  CHECK(nearest_power_of_two(3) == 2);
}

TEST_CASE("designs: a Morris trajectory moves one factor by delta at each step", "[design]") {
  const int trajectories = 10, levels = 4, k = 5;
  const auto points = morris_design(trajectories, levels, k, 5);
  REQUIRE(points.size() == static_cast<std::size_t>(trajectories * (k + 1)));
  CHECK(inside_unit_cube(points));
  const double delta = levels / (2.0 * (levels - 1));
  for (std::size_t p = 0; p < points.size(); ++p) {
    if (points[p].step == 0) continue;
    const auto& before = points[p - 1];
    const auto& after = points[p];
    CHECK(after.base == before.base);
    int moved = 0;
    for (int i = 0; i < k; ++i) {
      const double change = after.unit[static_cast<std::size_t>(i)] - before.unit[static_cast<std::size_t>(i)];
      if (change == 0) continue;
      ++moved;
      CHECK(i == after.factor);
      CHECK(std::abs(change) == Approx(delta));
    }
    CHECK(moved == 1);
  }
}
