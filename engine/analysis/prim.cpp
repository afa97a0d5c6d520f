#include "engine/analysis/prim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/analysis/resampling.hpp"

namespace steppe {

namespace {

using Rows = std::vector<Eigen::Index>;

void validate(const PrimCases& cases) {
  const Eigen::Index dimensions = cases.inputs.cols();
  if (static_cast<Eigen::Index>(cases.categories.size()) != dimensions)
    throw std::invalid_argument(
        fmt::format("prim: {} categories for {} dimensions", cases.categories.size(), dimensions));
  if (static_cast<Eigen::Index>(cases.of_interest.size()) != cases.inputs.rows())
    throw std::invalid_argument(
        fmt::format("prim: {} flags of interest for {} cases", cases.of_interest.size(), cases.inputs.rows()));
  if (cases.inputs.rows() == 0 || dimensions == 0) throw std::invalid_argument("prim: no cases or no dimensions");
  for (Eigen::Index d = 0; d < dimensions; ++d)
    for (Eigen::Index row = 0; row < cases.inputs.rows(); ++row) {
      const double value = cases.inputs(row, d);
      if (!std::isfinite(value))
        throw std::invalid_argument(fmt::format("prim: case {} dimension {} is not finite", row, d));
      const int count = cases.categories[static_cast<std::size_t>(d)];
      if (count > 0 && (value != std::floor(value) || value < 0 || value >= count))
        throw std::invalid_argument(fmt::format("prim: case {} dimension {}: {} is no category code", row, d, value));
    }
}

// The cases inside the box with limits `limits`, optionally ignoring dimension `skipped`.
Rows members(const PrimCases& cases, const std::vector<PrimLimit>& limits, Eigen::Index skipped = -1) {
  Rows rows;
  for (Eigen::Index row = 0; row < cases.inputs.rows(); ++row) {
    bool inside = true;
    for (Eigen::Index d = 0; d < cases.inputs.cols() && inside; ++d)
      inside = d == skipped || limits[static_cast<std::size_t>(d)].contains(cases.inputs(row, d));
    if (inside) rows.push_back(row);
  }
  return rows;
}

std::int64_t count_of_interest(const PrimCases& cases, const Rows& rows) {
  std::int64_t count = 0;
  for (const Eigen::Index row : rows) count += cases.of_interest[static_cast<std::size_t>(row)] ? 1 : 0;
  return count;
}

std::int64_t total_of_interest(const PrimCases& cases) {
  return std::count(cases.of_interest.begin(), cases.of_interest.end(), true);
}

bool limit_restricts(const PrimLimit& limit, const PrimLimit& first) {
  if (!first.kept.empty()) return limit.kept != first.kept;
  return limit.lower > first.lower || limit.upper < first.upper;
}

int restricted_count(const std::vector<PrimLimit>& limits, const PrimBox& first) {
  int count = 0;
  for (std::size_t d = 0; d < limits.size(); ++d) count += limit_restricts(limits[d], first.limits[d]) ? 1 : 0;
  return count;
}

// A box's statistics from its limits and the cases inside it.
PrimBox described(const PrimCases& cases, std::vector<PrimLimit> limits, const Rows& inside, const PrimBox& first) {
  PrimBox box;
  box.limits = std::move(limits);
  box.cases = static_cast<std::int64_t>(inside.size());
  box.of_interest = count_of_interest(cases, inside);
  const std::int64_t all_of_interest = total_of_interest(cases);
  box.coverage = all_of_interest ? static_cast<double>(box.of_interest) / static_cast<double>(all_of_interest) : 0;
  box.density = box.cases ? static_cast<double>(box.of_interest) / static_cast<double>(box.cases) : 0;
  box.mass = static_cast<double>(box.cases) / static_cast<double>(cases.inputs.rows());
  box.restricted = first.limits.empty() ? 0 : restricted_count(box.limits, first);
  return box;
}

PrimBox first_box(const PrimCases& cases) {
  std::vector<PrimLimit> limits(static_cast<std::size_t>(cases.inputs.cols()));
  for (Eigen::Index d = 0; d < cases.inputs.cols(); ++d) {
    PrimLimit& limit = limits[static_cast<std::size_t>(d)];
    limit.lower = cases.inputs.col(d).minCoeff();
    limit.upper = cases.inputs.col(d).maxCoeff();
    if (const int count = cases.categories[static_cast<std::size_t>(d)]; count > 0) {
      limit.kept.assign(static_cast<std::size_t>(count), false);
      for (Eigen::Index row = 0; row < cases.inputs.rows(); ++row)
        limit.kept[static_cast<std::size_t>(cases.inputs(row, d))] = true;
    }
  }
  Rows all(static_cast<std::size_t>(cases.inputs.rows()));
  for (std::size_t row = 0; row < all.size(); ++row) all[row] = static_cast<Eigen::Index>(row);
  return described(cases, std::move(limits), all, {});
}

// The quantile of sdtoolkit and EMA Workbench: interpolated at (n - 1) × q, but always halfway
// between two distinct values, so that a peel at the lower quantile removes at least one value
// and a peel at the upper one too (ties otherwise make peels that remove nothing).
double separating_quantile(std::vector<double> values, double quantile) {
  const double position = static_cast<double>(values.size() - 1) * quantile;
  const auto lower_index = static_cast<std::ptrdiff_t>(std::floor(position));
  const auto upper_index = static_cast<std::ptrdiff_t>(std::ceil(position));
  std::nth_element(values.begin(), values.begin() + lower_index, values.end());
  double low = values[static_cast<std::size_t>(lower_index)];
  std::nth_element(values.begin(), values.begin() + upper_index, values.end());
  double high = values[static_cast<std::size_t>(upper_index)];
  if (low == high) {
    if (quantile > 0.5) {  // step down to the largest value below
      for (const double value : values)
        if (value < high && (low == high || value > low)) low = value;
    } else {  // step up to the smallest value above
      for (const double value : values)
        if (value > low && (high == low || value < high)) high = value;
    }
  }
  return (low + high) / 2;
}

// EMA Workbench's "lenient1": the change in density per case removed (peeling) or added
// (pasting). Unlike Friedman & Fisher's original it does not favour peeling whole categories.
double lenient_objective(std::int64_t cases_before, std::int64_t of_interest_before, std::int64_t cases_after,
                         std::int64_t of_interest_after) {
  const double density_before = static_cast<double>(of_interest_before) / static_cast<double>(cases_before);
  const double density_after =
      cases_after ? static_cast<double>(of_interest_after) / static_cast<double>(cases_after) : 0;
  if (cases_after == cases_before) return 0;
  return (density_after - density_before) / static_cast<double>(std::abs(cases_after - cases_before));
}

// A candidate new box: its limits, and the cases inside it.
struct Candidate {
  std::vector<PrimLimit> limits;
  Rows inside;
  std::int64_t of_interest = 0;
  double objective = 0;
  int restricted = 0;
};

// The best of the candidates: the largest objective, ties to the box restricting fewer
// dimensions, then to the first (dimensions in order, lower limit before upper).
struct Best {
  bool found = false;
  Candidate candidate;
  void consider(Candidate next) {
    if (!found || next.objective > candidate.objective ||
        (next.objective == candidate.objective && next.restricted < candidate.restricted)) {
      candidate = std::move(next);
      found = true;
    }
  }
};

Candidate candidate_of(const PrimCases& cases, const PrimBox& first, const PrimBox& box, std::vector<PrimLimit> limits,
                       Rows inside) {
  Candidate candidate;
  candidate.of_interest = count_of_interest(cases, inside);
  candidate.objective =
      lenient_objective(box.cases, box.of_interest, static_cast<std::int64_t>(inside.size()), candidate.of_interest);
  candidate.restricted = restricted_count(limits, first);
  candidate.limits = std::move(limits);
  candidate.inside = std::move(inside);
  return candidate;
}

// The rows of `rows` whose value on `dimension` the limit contains.
Rows kept_rows(const PrimCases& cases, const Rows& rows, Eigen::Index dimension, const PrimLimit& limit) {
  Rows kept;
  for (const Eigen::Index row : rows)
    if (limit.contains(cases.inputs(row, dimension))) kept.push_back(row);
  return kept;
}

// The best single peel of `box` (whose cases are `inside`).
Best best_peel(const PrimCases& cases, const PrimBox& first, const PrimBox& box, const Rows& inside,
               const PrimOptions& options) {
  Best best;
  for (Eigen::Index d = 0; d < cases.inputs.cols(); ++d) {
    const PrimLimit& limit = box.limits[static_cast<std::size_t>(d)];
    std::vector<PrimLimit> limits = box.limits;
    PrimLimit& peeled = limits[static_cast<std::size_t>(d)];
    if (!limit.kept.empty()) {
      if (std::count(limit.kept.begin(), limit.kept.end(), true) < 2) continue;
      for (std::size_t category = 0; category < limit.kept.size(); ++category) {
        if (!limit.kept[category]) continue;
        peeled = limit;
        peeled.kept[category] = false;
        best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, inside, d, peeled)));
      }
      continue;
    }
    std::vector<double> values;
    values.reserve(inside.size());
    for (const Eigen::Index row : inside) values.push_back(cases.inputs(row, d));
    peeled = limit;
    peeled.lower = separating_quantile(values, options.peel_alpha);
    best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, inside, d, peeled)));
    peeled = limit;
    peeled.upper = separating_quantile(values, 1 - options.peel_alpha);
    best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, inside, d, peeled)));
  }
  return best;
}

