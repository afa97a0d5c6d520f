// PRIM on cases whose answer is known: a box planted among uniform inputs, with noise outside
// it, must come back with its limits, its true restrictions significant and reproducible, and
// the inert dimensions left alone; plus the hard cases (ties, constants, tiny boxes, nothing or
// everything of interest).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "engine/analysis/prim.hpp"

using namespace steppe;

namespace {

// `cases` rows of `dimensions` uniform inputs on [0, 1]; of interest inside `inside`, and with
// probability `noise` outside it.
template <typename Inside>
PrimCases planted(int cases, int dimensions, double noise, std::uint64_t seed, Inside inside) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  PrimCases planted{Eigen::MatrixXd(cases, dimensions), std::vector<int>(static_cast<std::size_t>(dimensions), 0),
                    std::vector<bool>(static_cast<std::size_t>(cases))};
  for (int row = 0; row < cases; ++row) {
    for (int d = 0; d < dimensions; ++d) planted.inputs(row, d) = uniform(random);
    const bool of_interest = inside(planted.inputs.row(row)) || uniform(random) < noise;
    planted.of_interest[static_cast<std::size_t>(row)] = of_interest;
  }
  return planted;
}

// y = 1 for x1 ∈ [0.2, 0.6] and x3 > 0.7 (dimensions 0 and 2 of five), 3% noise outside.
PrimCases known_box(std::uint64_t seed = 7, int cases = 2000) {
  return planted(cases, 5, 0.03, seed, [](const auto& x) { return x(0) >= 0.2 && x(0) <= 0.6 && x(2) > 0.7; });
}

std::vector<int> restricted_dimensions(const PrimBox& box, const PrimBox& first) {
  std::vector<int> dimensions;
  for (std::size_t d = 0; d < box.limits.size(); ++d)
    if (restricts(box, first, d)) dimensions.push_back(static_cast<int>(d));
  return dimensions;
}

}  // namespace

TEST_CASE("prim recovers a planted box of two restricted dimensions and leaves the three inert ones alone", "[prim]") {
  const PrimCases cases = known_box();
  const PrimResult result = prim(cases);
  const PrimBox& first = result.trajectory.front();
  const PrimBox& knee = result.trajectory[result.knee];
  CHECK(restricted_dimensions(knee, first) == std::vector<int>{0, 2});
  CHECK(knee.limits[0].lower == Approx(0.2).margin(0.05));
  CHECK(knee.limits[0].upper == Approx(0.6).margin(0.05));
  CHECK(knee.limits[2].lower == Approx(0.7).margin(0.05));
  CHECK(knee.limits[2].upper == first.limits[2].upper);
  CHECK(knee.density > 0.85);
  CHECK(knee.coverage > 0.75);
  CHECK(first.coverage == 1);
  CHECK(first.mass == 1);
  CHECK(first.restricted == 0);
}

TEST_CASE("prim's trajectory falls strictly in mass, never gains coverage, and stops at mass_min", "[prim]") {
  const PrimCases cases = known_box(11);
  for (const double mass_min : {0.05, 0.2}) {
    PrimOptions options;
    options.mass_min = mass_min;
    const PrimResult result = prim(cases, options);
    REQUIRE(result.trajectory.size() > 5);
    for (std::size_t index = 1; index < result.trajectory.size(); ++index) {
      CHECK(result.trajectory[index].mass < result.trajectory[index - 1].mass);
      CHECK(result.trajectory[index].coverage <= result.trajectory[index - 1].coverage);
      CHECK(result.trajectory[index].mass >= mass_min);
      // Each peel removes about peel_alpha of the box: never more than a slice.
      CHECK(result.trajectory[index].cases >= 0.9 * result.trajectory[index - 1].cases);
    }
  }
}

TEST_CASE("prim's knee is the box farthest beyond the chord from the first box to the last", "[prim]") {
  const PrimResult result = prim(known_box(3));
  const auto& trajectory = result.trajectory;
  const auto beyond = [&](const PrimBox& box) {
    return (box.coverage - trajectory.back().coverage) / (trajectory.front().coverage - trajectory.back().coverage) +
           (box.density - trajectory.front().density) / (trajectory.back().density - trajectory.front().density) - 1;
  };
  REQUIRE(result.knee > 0);
  REQUIRE(result.knee < trajectory.size());
  for (const PrimBox& box : trajectory) CHECK(beyond(box) <= beyond(trajectory[result.knee]));
}

