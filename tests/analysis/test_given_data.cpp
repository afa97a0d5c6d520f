// The given-data measures on test functions whose answers are known: in closed form (the Sobol G
// function, a linear model, y = x1 under PAWN's slicing), from the literature (Ishigami's first-
// order indices), or by an independent computation in the test (PRCC from residuals of two
// regressions on ranks, PAWN's conditional CDFs of a sum of uniforms).
#include <Eigen/QR>
#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>

#include "engine/analysis/given_data.hpp"
#include "engine/designs.hpp"

using namespace steppe;

namespace {

constexpr double pi = boost::math::constants::pi<double>();

// A Latin hypercube of n rows in [0, 1]^k.
Eigen::MatrixXd unit_sample(int n, int k, std::uint64_t seed) {
  const std::vector<DesignPoint> design = latin_hypercube_design(n, k, seed);
  Eigen::MatrixXd x(n, k);
  for (int row = 0; row < n; ++row)
    for (int factor = 0; factor < k; ++factor)
      x(row, factor) = design[static_cast<std::size_t>(row)].unit[static_cast<std::size_t>(factor)];
  return x;
}

// Ishigami (a = 7, b = 0.1) on [−π, π]³; a fourth column, unused, is a dummy factor.
Eigen::VectorXd ishigami(const Eigen::MatrixXd& unit) {
  const Eigen::MatrixXd x = (unit.array() * 2 * pi - pi).matrix();
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index row = 0; row < x.rows(); ++row)
    y[row] =
        std::sin(x(row, 0)) + 7 * std::pow(std::sin(x(row, 1)), 2) + 0.1 * std::pow(x(row, 2), 4) * std::sin(x(row, 0));
  return y;
}

// First-order indices from the literature: V1 = 1/2 (1 + bπ⁴/5)², V2 = a²/8, V = V1 + V2 +
// b²π⁸/18 − b²π⁸/50 + 1/2 (Ishigami & Homma 1990; Sobol' & Levitan 1999).
const std::vector<double> ishigami_first_order = {0.3139, 0.4424, 0.0, 0.0};

void require_near(const Estimate& estimate, double truth, double tolerance) {
  INFO("estimate " << estimate.value << " ± " << estimate.half_width << ", truth " << truth);
  REQUIRE(std::abs(estimate.value - truth) <= tolerance);
}

// How many of `estimates` have the truth within their interval.
int covered(const std::vector<Estimate>& estimates, const std::vector<double>& truth) {
  int inside = 0;
  for (std::size_t factor = 0; factor < truth.size(); ++factor)
    if (std::abs(estimates[factor].value - truth[factor]) <= estimates[factor].half_width) ++inside;
  return inside;
}

// Ranks 1..n of distinct values.
Eigen::VectorXd ranks_of(const Eigen::VectorXd& values) {
  std::vector<int> order(static_cast<std::size_t>(values.size()));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return values[a] < values[b]; });
  Eigen::VectorXd ranks(values.size());
  for (std::size_t place = 0; place < order.size(); ++place) ranks[order[place]] = static_cast<double>(place + 1);
  return ranks;
}

// The residuals of `target` after a least-squares fit (with intercept) on `regressors`.
Eigen::VectorXd residuals(const Eigen::MatrixXd& regressors, const Eigen::VectorXd& target) {
  Eigen::MatrixXd design(regressors.rows(), regressors.cols() + 1);
  design << Eigen::VectorXd::Ones(regressors.rows()), regressors;
  return target - design * design.householderQr().solve(target);
}

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::VectorXd ac = a.array() - a.mean(), bc = b.array() - b.mean();
  return ac.dot(bc) / std::sqrt(ac.squaredNorm() * bc.squaredNorm());
}

double sample_deviation(const Eigen::VectorXd& values) {
  return std::sqrt((values.array() - values.mean()).square().sum() / static_cast<double>(values.size() - 1));
}

}  // namespace