// The best single paste of `box`.
Best best_paste(const PrimCases& cases, const PrimBox& first, const PrimBox& box, const PrimOptions& options) {
  Best best;
  for (Eigen::Index d = 0; d < cases.inputs.cols(); ++d) {
    const std::size_t dimension = static_cast<std::size_t>(d);
    if (!restricts(box, first, dimension)) continue;
    const PrimLimit& limit = box.limits[dimension];
    const PrimLimit& widest = first.limits[dimension];
    // The cases inside every other limit: those a wider limit on this dimension would let in.
    const Rows beside = members(cases, box.limits, d);
    std::vector<PrimLimit> limits = box.limits;
    PrimLimit& pasted = limits[dimension];
    if (!limit.kept.empty()) {
      for (std::size_t category = 0; category < limit.kept.size(); ++category) {
        if (limit.kept[category] || !widest.kept[category]) continue;
        pasted = limit;
        pasted.kept[category] = true;
        best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, beside, d, pasted)));
      }
      continue;
    }
    std::vector<double> below, above;
    for (const Eigen::Index row : beside) {
      const double value = cases.inputs(row, d);
      if (value <= limit.lower) below.push_back(value);
      if (value >= limit.upper) above.push_back(value);
    }
    if (limit.lower > widest.lower) {
      pasted = limit;
      pasted.lower =
          below.empty() ? widest.lower : std::min(limit.lower, separating_quantile(below, 1 - options.paste_alpha));
      best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, beside, d, pasted)));
    }
    if (limit.upper < widest.upper) {
      pasted = limit;
      pasted.upper =
          above.empty() ? widest.upper : std::max(limit.upper, separating_quantile(above, options.paste_alpha));
      best.consider(candidate_of(cases, first, box, limits, kept_rows(cases, beside, d, pasted)));
    }
  }
  return best;
}

