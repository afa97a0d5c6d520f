#include "engine/analysis/given_data.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <array>
#include <boost/math/constants/constants.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "engine/random.hpp"

namespace steppe {

namespace {

constexpr double undefined = std::numeric_limits<double>::quiet_NaN();

using Order = std::vector<int>;
// A resample as the number of times each row was drawn (all ones for the sample itself): every
// estimator reads its resample this way, so none of them copies or re-sorts the data.
using Copies = Eigen::VectorXd;
using Statistics = std::vector<double>;

void require_shapes(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  if (y.size() < 2) throw std::invalid_argument("given-data measures: need at least two rows");
  if (x.rows() != y.size())
    throw std::invalid_argument("given-data measures: x has " + std::to_string(x.rows()) + " rows, y has " +
                                std::to_string(y.size()) + " values");
  if (!x.allFinite() || !y.allFinite())
    throw std::invalid_argument("given-data measures: x and y must be finite (drop rows with an undefined outcome)");
}

void require_slices(int slices) {
  if (slices < 1) throw std::invalid_argument("PAWN: need at least one slice, not " + std::to_string(slices));
}

// Rows in ascending order of `values`, ties in row order.
Order ascending_order(const Eigen::Ref<const Eigen::VectorXd>& values) {
  Order order(static_cast<std::size_t>(values.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return values[a] < values[b]; });
  return order;
}

// The data with each factor's and the outcome's sorted order, computed once: a resample's order
// is this order with each row repeated as often as it was drawn.
struct SortedSample {
  SortedSample(const Eigen::MatrixXd& x_, const Eigen::VectorXd& y_) : x(x_), y(y_), outcome_order(ascending_order(y)) {
    for (Eigen::Index factor = 0; factor < x.cols(); ++factor) factor_order.push_back(ascending_order(x.col(factor)));
  }
  Eigen::Index rows() const { return y.size(); }
  Eigen::Index factors() const { return x.cols(); }

  const Eigen::MatrixXd& x;
  const Eigen::VectorXd& y;
  std::vector<Order> factor_order;
  Order outcome_order;
};

// Calls visit(first, last) for each run [first, last) of `order` whose rows have equal `values`.
template <class Visit>
void for_each_tie_group(const Order& order, const Eigen::Ref<const Eigen::VectorXd>& values, Visit&& visit) {
  std::size_t first = 0;
  for (std::size_t last = 1; last <= order.size(); ++last)
    if (last == order.size() || values[order[last]] != values[order[first]]) {
      visit(first, last);
      first = last;
    }
}

// ---- RBD-FAST ----------------------------------------------------------------------------------

// The first `harmonics` Fourier harmonics of a series of n values, as rows cos(2πjp/n) and
// sin(2πjp/n), j = 1..M: the M harmonics by a direct sum (O(n·M)) are all RBD-FAST needs, the
// total power coming from Parseval's theorem.
class Harmonics {
 public:
  Harmonics(Eigen::Index n, int harmonics) : basis_(2 * harmonics, n) {
    const double step = 2 * boost::math::constants::pi<double>() / static_cast<double>(n);
    for (int j = 1; j <= harmonics; ++j)
      for (Eigen::Index p = 0; p < n; ++p) {
        // j·p mod n keeps the angle below 2π, where cos and sin are exact to rounding.
        const double angle = step * static_cast<double>((j * p) % n);
        basis_(2 * (j - 1), p) = std::cos(angle);
        basis_(2 * (j - 1) + 1, p) = std::sin(angle);
      }
  }

  // S1 of each column of `curves` (a factor's search curve, centred here in place): the one-sided power of harmonics
  // 1..M over that of all non-zero frequencies — by Parseval the latter is n Σ(y − ȳ)², the
  // former 2 Σ_j |Y_j|² — then the bias noise adds to the M harmonics removed (Tissot & Prieur
  // 2012: with λ = 2M/n, S1 − λ/(1 − λ)·(1 − S1)).
  Eigen::VectorXd first_order(Eigen::MatrixXd& curves) const {
    const auto n = static_cast<double>(curves.rows());
    curves.rowwise() -= curves.colwise().mean();
    const Eigen::VectorXd total = curves.colwise().squaredNorm().transpose() * n;
    const Eigen::VectorXd power = 2 * (basis_ * curves).colwise().squaredNorm().transpose();
    const double bias = static_cast<double>(basis_.rows()) / n;  // λ = 2M/n
    Eigen::VectorXd s1 = power.cwiseQuotient(total);
    return s1.array() - bias / (1 - bias) * (1 - s1.array());
  }

