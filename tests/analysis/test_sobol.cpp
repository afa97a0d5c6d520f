// The Sobol estimators on functions whose indices are known in closed form, fed as arrays (a
// Saltelli design evaluated in the test): the standard Ishigami and Sobol G functions, a pure
// interaction, an outcome with a large mean, and a noisy outcome with replicates whose noise
// must neither inflate the total indices nor hide a factor that does nothing.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <numbers>

#include "analysis/known_indices.hpp"
#include "engine/analysis/sobol.hpp"
#include "engine/random.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

using Function = std::function<double(const std::vector<double>&)>;

struct Evaluated {
  std::vector<PointRole> roles;
  PointStatistics statistics;
};

// A standard normal from a stream of its own, for the noise of replicate `replicate` at `point`.
double noise_draw(std::size_t point, int replicate) {
  const double u1 = uniform_draw(99, point, static_cast<std::uint32_t>(replicate), 0);
  const double u2 = uniform_draw(99, point, static_cast<std::uint32_t>(replicate), 1);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

// The Saltelli design of N base rows over k factors, each coordinate mapped to [low, high], with
// `replicates` runs per point of f(x) + noise · z.
Evaluated evaluate(const Function& f, int n, int k, double low, double high, bool second_order = false,
                   int replicates = 1, double noise = 0) {
  const std::vector<DesignPoint> design = saltelli_design(n, k, second_order, 17);
  Evaluated evaluated;
  Eigen::VectorXd outcome(static_cast<Eigen::Index>(design.size()) * replicates);
  std::vector<std::int64_t> run_point;
  for (std::size_t point = 0; point < design.size(); ++point) {
    const DesignPoint& p = design[point];
    evaluated.roles.push_back({p.block, p.base, p.factor, p.step, p.policy});
    std::vector<double> x;
    for (double u : p.unit) x.push_back(low + (high - low) * u);
    for (int replicate = 0; replicate < replicates; ++replicate) {
      outcome[static_cast<Eigen::Index>(run_point.size())] = f(x) + noise * noise_draw(point, replicate);
      run_point.push_back(static_cast<std::int64_t>(point));
    }
  }
  evaluated.statistics = point_statistics(outcome, run_point, static_cast<std::int64_t>(design.size()), replicates);
  return evaluated;
}

std::vector<std::string> names(int k) {
  std::vector<std::string> result;
  for (int i = 1; i <= k; ++i) result.push_back("x" + std::to_string(i));
  return result;
}

double ishigami(const std::vector<double>& x, double shift) {
  return std::sin(x[0]) + 7 * std::sin(x[1]) * std::sin(x[1]) + 0.1 * std::pow(x[2], 4) * std::sin(x[0]) + shift;
}

constexpr double pi = std::numbers::pi;

}  // namespace

TEST_CASE("sobol: Ishigami's indices are recovered within their intervals", "[sobol]") {
  const Evaluated e = evaluate([](const auto& x) { return ishigami(x, 0); }, 8192, 3, -pi, pi);
  const SobolResult result = sobol_indices(e.roles, e.statistics, names(3), false, {});
  check_indices(result, ishigami_indices);
  CHECK(result.base_rows == 8192);
  CHECK(result.warnings.empty());
  CHECK(std::isnan(result.noise_share));  // one replicate: no noise to tell apart
}

// Saltelli's first-order estimator on the raw outputs, mean(f_B (f_ABi − f_A)) / V, as analyze
// computed it before: the mean times the noise of f_ABi − f_A swamps the index.
double uncentred_first_order(const Evaluated& e, int factor, std::size_t n) {
  std::vector<double> a(n), b(n), ab(n);
  for (std::size_t point = 0; point < e.roles.size(); ++point) {
    const PointRole& role = e.roles[point];
    const double y = e.statistics.mean[static_cast<Eigen::Index>(point)];
    const auto j = static_cast<std::size_t>(role.base);
    if (role.block == Block::a) a[j] = y;
    if (role.block == Block::b) b[j] = y;
    if (role.block == Block::ab && role.factor == factor) ab[j] = y;
  }
  double sum = 0, squares = 0, first = 0;
  for (std::size_t j = 0; j < n; ++j) {
    sum += a[j] + b[j];
    squares += a[j] * a[j] + b[j] * b[j];
    first += b[j] * (ab[j] - a[j]);
  }
  const double mean = sum / (2.0 * static_cast<double>(n));
  return first / static_cast<double>(n) / (squares / (2.0 * static_cast<double>(n)) - mean * mean);
}