std::size_t knee_of(const std::vector<PrimBox>& trajectory) {
  const std::size_t last = trajectory.size() - 1;
  if (trajectory.size() < 3) return last;
  const double coverage_span = trajectory.front().coverage - trajectory.back().coverage;
  const double density_span = trajectory.back().density - trajectory.front().density;
  if (coverage_span <= 0 || density_span <= 0) return last;
  std::size_t knee = last;
  double farthest = 0;
  for (std::size_t index = 1; index < last; ++index) {
    // In the normalized plane the chord is x + y = 1; beyond it, x + y - 1 is proportional to
    // the distance from it.
    const double beyond = (trajectory[index].coverage - trajectory.back().coverage) / coverage_span +
                          (trajectory[index].density - trajectory.front().density) / density_span - 1;
    if (beyond > farthest) {
      farthest = beyond;
      knee = index;
    }
  }
  return knee;
}

std::size_t closest(const std::vector<PrimBox>& trajectory, double PrimBox::*measure, double target) {
  std::size_t best = 0;
  for (std::size_t index = 1; index < trajectory.size(); ++index)
    if (std::abs(trajectory[index].*measure - target) < std::abs(trajectory[best].*measure - target)) best = index;
  return best;
}

}  // namespace

bool PrimLimit::contains(double value) const {
  if (kept.empty()) return value >= lower && value <= upper;
  const auto code = static_cast<std::size_t>(value);
  return code < kept.size() && kept[code];
}

bool PrimBox::contains(const Eigen::MatrixXd& inputs, Eigen::Index row) const {
  for (Eigen::Index d = 0; d < inputs.cols(); ++d)
    if (!limits[static_cast<std::size_t>(d)].contains(inputs(row, d))) return false;
  return true;
}

bool restricts(const PrimBox& box, const PrimBox& first, std::size_t dimension) {
  return limit_restricts(box.limits[dimension], first.limits[dimension]);
}