 private:
  Eigen::MatrixXd basis_;
};

// y along factor i's search curve (Plischke 2010, as SALib builds it): the rows in ascending
// order of x_i, the even positions first, then the odd ones backwards — one up and one down
// sweep of the factor's range, so that y is as periodic in position as it is smooth in x_i.
void search_curve(const SortedSample& sample, const Order& order, const Copies& copies,
                  Eigen::Ref<Eigen::VectorXd> curve) {
  const Eigen::Index n = curve.size();
  Eigen::Index position = 0;
  for (int row : order)
    for (int copy = 0; copy < copies[row]; ++copy, ++position) {
      const Eigen::Index on_curve = position % 2 == 0 ? position / 2 : n - 1 - position / 2;
      curve[on_curve] = sample.y[row];
    }
}

Statistics rbd_fast_statistics(const SortedSample& sample, const Harmonics& harmonics, const Copies& copies) {
  Eigen::MatrixXd curves(sample.rows(), sample.factors());
  for (Eigen::Index factor = 0; factor < sample.factors(); ++factor)
    search_curve(sample, sample.factor_order[static_cast<std::size_t>(factor)], copies, curves.col(factor));
  const Eigen::VectorXd s1 = harmonics.first_order(curves);
  return Statistics(s1.data(), s1.data() + s1.size());
}

// ---- SRC and PRCC ----------------------------------------------------------------------------------

// The correlation matrix of the columns of `columns` over the resample. A constant column gets
// zero correlations (and 1 on the diagonal), so that it drops out of a fit; `constant` flags it.
Eigen::MatrixXd resample_correlation(const Eigen::MatrixXd& columns, const Copies& copies,
                                     std::vector<bool>& constant) {
  const Eigen::RowVectorXd mean = copies.transpose() * columns / copies.sum();
  const Eigen::MatrixXd centered = columns.rowwise() - mean;
  Eigen::MatrixXd covariance = centered.transpose() * (centered.array().colwise() * copies.array()).matrix();
  Eigen::VectorXd scale = covariance.diagonal().cwiseSqrt();
  constant.assign(static_cast<std::size_t>(scale.size()), false);
  for (Eigen::Index column = 0; column < scale.size(); ++column)
    // Zero up to the rounding of the mean, which leaves |mean|·ε in each centred value.
    if (!(scale[column] > 1e-12 * std::max(1.0, std::abs(mean[column])) * std::sqrt(copies.sum()))) {
      constant[static_cast<std::size_t>(column)] = true;
      covariance.row(column).setZero();
      covariance.col(column).setZero();
      covariance(column, column) = scale[column] = 1;
    }
  return covariance.cwiseQuotient(scale * scale.transpose());
}

// The fit of the last column on the others, all standardized, from their correlation matrix R:
// β = R_xx⁻¹ r_xy are the standardized regression coefficients and R² = r_xy·β. The partial
// correlation of x_i and y given the rest follows from the same solve,
// β_i / √(β_i² + (1 − R²)(R_xx⁻¹)_ii) (the block inverse of R), which stays defined at R² = 1.
struct StandardizedFit {
  Eigen::VectorXd coefficients, partial_correlations;
  double r_squared = undefined;
};

StandardizedFit standardized_fit(const Eigen::MatrixXd& correlation, const std::vector<bool>& constant) {
  const Eigen::Index k = correlation.rows() - 1;
  StandardizedFit fit{Eigen::VectorXd::Constant(k, undefined), Eigen::VectorXd::Constant(k, undefined)};
  const Eigen::LDLT<Eigen::MatrixXd> factors_correlation(correlation.topLeftCorner(k, k));
  // Factors so collinear that their separate effects are not identified, or a constant outcome.
  if (constant.back() || factors_correlation.info() != Eigen::Success || factors_correlation.rcond() < 1e-10)
    return fit;
  const Eigen::VectorXd outcome_correlation = correlation.col(k).head(k);
  const Eigen::VectorXd beta = factors_correlation.solve(outcome_correlation);
  const Eigen::VectorXd inverse_diagonal = factors_correlation.solve(Eigen::MatrixXd::Identity(k, k)).diagonal();
  fit.r_squared = outcome_correlation.dot(beta);
  const double unexplained = std::max(0.0, 1 - fit.r_squared);
  for (Eigen::Index factor = 0; factor < k; ++factor) {
    if (constant[static_cast<std::size_t>(factor)]) continue;
    fit.coefficients[factor] = beta[factor];
    fit.partial_correlations[factor] =
        beta[factor] / std::sqrt(beta[factor] * beta[factor] + unexplained * inverse_diagonal[factor]);
  }
  return fit;
}

// SRCs then R² of the fit of y on x.
Statistics src_statistics(const SortedSample& sample, const Copies& copies) {
  Eigen::MatrixXd columns(sample.rows(), sample.factors() + 1);
  columns << sample.x, sample.y;
  std::vector<bool> constant;
  const StandardizedFit fit = standardized_fit(resample_correlation(columns, copies, constant), constant);
  Statistics statistics(fit.coefficients.data(), fit.coefficients.data() + fit.coefficients.size());
  statistics.push_back(fit.r_squared);
  return statistics;
}

// Each row's rank among the resample's rows (ranks 1..n, counting copies), tied values sharing
// their mean rank.
void resample_ranks(const Order& order, const Eigen::Ref<const Eigen::VectorXd>& values, const Copies& copies,
                    Eigen::Ref<Eigen::VectorXd> ranks) {
  double below = 0;
  for_each_tie_group(order, values, [&](std::size_t first, std::size_t last) {
    double tied = 0;
    for (std::size_t position = first; position < last; ++position) tied += copies[order[position]];
    for (std::size_t position = first; position < last; ++position) ranks[order[position]] = below + (tied + 1) / 2;
    below += tied;
  });
}

// PRCCs then R² of the fit of rank(y) on the ranks of x.
Statistics prcc_statistics(const SortedSample& sample, const Copies& copies) {
  Eigen::MatrixXd ranks(sample.rows(), sample.factors() + 1);
  for (Eigen::Index factor = 0; factor < sample.factors(); ++factor)
    resample_ranks(sample.factor_order[static_cast<std::size_t>(factor)], sample.x.col(factor), copies,
                   ranks.col(factor));
  resample_ranks(sample.outcome_order, sample.y, copies, ranks.col(sample.factors()));
  std::vector<bool> constant;
  const StandardizedFit fit = standardized_fit(resample_correlation(ranks, copies, constant), constant);
  Statistics statistics(fit.partial_correlations.data(),
                        fit.partial_correlations.data() + fit.partial_correlations.size());
  statistics.push_back(fit.r_squared);
  return statistics;
}

// ---- PAWN ------------------------------------------------------------------------------------------

// Deals the resample's rows, in `order` of the factor's `values`, into `slices` slices of equal
// count; a run of tied values goes whole into one slice. Returns how many slices are used.
int deal_into_slices(const Order& order, const Eigen::Ref<const Eigen::VectorXd>& values, const Copies& copies,
                     int slices, std::vector<int>& slice_of) {
  const double total = copies.sum();
  slice_of.assign(order.size(), 0);
  int slice = 0;
  double dealt = 0;
  for_each_tie_group(order, values, [&](std::size_t first, std::size_t last) {
    for (std::size_t position = first; position < last; ++position) {
      slice_of[static_cast<std::size_t>(order[position])] = slice;
      dealt += copies[order[position]];
    }
    if (dealt < total && dealt >= (slice + 1) * total / slices - 1e-9) ++slice;
  });
  return slice + 1;
}

// The KS distance between the empirical CDF of y within each slice and that of all y. One sweep
// up y: between a slice's own jumps its CDF is flat while y's rises, so the largest gaps are
// y's CDF just below the slice's next jump and the slice's CDF just after its jump.
std::vector<double> slice_distances(const SortedSample& sample, const Copies& copies, const std::vector<int>& slice_of,
                                    int slices) {
  std::vector<double> size(static_cast<std::size_t>(slices), 0), below(size), distance(size);
  for (std::size_t row = 0; row < slice_of.size(); ++row)
    size[static_cast<std::size_t>(slice_of[row])] += copies[static_cast<Eigen::Index>(row)];
  const double total = copies.sum();
  double all_below = 0;
  const Order& order = sample.outcome_order;
  for_each_tie_group(order, sample.y, [&](std::size_t first, std::size_t last) {
    for (std::size_t position = first; position < last; ++position) {
      const auto slice = static_cast<std::size_t>(slice_of[static_cast<std::size_t>(order[position])]);
      if (copies[order[position]] > 0)
        distance[slice] = std::max(distance[slice], all_below / total - below[slice] / size[slice]);
    }
    for (std::size_t position = first; position < last; ++position) {
      const double drawn = copies[order[position]];
      below[static_cast<std::size_t>(slice_of[static_cast<std::size_t>(order[position])])] += drawn;
      all_below += drawn;
    }
    for (std::size_t position = first; position < last; ++position) {
      const auto slice = static_cast<std::size_t>(slice_of[static_cast<std::size_t>(order[position])]);
      if (copies[order[position]] > 0)
        distance[slice] = std::max(distance[slice], below[slice] / size[slice] - all_below / total);
    }
  });
  return distance;
}

double median(std::vector<double> values) {
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle), values.end());
  if (values.size() % 2 == 1) return values[middle];
  const double upper = values[middle];
  return (upper + *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle))) / 2;
}