TEST_CASE("pasting widens an over-peeled box without lowering its density", "[prim]") {
  const PrimCases cases = known_box(5);
  const PrimResult result = prim(cases);
  for (std::size_t index = 0; index < result.trajectory.size(); index += 3) {
    const PrimBox& peeled = result.trajectory[index];
    const PrimBox pasted = paste(cases, result, index);
    CHECK(pasted.density >= peeled.density);
    CHECK(pasted.mass >= peeled.mass);
    for (std::size_t d = 0; d < pasted.limits.size(); ++d) {  // pasting only ever widens
      CHECK(pasted.limits[d].lower <= peeled.limits[d].lower);
      CHECK(pasted.limits[d].upper >= peeled.limits[d].upper);
    }
  }
  // Peeling past the true box's edge on a noise-free plant leaves room that pasting takes back.
  const PrimCases clean = planted(2000, 3, 0, 9, [](const auto& x) { return x(0) <= 0.5 && x(1) <= 0.5; });
  const PrimResult clean_result = prim(clean);
  const PrimBox& last = clean_result.trajectory.back();
  CHECK(last.density == 1);
  const PrimBox pasted = paste(clean, clean_result, clean_result.trajectory.size() - 1);
  CHECK(pasted.density == 1);
  CHECK(pasted.limits[0].upper == Approx(0.5).margin(0.02));
  CHECK(pasted.limits[1].upper == Approx(0.5).margin(0.02));
}

TEST_CASE("quasi-p-values are tiny for the true restrictions and NaN for unrestricted dimensions", "[prim]") {
  const PrimCases cases = known_box(13);
  const PrimResult result = prim(cases);
  const PrimBox& knee = result.trajectory[result.knee];
  const std::vector<double> quasi_p = quasi_p_values(cases, result.trajectory.front(), knee);
  REQUIRE(quasi_p.size() == 5);
  CHECK(quasi_p[0] < 1e-6);
  CHECK(quasi_p[2] < 1e-6);
  for (const int inert : {1, 3, 4}) CHECK(std::isnan(quasi_p[static_cast<std::size_t>(inert)]));

  // A restriction of an inert dimension forced onto the true box holds no more cases of
  // interest than chance: its quasi-p-value is large.
  PrimBox forced = knee;
  forced.limits[1].upper = 0.5;
  std::int64_t inside = 0, of_interest = 0;
  for (Eigen::Index row = 0; row < cases.inputs.rows(); ++row)
    if (forced.contains(cases.inputs, row)) {
      ++inside;
      of_interest += cases.of_interest[static_cast<std::size_t>(row)] ? 1 : 0;
    }
  forced.cases = inside;
  forced.of_interest = of_interest;
  const std::vector<double> forced_p = quasi_p_values(cases, result.trajectory.front(), forced);
  CHECK(forced_p[1] > 0.05);
  CHECK(forced_p[0] < 1e-6);
}

TEST_CASE("the resampling check restricts the true dimensions in nearly every resample and inert ones rarely",
          "[prim][resampling]") {
  const PrimCases cases = known_box(17);
  const PrimResult result = prim(cases);
  const PrimResampling check = resample_prim(cases, result.trajectory[result.knee], {}, 10, 42);
  CHECK(check.resamples == 10);
  CHECK(check.restricted_at_coverage[0] >= 0.9);
  CHECK(check.restricted_at_coverage[2] >= 0.9);
  CHECK(check.restricted_at_density[0] >= 0.9);
  CHECK(check.restricted_at_density[2] >= 0.9);
  for (const int inert : {1, 3, 4}) CHECK(check.restricted_at_coverage[static_cast<std::size_t>(inert)] <= 0.3);
}

TEST_CASE("prim and its resampling give the same numbers for the same seed, other numbers for another", "[prim]") {
  // Much noise, so that resamples disagree and the seed shows.
  const PrimCases cases = planted(600, 5, 0.25, 19, [](const auto& x) { return x(0) < 0.5 && x(2) > 0.5; });
  const PrimResult a = prim(cases), b = prim(cases);
  REQUIRE(a.trajectory.size() == b.trajectory.size());
  for (std::size_t index = 0; index < a.trajectory.size(); ++index) {
    CHECK(a.trajectory[index].cases == b.trajectory[index].cases);
    for (std::size_t d = 0; d < 5; ++d) {
      CHECK(a.trajectory[index].limits[d].lower == b.trajectory[index].limits[d].lower);
      CHECK(a.trajectory[index].limits[d].upper == b.trajectory[index].limits[d].upper);
    }
  }
  const PrimBox& knee = a.trajectory[a.knee];
  const PrimResampling first = resample_prim(cases, knee, {}, 8, 1);
  const PrimResampling again = resample_prim(cases, knee, {}, 8, 1);
  CHECK(first.restricted_at_coverage == again.restricted_at_coverage);
  CHECK(first.restricted_at_density == again.restricted_at_density);
  bool differs = false;
  for (std::uint64_t seed = 2; seed < 6 && !differs; ++seed)
    differs = resample_prim(cases, knee, {}, 8, seed).restricted_at_coverage != first.restricted_at_coverage;
  CHECK(differs);
}