PrimResult prim(const PrimCases& cases, const PrimOptions& options) {
  validate(cases);
  PrimResult result;
  const PrimBox first = first_box(cases);
  result.trajectory.push_back(first);
  Rows inside = members(cases, first.limits);
  while (true) {
    const PrimBox& box = result.trajectory.back();
    Best best = best_peel(cases, first, box, inside, options);
    const auto cases_after = static_cast<std::int64_t>(best.candidate.inside.size());
    const double mass_after = static_cast<double>(cases_after) / static_cast<double>(cases.inputs.rows());
    if (!best.found || best.candidate.objective <= 0 || cases_after >= box.cases || mass_after < options.mass_min)
      break;
    inside = std::move(best.candidate.inside);
    result.trajectory.push_back(described(cases, std::move(best.candidate.limits), inside, first));
  }
  result.knee = knee_of(result.trajectory);
  return result;
}

PrimBox paste(const PrimCases& cases, const PrimResult& result, std::size_t index, const PrimOptions& options) {
  validate(cases);
  const PrimBox& first = result.trajectory.front();
  PrimBox box = result.trajectory.at(index);
  while (true) {
    Best best = best_paste(cases, first, box, options);
    const auto cases_after = static_cast<std::int64_t>(best.candidate.inside.size());
    if (!best.found || best.candidate.objective <= 0 || cases_after <= box.cases) break;
    box = described(cases, std::move(best.candidate.limits), best.candidate.inside, first);
  }
  return box;
}

std::vector<double> quasi_p_values(const PrimCases& cases, const PrimBox& first, const PrimBox& box) {
  validate(cases);
  std::vector<double> values(first.limits.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t d = 0; d < values.size(); ++d) {
    if (!restricts(box, first, d)) continue;
    std::vector<PrimLimit> wider = box.limits;
    wider[d] = first.limits[d];
    const Rows inside = members(cases, wider);
    const double density = static_cast<double>(count_of_interest(cases, inside)) /
                           static_cast<double>(std::max<std::size_t>(inside.size(), 1));
    if (box.of_interest == 0 || density >= 1) {
      values[d] = 1;
      continue;
    }
    const boost::math::binomial_distribution<double> chance(static_cast<double>(box.cases), density);
    values[d] = boost::math::cdf(boost::math::complement(chance, static_cast<double>(box.of_interest - 1)));
  }
  return values;
}

PrimResampling resample_prim(const PrimCases& cases, const PrimBox& box, const PrimOptions& options, int resamples,
                             std::uint64_t seed) {
  validate(cases);
  const auto dimensions = static_cast<std::size_t>(cases.inputs.cols());
  PrimResampling resampling{resamples, std::vector<double>(dimensions, 0), std::vector<double>(dimensions, 0)};
  std::vector<int> at_coverage(dimensions, 0), at_density(dimensions, 0);
  std::vector<std::size_t> rows;
  PrimCases resample{Eigen::MatrixXd(cases.inputs.rows(), cases.inputs.cols()), cases.categories,
                     std::vector<bool>(cases.of_interest.size())};
  for (int r = 0; r < resamples; ++r) {
    bootstrap_rows(seed, StreamTag::prim_resampling, r, cases.of_interest.size(), rows);
    for (std::size_t row = 0; row < rows.size(); ++row) {
      resample.inputs.row(static_cast<Eigen::Index>(row)) = cases.inputs.row(static_cast<Eigen::Index>(rows[row]));
      resample.of_interest[row] = cases.of_interest[rows[row]];
    }
    const PrimResult result = prim(resample, options);
    const PrimBox& first = result.trajectory.front();
    const PrimBox& by_coverage = result.trajectory[closest(result.trajectory, &PrimBox::coverage, box.coverage)];
    const PrimBox& by_density = result.trajectory[closest(result.trajectory, &PrimBox::density, box.density)];
    for (std::size_t d = 0; d < dimensions; ++d) {
      at_coverage[d] += restricts(by_coverage, first, d) ? 1 : 0;
      at_density[d] += restricts(by_density, first, d) ? 1 : 0;
    }
  }
  for (std::size_t d = 0; d < dimensions && resamples > 0; ++d) {
    resampling.restricted_at_coverage[d] = static_cast<double>(at_coverage[d]) / resamples;
    resampling.restricted_at_density[d] = static_cast<double>(at_density[d]) / resamples;
  }
  return resampling;
}

}  // namespace steppe