// PAWN's median, mean and maximum over the slices of one factor.
std::array<double, 3> pawn_summary(const SortedSample& sample, const Order& order,
                                   const Eigen::Ref<const Eigen::VectorXd>& values, const Copies& copies, int slices,
                                   std::vector<int>& slice_of) {
  const int used = deal_into_slices(order, values, copies, slices, slice_of);
  const std::vector<double> distances = slice_distances(sample, copies, slice_of, used);
  return {median(distances), std::accumulate(distances.begin(), distances.end(), 0.0) / used,
          *std::max_element(distances.begin(), distances.end())};
}

// Per factor: the median, mean and maximum KS distance.
Statistics pawn_statistics(const SortedSample& sample, const Copies& copies, int slices) {
  Statistics statistics;
  std::vector<int> slice_of;
  for (Eigen::Index factor = 0; factor < sample.factors(); ++factor) {
    const auto summary = pawn_summary(sample, sample.factor_order[static_cast<std::size_t>(factor)],
                                      sample.x.col(factor), copies, slices, slice_of);
    statistics.insert(statistics.end(), summary.begin(), summary.end());
  }
  return statistics;
}

// The rows 0..n − 1 in a random order: Fisher–Yates on the given-data stream, with member numbers
// above any bootstrap resample's so that the two never share draws.
void shuffle_rows(std::uint64_t seed, int shuffle, Order& order) {
  std::iota(order.begin(), order.end(), 0);
  const std::uint64_t member = (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(shuffle);
  const std::uint32_t stream = tag_month(StreamTag::given_data_bootstrap);
  for (std::size_t last = order.size() - 1; last > 0; --last) {
    const double u = uniform_draw(seed, member, stream, static_cast<std::uint32_t>(last));
    std::swap(order[last], order[std::min(last, static_cast<std::size_t>(u * static_cast<double>(last + 1)))]);
  }
}

// The median PAWN index of `draws` dummy factors — the rows in a random order, dealt into slices
// like a factor's. Returns the dummies' mean and their `level` quantile.
std::pair<double, double> pawn_null(const SortedSample& sample, int slices, int draws, const Confidence& confidence) {
  if (draws < 1) return {undefined, undefined};
  const Eigen::Index n = sample.rows();
  const Copies copies = Copies::Ones(n);
  Order order(static_cast<std::size_t>(n));
  Eigen::VectorXd position(n);
  std::vector<int> slice_of;
  std::vector<double> medians;
  for (int draw = 0; draw < draws; ++draw) {
    shuffle_rows(confidence.seed, draw, order);
    for (std::size_t place = 0; place < order.size(); ++place) position[order[place]] = static_cast<double>(place);
    medians.push_back(pawn_summary(sample, order, position, copies, slices, slice_of)[0]);
  }
  std::sort(medians.begin(), medians.end());
  const auto upper = static_cast<std::size_t>(
      std::clamp(std::ceil(confidence.level * static_cast<double>(draws)) - 1, 0.0, static_cast<double>(draws - 1)));
  return {std::accumulate(medians.begin(), medians.end(), 0.0) / draws, medians[upper]};
}

// ---- the bootstrap ---------------------------------------------------------------------------------

// `statistics` (a resample's Copies → its statistics) on the sample, then on each resample; the
// point estimates with their half-widths.
template <class Statistic>
std::vector<Estimate> bootstrapped(Eigen::Index n, const Confidence& confidence, Statistic&& statistics) {
  const Statistics point = statistics(Copies::Ones(n));
  std::vector<std::vector<double>> resampled(point.size());
  std::vector<std::size_t> rows;
  Copies copies(n);
  for (int resample = 0; resample < confidence.resamples; ++resample) {
    bootstrap_rows(confidence.seed, StreamTag::given_data_bootstrap, resample, static_cast<std::size_t>(n), rows);
    copies.setZero();
    for (std::size_t row : rows) copies[static_cast<Eigen::Index>(row)] += 1;
    const Statistics values = statistics(copies);
    for (std::size_t statistic = 0; statistic < values.size(); ++statistic)
      resampled[statistic].push_back(values[statistic]);
  }
  std::vector<Estimate> estimates;
  for (std::size_t statistic = 0; statistic < point.size(); ++statistic)
    estimates.push_back({point[statistic], bootstrap_half_width(resampled[statistic], confidence.level)});
  return estimates;
}

bool rbd_fast_defined(Eigen::Index n, int harmonics) { return harmonics >= 1 && n > 2 * harmonics; }

FitMeasures fit_measures(const std::vector<Estimate>& estimates) {
  return {std::vector<Estimate>(estimates.begin(), estimates.end() - 1), estimates.back()};
}

}  // namespace