TEST_CASE("RBD-FAST recovers Ishigami's first-order indices", "[given_data]") {
  const Eigen::MatrixXd x = unit_sample(10000, 4, 11);
  const std::vector<Estimate> s1 = rbd_fast_first_order(x, ishigami(x), {0.95, 200, 3});
  for (std::size_t factor = 0; factor < 4; ++factor) require_near(s1[factor], ishigami_first_order[factor], 0.02);
  CHECK(covered(s1, ishigami_first_order) >= 3);
  // x3 acts only with x1, the dummy not at all: both read as zero within their intervals.
  CHECK(std::abs(s1[2].value) <= s1[2].half_width + 0.005);
  CHECK(std::abs(s1[3].value) <= s1[3].half_width + 0.005);
}

TEST_CASE("RBD-FAST recovers the Sobol G function's first-order indices", "[given_data]") {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  std::vector<double> partial;
  double product = 1;
  for (double a_i : a) {
    partial.push_back(1 / (3 * (1 + a_i) * (1 + a_i)));
    product *= 1 + partial.back();
  }
  std::vector<double> truth;
  for (double v_i : partial) truth.push_back(v_i / (product - 1));

  const Eigen::MatrixXd x = unit_sample(10000, 6, 12);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(x.rows());
  for (Eigen::Index row = 0; row < x.rows(); ++row)
    for (std::size_t factor = 0; factor < a.size(); ++factor)
      y[row] *= (std::abs(4 * x(row, static_cast<Eigen::Index>(factor)) - 2) + a[factor]) / (1 + a[factor]);
  const std::vector<Estimate> s1 = rbd_fast_first_order(x, y, {0.95, 200, 4});
  for (std::size_t factor = 0; factor < a.size(); ++factor) require_near(s1[factor], truth[factor], 0.02);
  CHECK(covered(s1, truth) >= 4);
}

TEST_CASE("SRC of a linear model: b_i σ_i / σ_y and its R², whatever y's mean", "[given_data]") {
  const std::vector<double> b = {2, -1, 0.5, 0}, low = {0, -5, 10, 0}, high = {1, 5, 30, 1};
  const Eigen::MatrixXd unit = unit_sample(4000, 4, 21);
  Eigen::MatrixXd x(unit.rows(), 4);
  for (Eigen::Index factor = 0; factor < 4; ++factor)
    x.col(factor) = (unit.col(factor).array() * (high[factor] - low[factor]) + low[factor]).matrix();
  Eigen::VectorXd exact = Eigen::VectorXd::Zero(x.rows());
  for (Eigen::Index factor = 0; factor < 4; ++factor) exact += b[factor] * x.col(factor);

  SECTION("without noise the fit is exact: SRC_i = b_i s_i / s_y of the sample, R² = 1") {
    const FitMeasures src = standardized_regression(x, exact, {0.95, 100, 5});
    for (Eigen::Index factor = 0; factor < 4; ++factor)
      CHECK(src.coefficients[factor].value ==
            Approx(b[factor] * sample_deviation(x.col(factor)) / sample_deviation(exact)).margin(1e-10));
    CHECK(src.r_squared.value == Approx(1).margin(1e-12));
  }

  SECTION("with noise of known variance: the population SRCs and R² within the intervals") {
    const double noise_deviation = 4;
    std::mt19937_64 generator(22);
    std::normal_distribution<double> noise(0, noise_deviation);
    Eigen::VectorXd y = exact;
    for (Eigen::Index row = 0; row < y.size(); ++row) y[row] += noise(generator);
    double explained = 0;
    std::vector<double> deviation;
    for (std::size_t factor = 0; factor < 4; ++factor) {
      deviation.push_back((high[factor] - low[factor]) / std::sqrt(12.0));
      explained += b[factor] * b[factor] * deviation.back() * deviation.back();
    }
    const double outcome_deviation = std::sqrt(explained + noise_deviation * noise_deviation);
    std::vector<double> truth;
    for (std::size_t factor = 0; factor < 4; ++factor)
      truth.push_back(b[factor] * deviation[factor] / outcome_deviation);

    const FitMeasures src = standardized_regression(x, y, {0.95, 200, 6});
    for (std::size_t factor = 0; factor < 4; ++factor) require_near(src.coefficients[factor], truth[factor], 0.03);
    CHECK(covered(src.coefficients, truth) >= 3);
    CHECK(std::abs(src.coefficients[3].value) <= src.coefficients[3].half_width);  // the dummy
    require_near(src.r_squared, explained / (outcome_deviation * outcome_deviation), 0.03);

    const FitMeasures shifted = standardized_regression(x, (y.array() + 1000).matrix(), {0.95, 200, 6});
    for (std::size_t factor = 0; factor < 4; ++factor) {
      CHECK(shifted.coefficients[factor].value == Approx(src.coefficients[factor].value).margin(1e-10));
      CHECK(shifted.coefficients[factor].half_width == Approx(src.coefficients[factor].half_width).margin(1e-10));
    }
    CHECK(shifted.r_squared.value == Approx(src.r_squared.value).margin(1e-10));
  }
}

