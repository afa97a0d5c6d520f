#include "engine/bands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace steppe {

namespace {

// Counts are 32-bit: a month holds at most this many members.
constexpr std::uint64_t max_members = std::numeric_limits<std::uint32_t>::max();

// Members binned per pass: the bin indices of a chunk are computed in one vectorizable loop and
// counted in a second, scalar one (increments of a histogram can collide, so they can't be
// vectorized), with the indices on the stack. A chunk holds a whole block of the runners' default
// size (1008), so that count_bins's local histograms are set up and added up once per block.
constexpr Eigen::Index chunk = 1024;

// Adds one to counts[bin] for each of `size` bins, which lie in [lowest, highest].
// Incrementing the same counter again and again is a chain of dependent loads and stores,
// several cycles each, and members that are alike fall into the same few bins. So they are
// counted into `stripes` local histograms, member i into stripe i mod stripes, breaking the chain
// into independent ones, and added up at the end (only over [lowest, highest], which is all
// that is cleared); a chunk all in one bin is one addition. Histograms of more than `local_bins`
// bins are counted in place.
void count_bins(const std::uint32_t* bins, Eigen::Index size, std::uint32_t lowest, std::uint32_t highest,
                std::uint32_t* counts) {
  constexpr int stripes = 4;
  constexpr std::uint32_t local_bins = 1024;
  if (lowest == highest) {
    counts[lowest] += static_cast<std::uint32_t>(size);
    return;
  }
  if (highest >= local_bins) {
    for (Eigen::Index i = 0; i < size; ++i) ++counts[bins[i]];
    return;
  }
  // The shared counts of a month and slot are touched once per block, long after the last time:
  // they are fetched from the last cache level (or memory) while the local histograms count.
  for (std::uint32_t bin = lowest; bin <= highest; bin += 64 / sizeof(std::uint32_t))
    __builtin_prefetch(counts + bin, 1);
  // Each stripe is padded by a cache line: stripes exactly 4 KiB apart would put the same bin of
  // every stripe at addresses alike in their low 12 bits, which the processor takes for a
  // dependence between one stripe's store and the next one's load.
  std::array<std::array<std::uint32_t, local_bins + 16>, stripes> local;
  for (auto& stripe : local) std::fill(stripe.begin() + lowest, stripe.begin() + highest + 1, 0u);
  Eigen::Index i = 0;
  for (; i + stripes <= size; i += stripes)
    for (int stripe = 0; stripe < stripes; ++stripe) ++local[stripe][bins[i + stripe]];
  for (; i < size; ++i) ++local[0][bins[i]];
  // Over 64-bit bins: with `bin <= highest` in 32 bits the loop might never end (highest =
  // 2^32 − 1), and GCC 12 left it scalar, a tenth of the bands' time.
  const std::size_t end = std::size_t{highest} + 1;
#pragma omp simd
  for (std::size_t bin = lowest; bin < end; ++bin) {
    std::uint32_t total = 0;
    for (const auto& stripe : local) total += stripe[bin];
    counts[bin] += total;
  }
}

double signed_log(double x) { return std::copysign(std::log1p(std::abs(x)), x); }
double signed_exp(double y) { return std::copysign(std::expm1(std::abs(y)), y); }

// A chunk's bins' range and its observed extremes.
struct BinnedChunk {
  double lowest_index, highest_index, lowest_value, highest_value;
};

// Writes the bin of each of `size` values to bin_of, (y(value) − low) · bins_per_unit clamped to
// [0, last_bin], and returns their range and the values' extremes, all in one pass (two passes
// of their own for the extremes had taken a tenth of an ensemble's time). With y the identity
// the loop vectorizes; the signed log is a library call, and its loop runs one value at a time.
template <typename Transform>
BinnedChunk bin_chunk(const double* values, Eigen::Index size, Transform y, double low, double bins_per_unit,
                      double last_bin, std::uint32_t* bin_of) {
  // The bin range is found in doubles: GCC 12 vectorizes an int32 min/max reduction for plain
  // SSE2 with MMX registers and never clears them, which breaks later long-double arithmetic
  // (Boost.Math's) on the same thread. The extremes are written as comparisons: with std::min
  // and std::max, GCC 12 vectorized the loop but the program ran a scalar version of it, and the
  // ensemble at little over half its speed.
  double lowest_index = last_bin, highest_index = 0;
  double lowest_value = std::numeric_limits<double>::infinity(), highest_value = -lowest_value;
#pragma omp simd reduction(min : lowest_index, lowest_value) reduction(max : highest_index, highest_value)
  for (Eigen::Index i = 0; i < size; ++i) {
    const double value = values[i];
    // Clamping sends values beyond the declared range to the end bins; written as `a > b ? a : b`
    // so that a NaN (a model bug, which the conformance tests catch) lands in bin 0 instead of
    // indexing out of bounds.
    double index = (y(value) - low) * bins_per_unit;
    index = index > 0 ? index : 0;
    index = index < last_bin ? index : last_bin;
    bin_of[i] = static_cast<std::uint32_t>(index);
    lowest_index = std::min(lowest_index, index);
    highest_index = std::max(highest_index, index);
    lowest_value = value < lowest_value ? value : lowest_value;
    highest_value = value > highest_value ? value : highest_value;
  }
  return {lowest_index, highest_index, lowest_value, highest_value};
}

}  // namespace

