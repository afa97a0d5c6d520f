// Shapley values on games whose values are known in closed form: an additive game gives each
// player its own effect, a pure interaction splits equally, a null player gets nothing, and
// sampled orderings agree with the exact values within their intervals.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "engine/analysis/shapley.hpp"

namespace steppe {

namespace {

int members(const Coalition& coalition) {
  return static_cast<int>(std::count(coalition.begin(), coalition.end(), true));
}

}  // namespace

TEST_CASE("Shapley values of an additive game are each player's own effect, and a null player's is zero", "[shapley]") {
  const std::vector<double> effect = {10, -5, 0, 0.25};
  int evaluated = 0;
  const ShapleyValues values = shapley_values(4, [&](const Coalition& coalition) {
    ++evaluated;
    double y = 100;  // a large mean that must not leak into the contributions
    for (std::size_t player = 0; player < effect.size(); ++player) y += coalition[player] ? effect[player] : 0;
    return std::vector<double>{y, -y};
  });
  CHECK(values.exact);
  CHECK(values.coalitions == 16);
  CHECK(evaluated == 16);  // each coalition once
  for (std::size_t player = 0; player < effect.size(); ++player) {
    CHECK(values.value[player][0] == Approx(effect[player]).margin(1e-12));
    CHECK(values.value[player][1] == Approx(-effect[player]).margin(1e-12));
    CHECK(values.half_width[player][0] == 0);
  }
  CHECK(values.none[0] == 100);
  CHECK(values.all[0] == Approx(105.25));
}

TEST_CASE("Shapley values split a pure interaction equally between the players it needs", "[shapley]") {
  // y = x1 x2 + x3 moving every x from 0 to 1: x1 and x2 share the product's 1, x3 keeps its own 1.
  const ShapleyValues values = shapley_values(
      3, [](const Coalition& c) { return std::vector<double>{(c[0] && c[1] ? 1.0 : 0.0) + (c[2] ? 1.0 : 0.0)}; });
  CHECK(values.value[0][0] == Approx(0.5));
  CHECK(values.value[1][0] == Approx(0.5));
  CHECK(values.value[2][0] == Approx(1.0));
}

TEST_CASE("Shapley values of a three-way product give a third each, and of an any-of game the same", "[shapley]") {
  const ShapleyValues product =
      shapley_values(3, [](const Coalition& c) { return std::vector<double>{members(c) == 3 ? 6.0 : 0.0}; });
  const ShapleyValues any =
      shapley_values(3, [](const Coalition& c) { return std::vector<double>{members(c) > 0 ? 6.0 : 0.0}; });
  for (int player = 0; player < 3; ++player) {
    CHECK(product.value[player][0] == Approx(2.0));
    CHECK(any.value[player][0] == Approx(2.0));
  }
}

TEST_CASE("Shapley values weight coalitions by size: a glove game with one left and two right gloves", "[shapley]") {
  // The classic: v = 1 when the coalition holds the left glove (player 0) and a right one.
  // φ = (2/3, 1/6, 1/6).
  const ShapleyValues values =
      shapley_values(3, [](const Coalition& c) { return std::vector<double>{c[0] && (c[1] || c[2]) ? 1.0 : 0.0}; });
  CHECK(values.value[0][0] == Approx(2.0 / 3));
  CHECK(values.value[1][0] == Approx(1.0 / 6));
  CHECK(values.value[2][0] == Approx(1.0 / 6));
}

TEST_CASE("Sampled Shapley values add up to the difference and cover the exact values with their intervals",
          "[shapley]") {
  // 14 players: pairs (2k, 2k+1) interact (worth 1 only together), player 13 is additive, player
  // 12 does nothing; exact: 0.5 per paired player, 3 for player 13, 0 for player 12.
  const auto worth = [](const Coalition& c) {
    double y = 0;
    for (int pair = 0; pair < 6; ++pair) y += c[2 * pair] && c[2 * pair + 1] ? 1.0 : 0.0;
    return std::vector<double>{y + (c[13] ? 3.0 : 0.0)};
  };
  const ShapleyValues sampled = shapley_values(14, worth, {.exact_up_to = 12, .orderings = 400, .seed = 7});
  const ShapleyValues exact = shapley_values(14, worth, {.exact_up_to = 14});
  CHECK_FALSE(sampled.exact);
  CHECK(sampled.orderings == 400);
  double sum = 0;
  int covered = 0;
  for (int player = 0; player < 14; ++player) {
    sum += sampled.value[player][0];
    covered += std::abs(sampled.value[player][0] - exact.value[player][0]) <= sampled.half_width[player][0] + 1e-12;
  }
  CHECK(sum == Approx(9.0));
  CHECK(covered >= 12);  // 95% intervals: all but a rare miss
  CHECK(sampled.value[12][0] == 0);
  CHECK(sampled.half_width[12][0] == 0);
  CHECK(sampled.value[13][0] == Approx(3.0));
  CHECK(exact.value[0][0] == Approx(0.5));
  // The same seed draws the same orderings.
  const ShapleyValues again = shapley_values(14, worth, {.exact_up_to = 12, .orderings = 400, .seed = 7});
  CHECK(again.value == sampled.value);
}

TEST_CASE("Shapley values of no players: nothing to split", "[shapley]") {
  const ShapleyValues values = shapley_values(0, [](const Coalition&) { return std::vector<double>{4.0}; });
  CHECK(values.value.empty());
  CHECK(values.none == values.all);
}

}  // namespace steppe