TEST_CASE("PRCC equals the correlation of residuals of two regressions on ranks", "[given_data]") {
  const Eigen::MatrixXd x = unit_sample(3000, 4, 31);
  std::mt19937_64 generator(32);
  std::normal_distribution<double> noise(0, 0.3);
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index row = 0; row < x.rows(); ++row)
    y[row] = 1.5 * x(row, 0) - 0.7 * x(row, 1) + 0.2 * x(row, 2) + noise(generator);

  const FitMeasures prcc = partial_rank_correlation(x, y, {0.95, 100, 7});
  Eigen::MatrixXd ranks(x.rows(), 4);
  for (Eigen::Index factor = 0; factor < 4; ++factor) ranks.col(factor) = ranks_of(x.col(factor));
  const Eigen::VectorXd outcome_ranks = ranks_of(y);
  for (Eigen::Index factor = 0; factor < 4; ++factor) {
    Eigen::MatrixXd others(x.rows(), 3);
    for (Eigen::Index other = 0, column = 0; other < 4; ++other)
      if (other != factor) others.col(column++) = ranks.col(other);
    const double independent = correlation(residuals(others, ranks.col(factor)), residuals(others, outcome_ranks));
    CHECK(prcc.coefficients[factor].value == Approx(independent).margin(1e-10));
  }
  CHECK(prcc.coefficients[0].value > 0.8);
  CHECK(prcc.coefficients[1].value < -0.5);
  CHECK(std::abs(prcc.coefficients[3].value) <= prcc.coefficients[3].half_width);  // the dummy
}

TEST_CASE("PRCC reads a monotone nonlinear model as nearly 1 where SRC falls short", "[given_data]") {
  // y = exp(x1) + x2³ on x1 ∈ [0, 4], x2 ∈ [−1, 1]: increasing in both, far from linear in x1,
  // and x2's cube is swamped by exp(x1)'s spread in a linear reading.
  const Eigen::MatrixXd unit = unit_sample(4000, 3, 41);
  const Eigen::VectorXd x1 = (unit.col(0) * 4).eval(), x2 = (unit.col(1).array() * 2 - 1).matrix();
  Eigen::MatrixXd x(unit.rows(), 3);
  x << x1, x2, unit.col(2);
  const Eigen::VectorXd y = (x1.array().exp() + x2.array().cube()).matrix();

  const FitMeasures prcc = partial_rank_correlation(x, y, {0.95, 100, 8});
  const FitMeasures src = standardized_regression(x, y, {0.95, 100, 8});
  INFO("PRCC " << prcc.coefficients[0].value << ", " << prcc.coefficients[1].value << "; SRC "
               << src.coefficients[0].value << ", " << src.coefficients[1].value << "; R² " << src.r_squared.value
               << " (ranks " << prcc.r_squared.value << ")");
  CHECK(prcc.coefficients[0].value > 0.99);
  CHECK(src.coefficients[0].value < 0.95);
  CHECK(prcc.coefficients[1].value > 0.5);
  CHECK(std::abs(src.coefficients[1].value) < 0.1);
  CHECK(prcc.r_squared.value > 0.99);
  CHECK(src.r_squared.value < 0.85);
  CHECK(std::abs(prcc.coefficients[2].value) <= prcc.coefficients[2].half_width);  // the dummy
}

