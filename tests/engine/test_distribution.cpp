// Distributions of uncertain inputs: inverse-CDF sampling, means, truncation, and every kind of
// invalid distribution rejected with a message.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/distribution.hpp"
#include "engine/random.hpp"

using steppe::Distribution;

namespace {

// Mean and extremes of 200,000 members' draws, each from its own stream.
struct Sample {
  double mean = 0, min = INFINITY, max = -INFINITY;
};

Sample sample(const Distribution& distribution) {
  Sample result;
  const int members = 200000;
  for (int member = 0; member < members; ++member) {
    const double x = distribution.quantile(steppe::uniform_draw(7, static_cast<std::uint64_t>(member), 0, 0));
    result.mean += x / members;
    result.min = std::min(result.min, x);
    result.max = std::max(result.max, x);
  }
  return result;
}

}  // namespace

TEST_CASE("distribution: uniform draws cover [low, high] with the right mean", "[distribution]") {
  std::string error;
  const auto d = Distribution::uniform(0.15, 0.25, 0, 1, error);
  REQUIRE(d);
  CHECK(d->quantile(0.5) == Approx(0.2));
  const Sample s = sample(*d);
  CHECK(s.mean == Approx(0.2).margin(5e-4));
  CHECK(s.min >= 0.15);
  CHECK(s.max <= 0.25);
}

TEST_CASE("distribution: a normal is truncated to the variable's valid range", "[distribution]") {
  std::string error;
  const auto d = Distribution::normal(0.9, 0.2, 0, 1, error);
  REQUIRE(d);
  const Sample s = sample(*d);
  CHECK(s.max <= 1.0);
  CHECK(s.min >= 0.0);
  CHECK(s.mean == Approx(d->mean()).margin(2e-3));
  CHECK(d->mean() < 0.9);  // truncation above pulls the mean down
  const auto untruncated = Distribution::normal(0.5, 0.01, 0, 1, error);
  REQUIRE(untruncated);
  CHECK(untruncated->quantile(0.5) == Approx(0.5).margin(1e-12));
  CHECK(untruncated->quantile(0.975) == Approx(0.5 + 1.959964 * 0.01).margin(1e-6));
}

TEST_CASE("distribution: triangular and scaled beta have their analytic means", "[distribution]") {
  std::string error;
  const auto triangle = Distribution::triangular(0.1, 0.2, 0.6, 0, 1, error);
  REQUIRE(triangle);
  CHECK(sample(*triangle).mean == Approx(0.3).margin(1e-3));
  CHECK(triangle->quantile(0.2) == Approx(0.2));  // the mode sits at (mode-low)/(high-low) of the mass
  const auto beta = Distribution::beta(2, 6, 0.2, 0.6, 0, 1, error);
  REQUIRE(beta);
  CHECK(beta->mean() == Approx(0.2 + 0.4 * 2.0 / 8.0));
  const Sample s = sample(*beta);
  CHECK(s.mean == Approx(beta->mean()).margin(1e-3));
  CHECK(s.min >= 0.2);
  CHECK(s.max <= 0.6);
}

TEST_CASE("distribution: a discrete list is drawn in proportion to its weights", "[distribution]") {
  std::string error;
  const auto d = Distribution::discrete({0.0, 0.5, 1.0}, {1, 2, 1}, 0, 1, error);
  REQUIRE(d);
  CHECK(d->quantile(0.1) == 0.0);
  CHECK(d->quantile(0.5) == 0.5);
  CHECK(d->quantile(0.9) == 1.0);
  CHECK(sample(*d).mean == Approx(0.5).margin(2e-3));
  const auto equal = Distribution::discrete({0.2, 0.4}, {}, 0, 1, error);
  REQUIRE(equal);
  CHECK(equal->mean() == Approx(0.3));
}

TEST_CASE("distribution: invalid distributions are rejected with a reason", "[distribution][bad]") {
  std::string error;
  CHECK_FALSE(Distribution::uniform(0.3, 0.2, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("above the upper bound"));
  CHECK_FALSE(Distribution::uniform(0.5, 1.5, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("outside the valid range [0, 1]"));
  CHECK_FALSE(Distribution::uniform(NAN, 0.5, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("finite"));
  CHECK_FALSE(Distribution::normal(0.5, -0.1, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("sd must be positive"));
  CHECK_FALSE(Distribution::normal(1.5, 0.1, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("mean 1.5 is outside"));
  CHECK_FALSE(Distribution::triangular(0.2, 0.1, 0.6, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("low <= mode <= high"));
  CHECK_FALSE(Distribution::beta(0, 2, 0, 1, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("shapes must be positive"));
  CHECK_FALSE(Distribution::beta(2, 2, 0.6, 0.2, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("is empty"));
  CHECK_FALSE(Distribution::discrete({0.1, 0.2}, {0, 0}, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("sum to a positive number"));
  CHECK_FALSE(Distribution::discrete({0.1, 0.2}, {1, -1}, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("not negative"));
  CHECK_FALSE(Distribution::discrete({0.1, 0.2}, {1}, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("1 weights for 2 values"));
  CHECK_FALSE(Distribution::discrete({}, {}, 0, 1, error));
  CHECK_FALSE(Distribution::discrete({2.0}, {1}, 0, 1, error));
  CHECK_THAT(error, Catch::Contains("outside the valid range"));
}
