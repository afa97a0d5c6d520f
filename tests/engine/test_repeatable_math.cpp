// steppe's own exp, logistic function and fused multiply-add (engine/repeatable_math.hpp).
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/repeatable_math.hpp"

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::int64_t ulps_apart(double a, double b) {
  const auto x = std::bit_cast<std::int64_t>(a), y = std::bit_cast<std::int64_t>(b);
  return x > y ? x - y : y - x;
}

std::vector<double> sample_points() {
  std::vector<double> points;
  for (double x = -708.0; x <= 708.0; x += 0.0137) points.push_back(x);
  for (double x = -2.0; x <= 2.0; x += 1e-4) points.push_back(x);  // where the model's sigmoids live
  return points;
}

// The same function kept out of the vectorizer, so that the scalar path is what runs.
[[gnu::optimize("no-tree-vectorize")]] void exp_one_by_one(const std::vector<double>& x, std::vector<double>& out) {
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = steppe::repeatable_exp(x[i]);
}

}  // namespace

TEST_CASE("repeatable math: exp is within 2 ulp of the C library's over the whole clamped range", "[math]") {
  for (double x : sample_points()) {
    INFO("x = " << x);
    REQUIRE(ulps_apart(steppe::repeatable_exp(x), std::exp(x)) <= 2);
  }
  CHECK(steppe::repeatable_exp(0.0) == 1.0);
  CHECK(steppe::repeatable_exp(1000.0) == steppe::repeatable_exp(708.0));  // clamped, finite
  CHECK(std::isfinite(steppe::repeatable_exp(1000.0)));
  CHECK(steppe::repeatable_exp(-1000.0) > 0.0);
}

TEST_CASE("repeatable math: the logistic function is 1/2 at 0, symmetric, and saturates without NaN", "[math]") {
  CHECK(steppe::repeatable_sigmoid(0.0) == 0.5);
  for (double x : {0.1, 1.0, 3.0, 10.0})
    CHECK(steppe::repeatable_sigmoid(x) + steppe::repeatable_sigmoid(-x) == Approx(1.0).margin(1e-15));
  CHECK(steppe::repeatable_sigmoid(800.0) == 1.0);
  CHECK(steppe::repeatable_sigmoid(-800.0) >= 0.0);
  CHECK(steppe::repeatable_sigmoid(-800.0) < 1e-300);
}

TEST_CASE("repeatable math: a vectorized loop of exps gives the scalar path's bits in every lane", "[math]") {
  const std::vector<double> x = sample_points();
  std::vector<double> vectorized(x.size()), scalar(x.size());
#pragma omp simd
  for (std::size_t i = 0; i < x.size(); ++i) vectorized[i] = steppe::repeatable_exp(x[i]);
  exp_one_by_one(x, scalar);
  for (std::size_t i = 0; i < x.size(); ++i) {
    INFO("x = " << x[i]);
    REQUIRE(std::bit_cast<std::uint64_t>(vectorized[i]) == std::bit_cast<std::uint64_t>(scalar[i]));
  }
}

TEST_CASE("repeatable math: multiply_add rounds once, on every build", "[math]") {
  // (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly; rounding the product first loses it entirely.
  const double a = 1.0 + std::ldexp(1.0, -30), b = 1.0 - std::ldexp(1.0, -30);
  CHECK(steppe::multiply_add(a, b, -1.0) == -std::ldexp(1.0, -60));
  CHECK(steppe::multiply_add(2.0, 3.0, 4.0) == 10.0);
}