TEST_CASE("PAWN of y = x1: each slice's KS distance in closed form, a dummy at the noise level", "[given_data]") {
  // Slice s of x1's range holds y ∈ [s/10, (s + 1)/10]: the slice's CDF is 0 below, 1 above, so
  // its KS distance to y's CDF is max(s/10, 1 − (s + 1)/10) — 0.9, 0.8, …, 0.5, 0.5, …, 0.9:
  // median 0.7, mean 0.7, maximum 0.9. Empirically the same holds exactly, and for any
  // increasing function of x1.
  const Eigen::MatrixXd x = unit_sample(10000, 2, 51);
  for (const Eigen::VectorXd& y : {Eigen::VectorXd(x.col(0)), Eigen::VectorXd(x.col(0).array().exp())}) {
    const PawnMeasures pawn = pawn_indices(x, y, {0.95, 100, 9});
    CHECK(pawn.factors[0].median.value == Approx(0.7).margin(1e-9));
    CHECK(pawn.factors[0].mean.value == Approx(0.7).margin(1e-9));
    CHECK(pawn.factors[0].maximum.value == Approx(0.9).margin(1e-9));

    // A slice of m of the n rows at random differs from all of them by about √(1/m − 1/n) times
    // the Kolmogorov distribution, whose median is 0.8276: the dummies' median index sits there.
    const double kolmogorov_scale = std::sqrt(1.0 / 1000 - 1.0 / 10000);
    INFO("null median " << pawn.null_median << ", upper " << pawn.null_upper << ", dummy "
                        << pawn.factors[1].median.value);
    CHECK(pawn.null_median == Approx(0.8276 * kolmogorov_scale).epsilon(0.08));
    CHECK(pawn.null_upper > pawn.null_median);
    CHECK(pawn.factors[1].median.value == Approx(pawn.null_median).epsilon(0.3));
    CHECK(pawn.factors[1].median.value < pawn.null_upper * 1.1);
  }
}

TEST_CASE("PAWN of a sum of two uniforms matches the conditional CDFs computed by quadrature", "[given_data]") {
  // y = x1 + x2, x uniform on [0, 1]: y's CDF is triangular, F(t) = t²/2 or 1 − (2 − t)²/2;
  // given x1 ∈ [a, b] it is the mean of G(t − u) over u ∈ [a, b] with G the uniform CDF.
  const auto uniform_cdf = [](double t) { return std::clamp(t, 0.0, 1.0); };
  const auto triangular_cdf = [](double t) { return t <= 1 ? t * t / 2 : 1 - (2 - t) * (2 - t) / 2; };
  std::vector<double> distances;
  for (int slice = 0; slice < 10; ++slice) {
    const double a = slice / 10.0, b = (slice + 1) / 10.0;
    double distance = 0;
    for (int point = 0; point <= 2000; ++point) {
      const double t = point / 1000.0;
      double conditional = 0;
      for (int node = 0; node < 200; ++node) conditional += uniform_cdf(t - (a + (node + 0.5) * (b - a) / 200)) / 200;
      distance = std::max(distance, std::abs(conditional - triangular_cdf(t)));
    }
    distances.push_back(distance);
  }
  std::vector<double> sorted = distances;
  std::sort(sorted.begin(), sorted.end());
  const double median = (sorted[4] + sorted[5]) / 2;
  const double mean = std::accumulate(distances.begin(), distances.end(), 0.0) / 10;

  const Eigen::MatrixXd x = unit_sample(10000, 3, 61);
  const PawnMeasures pawn = pawn_indices(x, (x.col(0) + x.col(1)).eval(), {0.95, 200, 10});
  for (int factor = 0; factor < 2; ++factor) {
    // Sampling noise adds to each slice's distance (a KS distance is a maximum): about
    // 0.01 here, within the interval.
    require_near(pawn.factors[static_cast<std::size_t>(factor)].median, median, 0.03);
    require_near(pawn.factors[static_cast<std::size_t>(factor)].mean, mean, 0.03);
    CHECK(std::abs(pawn.factors[static_cast<std::size_t>(factor)].median.value - median) <=
          pawn.factors[static_cast<std::size_t>(factor)].median.half_width + 0.01);
  }
  CHECK(pawn.factors[2].median.value < pawn.null_upper);
}