TEST_CASE("prim peels a categorical dimension one category at a time, keeping the categories of interest",
          "[prim][categorical]") {
  // Four policies coded 0–3; of interest under policies 1 and 3 when x0 < 0.5, 2% noise.
  std::mt19937_64 random(23);
  std::uniform_real_distribution<double> uniform(0, 1);
  const int n = 2400;
  PrimCases cases{Eigen::MatrixXd(n, 3), {0, 4, 0}, std::vector<bool>(n)};
  for (int row = 0; row < n; ++row) {
    cases.inputs(row, 0) = uniform(random);
    cases.inputs(row, 1) = row % 4;
    cases.inputs(row, 2) = uniform(random);
    const int policy = row % 4;
    cases.of_interest[static_cast<std::size_t>(row)] =
        ((policy == 1 || policy == 3) && cases.inputs(row, 0) < 0.5) || uniform(random) < 0.02;
  }
  const PrimResult result = prim(cases);
  const PrimBox& knee = result.trajectory[result.knee];
  CHECK(knee.limits[1].kept == std::vector<bool>{false, true, false, true});
  CHECK(knee.limits[0].upper == Approx(0.5).margin(0.05));
  CHECK_FALSE(restricts(knee, result.trajectory.front(), 2));
  // Each step of the trajectory drops at most one category.
  for (std::size_t index = 1; index < result.trajectory.size(); ++index) {
    const auto kept = [&](std::size_t at) {
      const auto& categories = result.trajectory[at].limits[1].kept;
      return std::count(categories.begin(), categories.end(), true);
    };
    CHECK(kept(index - 1) - kept(index) <= 1);
  }
  const std::vector<double> quasi_p = quasi_p_values(cases, result.trajectory.front(), knee);
  CHECK(quasi_p[1] < 1e-6);
  // Pasting a category back in would only dilute the box.
  CHECK(paste(cases, result, result.knee).limits[1].kept == knee.limits[1].kept);
}

TEST_CASE("prim makes progress on heavily tied inputs and never restricts a constant dimension", "[prim][hard]") {
  // Inputs on four levels (ties everywhere), one constant dimension; of interest at level 3 of x0.
  std::mt19937_64 random(29);
  std::uniform_int_distribution<int> level(0, 3);
  std::uniform_real_distribution<double> uniform(0, 1);
  const int n = 1000;
  PrimCases cases{Eigen::MatrixXd(n, 3), {0, 0, 0}, std::vector<bool>(n)};
  for (int row = 0; row < n; ++row) {
    cases.inputs(row, 0) = level(random);
    cases.inputs(row, 1) = level(random);
    cases.inputs(row, 2) = 0.25;
    cases.of_interest[static_cast<std::size_t>(row)] = cases.inputs(row, 0) == 3 || uniform(random) < 0.05;
  }
  const PrimResult result = prim(cases);
  const PrimBox& last = result.trajectory.back();
  CHECK(last.limits[0].lower > 2);
  CHECK(last.limits[0].lower < 3);
  CHECK(last.density == 1);
  for (const PrimBox& box : result.trajectory) CHECK_FALSE(restricts(box, result.trajectory.front(), 2));
}

TEST_CASE("prim refuses a box below mass_min even when the planted box is smaller", "[prim][hard]") {
  // The plant holds 2% of the cases; no box on the trajectory may hold less than 5%.
  const PrimCases cases = planted(3000, 4, 0.01, 31, [](const auto& x) { return x(0) < 0.2 && x(1) < 0.1; });
  const PrimResult result = prim(cases);
  for (const PrimBox& box : result.trajectory) CHECK(box.mass >= 0.05);
  const PrimBox& last = result.trajectory.back();
  CHECK(last.coverage > 0.6);
  CHECK(last.density > 5 * result.trajectory.front().density);
  CHECK(restricts(last, result.trajectory.front(), 0));
  CHECK(restricts(last, result.trajectory.front(), 1));
}

TEST_CASE("prim with no case of interest, or only cases of interest, stays at the whole box", "[prim][hard]") {
  for (const bool all : {false, true}) {
    PrimCases cases = known_box(37, 300);
    cases.of_interest.assign(cases.of_interest.size(), all);
    const PrimResult result = prim(cases);
    CHECK(result.trajectory.size() == 1);
    CHECK(result.knee == 0);
    CHECK(result.trajectory.front().density == (all ? 1 : 0));
    CHECK(paste(cases, result, 0).cases == 300);
  }
}

TEST_CASE("prim refuses arrays that disagree in size, non-finite inputs and bad category codes", "[prim][hard]") {
  PrimCases cases = known_box(41, 50);
  cases.of_interest.pop_back();
  CHECK_THROWS_AS(prim(cases), std::invalid_argument);
  cases = known_box(41, 50);
  cases.inputs(3, 1) = std::nan("");
  CHECK_THROWS_AS(prim(cases), std::invalid_argument);
  cases = known_box(41, 50);
  cases.categories[4] = 3;  // uniform values are no category codes
  CHECK_THROWS_AS(prim(cases), std::invalid_argument);
  cases = known_box(41, 50);
  cases.categories.pop_back();
  CHECK_THROWS_AS(prim(cases), std::invalid_argument);
}