std::vector<Estimate> rbd_fast_first_order(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                           const Confidence& confidence, int harmonics) {
  require_shapes(x, y);
  if (!rbd_fast_defined(y.size(), harmonics))
    return std::vector<Estimate>(static_cast<std::size_t>(x.cols()), {undefined, undefined});
  const SortedSample sample(x, y);
  const Harmonics basis(y.size(), harmonics);
  return bootstrapped(y.size(), confidence,
                      [&](const Copies& copies) { return rbd_fast_statistics(sample, basis, copies); });
}

FitMeasures standardized_regression(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence) {
  require_shapes(x, y);
  const SortedSample sample(x, y);
  return fit_measures(
      bootstrapped(y.size(), confidence, [&](const Copies& copies) { return src_statistics(sample, copies); }));
}

FitMeasures partial_rank_correlation(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence) {
  require_shapes(x, y);
  const SortedSample sample(x, y);
  return fit_measures(
      bootstrapped(y.size(), confidence, [&](const Copies& copies) { return prcc_statistics(sample, copies); }));
}

PawnMeasures pawn_indices(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Confidence& confidence, int slices,
                          int null_draws) {
  require_shapes(x, y);
  require_slices(slices);
  const SortedSample sample(x, y);
  const std::vector<Estimate> estimates =
      bootstrapped(y.size(), confidence, [&](const Copies& copies) { return pawn_statistics(sample, copies, slices); });
  PawnMeasures measures;
  for (std::size_t factor = 0; factor < static_cast<std::size_t>(x.cols()); ++factor)
    measures.factors.push_back({estimates[3 * factor], estimates[3 * factor + 1], estimates[3 * factor + 2]});
  std::tie(measures.null_median, measures.null_upper) = pawn_null(sample, slices, null_draws, confidence);
  return measures;
}