TEST_CASE("PAWN ranks Ishigami's factors: x2 and x1, then x3, then a dummy at the noise level", "[given_data]") {
  const Eigen::MatrixXd x = unit_sample(10000, 4, 71);
  const PawnMeasures pawn = pawn_indices(x, ishigami(x), {0.95, 100, 11});
  INFO("PAWN medians " << pawn.factors[0].median.value << ", " << pawn.factors[1].median.value << ", "
                       << pawn.factors[2].median.value << ", " << pawn.factors[3].median.value << "; null "
                       << pawn.null_median << " (upper " << pawn.null_upper << ")");
  const double third = pawn.factors[2].median.value;
  CHECK(pawn.factors[0].median.value - pawn.factors[0].median.half_width > third + pawn.factors[2].median.half_width);
  CHECK(pawn.factors[1].median.value - pawn.factors[1].median.half_width > third + pawn.factors[2].median.half_width);
  // x3 has no first-order effect but changes y's spread: a moment-independent measure sees it.
  CHECK(third > 2 * pawn.null_upper);
  CHECK(pawn.factors[3].median.value < pawn.null_upper);
}

TEST_CASE("Given-data intervals: shrink as 1/√n, repeat for a seed, ignore an affine change of y", "[given_data]") {
  const std::vector<std::string> names = {"x1", "x2", "x3", "dummy"};
  const auto measures = [&](int n, std::uint64_t seed, double scale, double shift) {
    const Eigen::MatrixXd x = unit_sample(n, 4, 81);
    return given_data_measures(x, (ishigami(x).array() * scale + shift).matrix(), names,
                               {{0.95, 100, seed}, 10, 10, 50});
  };
  const GivenDataMeasures small = measures(2000, 1, 1, 0), large = measures(8000, 1, 1, 0);
  // PAWN's mean over slices, not its median: the median hops between slices from resample to
  // resample, so its half-width is itself too noisy (ratios 1.3 to 2.2 seen) for this check.
  for (std::size_t factor = 0; factor < 2; ++factor) {
    const GivenDataFactor &a = small.factors[factor], &b = large.factors[factor];
    INFO(a.name << ": half-widths at n = 2000 over n = 8000: S1 " << a.rbd_fast.half_width / b.rbd_fast.half_width
                << ", SRC " << a.src.half_width / b.src.half_width << ", PRCC " << a.prcc.half_width / b.prcc.half_width
                << ", PAWN " << a.pawn.mean.half_width / b.pawn.mean.half_width);
    for (double ratio : {a.rbd_fast.half_width / b.rbd_fast.half_width, a.src.half_width / b.src.half_width,
                         a.prcc.half_width / b.prcc.half_width, a.pawn.mean.half_width / b.pawn.mean.half_width})
      CHECK((ratio > 1.4 && ratio < 2.8));
  }

  const GivenDataMeasures again = measures(2000, 1, 1, 0), other_seed = measures(2000, 2, 1, 0),
                          affine = measures(2000, 1, 3, 1000);
  for (std::size_t factor = 0; factor < 4; ++factor) {
    const GivenDataFactor &a = small.factors[factor], &b = again.factors[factor], &c = affine.factors[factor];
    CHECK(a.rbd_fast.half_width == b.rbd_fast.half_width);
    CHECK(a.src.half_width == b.src.half_width);
    CHECK(a.prcc.half_width == b.prcc.half_width);
    CHECK(a.pawn.median.half_width == b.pawn.median.half_width);
    CHECK(a.rbd_fast.half_width != other_seed.factors[factor].rbd_fast.half_width);
    CHECK(c.rbd_fast.value == Approx(a.rbd_fast.value).margin(1e-9));
    CHECK(c.rbd_fast.half_width == Approx(a.rbd_fast.half_width).margin(1e-9));
    CHECK(c.src.value == Approx(a.src.value).margin(1e-9));
    CHECK(c.src.half_width == Approx(a.src.half_width).margin(1e-9));
    CHECK(c.prcc.value == a.prcc.value);
    CHECK(c.pawn.median.value == a.pawn.median.value);
    CHECK(c.pawn.median.half_width == a.pawn.median.half_width);
  }
  CHECK(small.pawn_null_median == again.pawn_null_median);
  CHECK(affine.src_r_squared.value == Approx(small.src_r_squared.value).margin(1e-9));
}