BandHistogram::BandHistogram(const Layout& layout, int months, std::vector<int> slots, int bins)
    : months_(months),
      bins_(bins),
      slots_(std::move(slots)),
      state_slots_(static_cast<Eigen::Index>(layout.state().size())) {
  if (months < 0) throw std::invalid_argument(fmt::format("band histogram over {} months", months));
  if (bins < 1) throw std::invalid_argument(fmt::format("band histogram with {} bins", bins));
  for (const int slot : slots_) {
    if (slot < 0 || slot >= state_slots_)
      throw std::out_of_range(fmt::format("band histogram of state slot {} of {}", slot, state_slots_));
    const VariableDecl& variable = *layout.state()[static_cast<std::size_t>(slot)].decl;
    if (!(variable.max > variable.min))
      throw std::invalid_argument(fmt::format("band histogram of {}: empty range", layout.state_name(slot)));
    Scale scale;
    scale.signed_log = !variable.clipped && variable.max - variable.min > 10;
    const auto y = [&](double x) { return scale.signed_log ? signed_log(x) : x; };
    scale.low = y(variable.min);
    scale.bin_width = (y(variable.max) - scale.low) / bins;
    scale.bins_per_unit = 1 / scale.bin_width;
    scales_.push_back(scale);
  }
  const std::size_t cells = static_cast<std::size_t>(months + 1) * slots_.size();
  counts_.assign(cells * static_cast<std::size_t>(bins), 0);
  minimum_.assign(cells, std::numeric_limits<double>::infinity());
  maximum_.assign(cells, -std::numeric_limits<double>::infinity());
  members_.assign(static_cast<std::size_t>(months + 1), 0);
}

void BandHistogram::check_month(int month) const {
  if (month < 0 || month > months_)
    throw std::out_of_range(fmt::format("month {} of a band histogram over months 0..{}", month, months_));
}

void BandHistogram::add(int month, const MemberArrays& state) {
  check_month(month);
  if (state.cols() != state_slots_)
    throw std::invalid_argument(
        fmt::format("band histogram of {} state slots given a state with {}", state_slots_, state.cols()));
  const auto rows = static_cast<std::uint64_t>(state.rows());
  std::uint64_t& members = members_[static_cast<std::size_t>(month)];
  if (members + rows > max_members)
    throw std::overflow_error(fmt::format("band histogram: more than {} members in month {}", max_members, month));
  if (rows == 0) return;
  members += rows;

  const double last_bin = bins_ - 1;
  std::array<std::uint32_t, chunk> bin_of;
  for (std::size_t position = 0; position < slots_.size(); ++position) {
    const Scale& scale = scales_[position];
    const auto column = state.col(slots_[position]);
    const std::size_t at = cell(month, static_cast<int>(position));
    std::uint32_t* counts = counts_.data() + at * static_cast<std::size_t>(bins_);
    for (Eigen::Index start = 0; start < state.rows(); start += chunk) {
      const Eigen::Index size = std::min(chunk, state.rows() - start);
      const double* values = column.data() + start;
      const auto bin = [&](auto transform) {
        return bin_chunk(values, size, transform, scale.low, scale.bins_per_unit, last_bin, bin_of.data());
      };
      const BinnedChunk binned =
          scale.signed_log ? bin([](double x) { return signed_log(x); }) : bin([](double x) { return x; });
      minimum_[at] = std::min(minimum_[at], binned.lowest_value);
      maximum_[at] = std::max(maximum_[at], binned.highest_value);
      const auto lowest = static_cast<std::uint32_t>(binned.lowest_index),
                 highest = static_cast<std::uint32_t>(binned.highest_index);
      count_bins(bin_of.data(), size, lowest, highest, counts);
    }
  }
}

void BandHistogram::merge(const BandHistogram& other) {
  if (months_ != other.months_ || bins_ != other.bins_ || slots_ != other.slots_ || scales_ != other.scales_ ||
      state_slots_ != other.state_slots_)
    throw std::invalid_argument("merging band histograms of different months, slots or bins");
  // Checked for every month before anything changes, so a failed merge leaves this one intact.
  for (std::size_t month = 0; month < members_.size(); ++month)
    if (members_[month] + other.members_[month] > max_members)
      throw std::overflow_error(fmt::format("band histogram: more than {} members in month {}", max_members, month));
  for (std::size_t month = 0; month < members_.size(); ++month) members_[month] += other.members_[month];
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  for (std::size_t i = 0; i < minimum_.size(); ++i) {
    minimum_[i] = std::min(minimum_[i], other.minimum_[i]);
    maximum_[i] = std::max(maximum_[i], other.maximum_[i]);
  }
}