TEST_CASE("sobol: an outcome with a large mean (Ishigami + 1000) gets the indices of the plain one", "[sobol]") {
  const Evaluated plain = evaluate([](const auto& x) { return ishigami(x, 0); }, 8192, 3, -pi, pi);
  const Evaluated shifted = evaluate([](const auto& x) { return ishigami(x, 1000); }, 8192, 3, -pi, pi);
  const SobolResult result = sobol_indices(shifted.roles, shifted.statistics, names(3), false, {});
  check_indices(result, ishigami_indices);
  const SobolResult reference = sobol_indices(plain.roles, plain.statistics, names(3), false, {});
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(result.indices[i].first == Approx(reference.indices[i].first).margin(1e-9));
    CHECK(result.indices[i].total == Approx(reference.indices[i].total).margin(1e-9));
  }
}

TEST_CASE(
    "sobol: a noisy outcome with a large mean (Ishigami + 1000 + noise, 4 replicates) is recovered "
    "within the intervals, and the uncentred estimator misses every factor",
    "[sobol][noise]") {
  // The quasi-random design cancels f_ABi − f_A almost exactly on a deterministic function; the
  // replicates' noise does not cancel, and the uncentred estimator multiplies it by the mean.
  const Evaluated e = evaluate([](const auto& x) { return ishigami(x, 1000); }, 8192, 3, -pi, pi, false, 4, 1.0);
  const SobolResult result = sobol_indices(e.roles, e.statistics, names(3), false, {});
  const std::vector<double>& first = ishigami_indices.first;
  check_indices(result, ishigami_indices);
  for (int i = 0; i < 3; ++i) {
    const double uncentred = uncentred_first_order(e, i, 8192);
    const SobolIndex& index = result.indices[static_cast<std::size_t>(i)];
    CAPTURE(i, uncentred, index.first, index.first_interval);
    CHECK(std::abs(uncentred - first[static_cast<std::size_t>(i)]) > 3 * index.first_interval);
  }
}

TEST_CASE("sobol: the Sobol G function's indices are recovered within their intervals", "[sobol]") {
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  const auto g = [&](const std::vector<double>& x) {
    double y = 1;
    for (std::size_t i = 0; i < a.size(); ++i) y *= (std::abs(4 * x[i] - 2) + a[i]) / (1 + a[i]);
    return y;
  };
  const Evaluated e = evaluate(g, 8192, 6, 0, 1);
  check_indices(sobol_indices(e.roles, e.statistics, names(6), false, {}), sobol_g_indices());
}

TEST_CASE("sobol: factors that act only together have S1 = 0 and share their interaction in ST and S2", "[sobol]") {
  // y = x1 x2 + x3 on [−1, 1]³: V = 1/9 + 1/3, S1 = 0, 0, 0.75, ST = 0.25, 0.25, 0.75, S12 = 0.25.
  const Evaluated e = evaluate([](const auto& x) { return x[0] * x[1] + x[2]; }, 4096, 3, -1, 1, true);
  const SobolResult result = sobol_indices(e.roles, e.statistics, names(3), true, {});
  check_indices(result, {{0, 0, 0.75}, {0.25, 0.25, 0.75}});
  REQUIRE(result.pairs.size() == 3);
  const std::vector<double> second = {0.25, 0, 0};  // (x1, x2), (x1, x3), (x2, x3)
  for (std::size_t pair = 0; pair < 3; ++pair) {
    CAPTURE(result.pairs[pair].factor_a, result.pairs[pair].factor_b, result.pairs[pair].second);
    CHECK(std::abs(result.pairs[pair].second - second[pair]) <= result.pairs[pair].second_interval);
  }
}

TEST_CASE(
    "sobol: replicate noise is reported as its own share and removed, so a factor that does nothing has "
    "ST ≈ 0",
    "[sobol][noise]") {
  // y = x1 + 2 x2 + 2 z on [0, 1]³ (x3 enters nothing), 10 replicates: V_f = 5/12, one run's
  // noise variance 4, so 4 / (4 + 5/12) = 0.906 of a run and about half of a point mean is noise.
  const Evaluated e = evaluate([](const auto& x) { return x[0] + 2 * x[1]; }, 4096, 3, 0, 1, false, 10, 2.0);
  const SobolResult result = sobol_indices(e.roles, e.statistics, names(3), false, {});
  check_indices(result, {{0.2, 0.8, 0}, {0.2, 0.8, 0}}, 0.15);
  CHECK(result.variance == Approx(5.0 / 12).epsilon(0.1));
  CAPTURE(result.noise_share, result.noise_share_interval, result.noise_share_of_means);
  CHECK(std::abs(result.noise_share - 4 / (4 + 5.0 / 12)) <= result.noise_share_interval);
  CHECK(result.noise_share_of_means == Approx(0.4 / (0.4 + 5.0 / 12)).epsilon(0.05));
  // Without the correction, x3's ST would be the noise share of the means, about 0.49.
  CHECK(result.indices[2].total < 0.1);
}