TEST_CASE("Given-data measures on a factor of three levels and a constant one", "[given_data]") {
  // y = 2·level + x2, the level 0, 1, 2 in turn: given level j, y is uniform on [2j, 2j + 1], a
  // third of all y, so the slice's KS distance is max(j/3, 1 − (j + 1)/3): 2/3, 1/3, 2/3. The
  // constant factor has one slice, the same as all rows (distance 0), and no regression
  // coefficient.
  const int n = 3000;
  const Eigen::MatrixXd unit = unit_sample(n, 1, 91);
  Eigen::MatrixXd x(n, 3);
  for (int row = 0; row < n; ++row) x.row(row) << row % 3, unit(row, 0), 5.0;
  const Eigen::VectorXd y = 2 * x.col(0) + x.col(1);
  const GivenDataMeasures measures =
      given_data_measures(x, y, {"level", "x2", "constant"}, {{0.95, 100, 12}, 10, 10, 50});

  const PawnIndex &level = measures.factors[0].pawn, &constant = measures.factors[2].pawn;
  CHECK(level.median.value == Approx(2.0 / 3).margin(1e-12));
  CHECK(level.mean.value == Approx(5.0 / 9).margin(1e-12));
  CHECK(level.maximum.value == Approx(2.0 / 3).margin(1e-12));
  CHECK(constant.median.value == 0);
  CHECK(constant.maximum.value == 0);

  for (Eigen::Index factor = 0; factor < 2; ++factor)
    CHECK(measures.factors[static_cast<std::size_t>(factor)].src.value ==
          Approx((factor == 0 ? 2 : 1) * sample_deviation(x.col(factor)) / sample_deviation(y)).margin(1e-10));
  CHECK(measures.src_r_squared.value == Approx(1).margin(1e-12));
  CHECK(std::isnan(measures.factors[2].src.value));
  CHECK(std::isnan(measures.factors[2].prcc.value));
  CHECK(measures.factors[0].prcc.value > 0.99);

  // S1 of the level is 32/33 (variance 8/3 of 8/3 + 1/12), but along the search curve the level
  // is a staircase 0, 1, 2, 2, 1, 0 of six equal blocks whose power partly lies beyond the
  // M = 10 harmonics: RBD-FAST reads (32/33)·(f − λ)/(1 − λ), f the staircase's share of power
  // in harmonics 1..10 (x2, in row order within a level, is white noise, which the correction
  // removes), λ = 2M/n.
  Eigen::VectorXd staircase(n);
  for (int position = 0; position < n; ++position) {
    const int block = position / (n / 6);
    staircase[position] = block < 3 ? block : 5 - block;
  }
  staircase.array() -= staircase.mean();
  double harmonic_power = 0;
  for (int harmonic = 1; harmonic <= 10; ++harmonic) {
    double cosine = 0, sine = 0;
    for (int position = 0; position < n; ++position) {
      cosine += staircase[position] * std::cos(2 * pi * harmonic * position / n);
      sine += staircase[position] * std::sin(2 * pi * harmonic * position / n);
    }
    harmonic_power += 2 * (cosine * cosine + sine * sine);
  }
  const double share = harmonic_power / (n * staircase.squaredNorm()), bias = 20.0 / n;
  const double expected = 32.0 / 33 * (share - bias) / (1 - bias);
  INFO("S1 " << measures.factors[0].rbd_fast.value << " ± " << measures.factors[0].rbd_fast.half_width << ", expected "
             << expected << "; x2 " << measures.factors[1].rbd_fast.value << " ± "
             << measures.factors[1].rbd_fast.half_width);
  CHECK(expected < 0.95);
  CHECK(std::abs(measures.factors[0].rbd_fast.value - expected) <= measures.factors[0].rbd_fast.half_width);
  CHECK(std::abs(measures.factors[1].rbd_fast.value - 1.0 / 33) <= measures.factors[1].rbd_fast.half_width);
}