GivenDataMeasures given_data_measures(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                      const std::vector<std::string>& names, const GivenDataOptions& options) {
  require_shapes(x, y);
  if (names.size() != static_cast<std::size_t>(x.cols()))
    throw std::invalid_argument("given-data measures: " + std::to_string(names.size()) + " names for " +
                                std::to_string(x.cols()) + " factors");
  require_slices(options.slices);
  const auto k = static_cast<std::size_t>(x.cols());
  const SortedSample sample(x, y);
  const bool with_rbd_fast = rbd_fast_defined(y.size(), options.harmonics);
  const Harmonics basis(with_rbd_fast ? y.size() : 0, with_rbd_fast ? options.harmonics : 0);
  // One resample feeds every measure: [S1 ×k][SRC ×k, R²][PRCC ×k, R²][PAWN median, mean, max ×k].
  const std::vector<Estimate> estimates = bootstrapped(y.size(), options.confidence, [&](const Copies& copies) {
    Statistics statistics = with_rbd_fast ? rbd_fast_statistics(sample, basis, copies) : Statistics(k, undefined);
    for (const Statistics& more : {src_statistics(sample, copies), prcc_statistics(sample, copies),
                                   pawn_statistics(sample, copies, options.slices)})
      statistics.insert(statistics.end(), more.begin(), more.end());
    return statistics;
  });
  GivenDataMeasures measures;
  measures.rows = y.size();
  const std::size_t src = k, prcc = 2 * k + 1, pawn = 3 * k + 2;
  for (std::size_t factor = 0; factor < k; ++factor)
    measures.factors.push_back(
        {names[factor],
         estimates[factor],
         estimates[src + factor],
         estimates[prcc + factor],
         {estimates[pawn + 3 * factor], estimates[pawn + 3 * factor + 1], estimates[pawn + 3 * factor + 2]}});
  measures.src_r_squared = estimates[src + k];
  measures.rank_r_squared = estimates[prcc + k];
  std::tie(measures.pawn_null_median, measures.pawn_null_upper) =
      pawn_null(sample, options.slices, options.null_draws, options.confidence);
  return measures;
}

}  // namespace steppe