TEST_CASE("sobol: indices not worth reading carry a warning with the cure", "[sobol][noise]") {
  SECTION("noise swamps the point means") {
    const Evaluated e = evaluate([](const auto& x) { return x[0] + 2 * x[1]; }, 256, 3, 0, 1, false, 4, 5.0);
    const SobolResult result = sobol_indices(e.roles, e.statistics, names(3), false, {});
    CAPTURE(result.noise_share_of_means);
    CHECK(result.noise_share_of_means > 0.5);
    REQUIRE_FALSE(result.warnings.empty());
    bool replicates = false, intervals = false;
    for (const std::string& warning : result.warnings) {
      replicates = replicates || warning.find("more replicates") != std::string::npos;
      intervals = intervals || warning.find("more base rows") != std::string::npos;
    }
    CHECK(replicates);
    CHECK(intervals);
  }
  SECTION("the outcome does not vary") {
    const Evaluated e = evaluate([](const auto&) { return 3.0; }, 64, 2, 0, 1);
    const SobolResult result = sobol_indices(e.roles, e.statistics, names(2), false, {});
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].find("does not vary") != std::string::npos);
    CHECK(std::isnan(result.indices[0].total));
  }
  SECTION("a friendly outcome has none") {
    const Evaluated e = evaluate([](const auto& x) { return x[0] + 2 * x[1]; }, 1024, 3, 0, 1);
    CHECK(sobol_indices(e.roles, e.statistics, names(3), false, {}).warnings.empty());
  }
}

TEST_CASE("sobol: rows with an outcome undefined at some point are left out and counted", "[sobol]") {
  Evaluated e = evaluate([](const auto& x) { return x[0] + 2 * x[1]; }, 1024, 2, 0, 1);
  // Undefine the outcome at the A point of base rows 0..9.
  int undefined = 0;
  for (std::size_t point = 0; point < e.roles.size(); ++point)
    if (e.roles[point].block == Block::a && e.roles[point].base < 10) {
      e.statistics.mean[static_cast<Eigen::Index>(point)] = std::nan("");
      ++undefined;
    }
  REQUIRE(undefined == 10);
  const SobolResult result = sobol_indices(e.roles, e.statistics, names(2), false, {});
  CHECK(result.base_rows == 1014);
  CHECK(result.rows_left_out == 10);
  CHECK(result.indices[1].total == Approx(0.8).margin(0.05));
}

TEST_CASE("sobol: the first rows of the design give the convergence chart's indices", "[sobol]") {
  const Evaluated e = evaluate([](const auto& x) { return ishigami(x, 0); }, 2048, 3, -pi, pi);
  const SobolResult part = sobol_indices(e.roles, e.statistics, names(3), false, {}, 256);
  const SobolResult whole = sobol_indices(e.roles, e.statistics, names(3), false, {});
  CHECK(part.base_rows == 256);
  // Intervals shrink about as 1/√N: eight times the rows, nearly three times narrower.
  CHECK(part.indices[1].total_interval > 2 * whole.indices[1].total_interval);
}

TEST_CASE("sobol: intervals are reproducible for a seed and follow the confidence level", "[sobol]") {
  const Evaluated e = evaluate([](const auto& x) { return ishigami(x, 0); }, 1024, 3, -pi, pi);
  const SobolResult first = sobol_indices(e.roles, e.statistics, names(3), false, {0.95, 200, 5});
  const SobolResult again = sobol_indices(e.roles, e.statistics, names(3), false, {0.95, 200, 5});
  const SobolResult wider = sobol_indices(e.roles, e.statistics, names(3), false, {0.99, 200, 5});
  CHECK(first.indices[0].first_interval == again.indices[0].first_interval);
  // z(0.99) / z(0.95) = 2.5758 / 1.9600 on the same resamples.
  CHECK(wider.indices[0].first_interval / first.indices[0].first_interval == Approx(2.5758 / 1.9600).epsilon(1e-4));
}

TEST_CASE("sobol: point statistics keep their digits for an outcome with a large mean", "[sobol]") {
  const Eigen::VectorXd outcome = (Eigen::VectorXd(6) << 1e9 + 1, 1e9 + 2, 1e9 + 3, 5, std::nan(""), 7).finished();
  const PointStatistics statistics = point_statistics(outcome, {0, 0, 0, 1, 1, 1}, 2, 3);
  CHECK(statistics.mean[0] == 1e9 + 2);
  CHECK(statistics.within_variance[0] == 1.0);
  CHECK(statistics.mean[1] == 6);
  CHECK(statistics.within_variance[1] == 2.0);
  CHECK(statistics.defined[1] == 2);
  CHECK(statistics.undefined_runs == 1);
}