double BandHistogram::order_statistic(int month, int slot_position, std::uint64_t rank) const {
  const std::size_t at = cell(month, slot_position);
  const std::uint64_t members = members_[static_cast<std::size_t>(month)];
  // The extremes are known exactly.
  if (rank == 0) return minimum_[at];
  if (rank + 1 == members) return maximum_[at];

  const Scale& scale = scales_[static_cast<std::size_t>(slot_position)];
  const std::uint32_t* counts = counts_.data() + at * static_cast<std::size_t>(bins_);
  std::uint64_t before = 0;  // members in the bins below `bin`
  int bin = 0;
  while (before + counts[bin] <= rank) before += counts[bin++];

  // The bin's edges in y, narrowed to the observed extremes; the end bins hold everything beyond
  // the declared range, so they reach out to the extremes.
  const double y_min = scale.signed_log ? signed_log(minimum_[at]) : minimum_[at];
  const double y_max = scale.signed_log ? signed_log(maximum_[at]) : maximum_[at];
  const double lower = bin == 0 ? y_min : std::clamp(scale.low + bin * scale.bin_width, y_min, y_max);
  const double upper = bin == bins_ - 1 ? y_max : std::clamp(scale.low + (bin + 1) * scale.bin_width, y_min, y_max);
  // The bin's members spread evenly over it, each at the middle of its share.
  const double share = (static_cast<double>(rank - before) + 0.5) / counts[bin];
  const double y = lower + share * (upper - lower);
  // Clamped again because signed_exp(signed_log(x)) need not round-trip exactly.
  return std::clamp(scale.signed_log ? signed_exp(y) : y, minimum_[at], maximum_[at]);
}

double BandHistogram::quantile(int month, int slot_position, double q) const {
  check_month(month);
  if (slot_position < 0 || static_cast<std::size_t>(slot_position) >= slots_.size())
    throw std::out_of_range(
        fmt::format("slot position {} of a band histogram of {} slots", slot_position, slots_.size()));
  if (!(q >= 0 && q <= 1)) throw std::out_of_range(fmt::format("quantile {} outside [0, 1]", q));
  const std::uint64_t members = members_[static_cast<std::size_t>(month)];
  if (members == 0) return std::numeric_limits<double>::quiet_NaN();

  // Type 7: interpolate between the order statistics around rank q·(N − 1).
  const double rank = q * static_cast<double>(members - 1);
  const double below = std::floor(rank);
  const auto lower_rank = static_cast<std::uint64_t>(below);
  const double lower = order_statistic(month, slot_position, lower_rank);
  const double fraction = rank - below;
  if (fraction == 0) return lower;
  return lower + fraction * (order_statistic(month, slot_position, lower_rank + 1) - lower);
}

std::size_t BandHistogram::bytes() const {
  return sizeof(*this) + counts_.size() * sizeof(std::uint32_t) + (minimum_.size() + maximum_.size()) * sizeof(double) +
         members_.size() * sizeof(std::uint64_t) + scales_.size() * sizeof(Scale) + slots_.size() * sizeof(int);
}

std::size_t BandHistogram::bytes_for(int months, std::size_t slots, int bins) {
  const auto cells = static_cast<std::size_t>(months + 1) * slots;
  return sizeof(BandHistogram) + cells * static_cast<std::size_t>(bins) * sizeof(std::uint32_t) +
         2 * cells * sizeof(double) + static_cast<std::size_t>(months + 1) * sizeof(std::uint64_t) +
         slots * (sizeof(Scale) + sizeof(int));
}

ValueExtremes::ValueExtremes(int months, std::vector<int> slots)
    : months_(months),
      slots_(std::move(slots)),
      minimum_(static_cast<std::size_t>(months + 1) * slots_.size(), std::numeric_limits<double>::infinity()),
      maximum_(minimum_.size(), -std::numeric_limits<double>::infinity()) {}

void ValueExtremes::add(int month, const MemberArrays& state) {
  if (month < 0 || month > months_)
    throw std::out_of_range(fmt::format("month {} of value extremes over months 0..{}", month, months_));
  for (std::size_t position = 0; position < slots_.size(); ++position) {
    const double* values = state.col(slots_[position]).data();
    const std::size_t at = cell(month, static_cast<int>(position));
    double lowest = minimum_[at], highest = maximum_[at];
    // Comparisons rather than std::min and std::max, as in bin_chunk, so that the loop vectorizes.
#pragma omp simd reduction(min : lowest) reduction(max : highest)
    for (Eigen::Index member = 0; member < state.rows(); ++member) {
      lowest = values[member] < lowest ? values[member] : lowest;
      highest = values[member] > highest ? values[member] : highest;
    }
    minimum_[at] = lowest;
    maximum_[at] = highest;
  }
}

void ValueExtremes::merge(const ValueExtremes& other) {
  if (months_ != other.months_ || slots_ != other.slots_)
    throw std::invalid_argument("merging value extremes of different months or slots");
  for (std::size_t i = 0; i < minimum_.size(); ++i) {
    minimum_[i] = std::min(minimum_[i], other.minimum_[i]);
    maximum_[i] = std::max(maximum_[i], other.maximum_[i]);
  }
}

}  // namespace steppe
