#include "engine/ensemble.hpp"

#include <immintrin.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "engine/observers.hpp"
#include "engine/threads.hpp"

namespace steppe {

namespace {

constexpr double fraction_scale = 72057594037927936.0;  // 2^56
constexpr double whole_limit = 9223372036854775807.0;   // 2^63: the whole part fits an int64
// Members are summed in 64-bit integers before the 128-bit totals, which the vectorizer turns
// into packed integer adds. Most values are shares, below 2 in magnitude: a block's column of
// them is summed in one pass (small_fixed_point_sum). Other columns are summed 64 values at a
// time (a multiple of the vector width, so no run ends in a scalar remainder), each value split
// into its whole part and fraction, which 64 values below 2^55 cannot overflow; larger values
// (an arms race) are added one by one into the 128-bit totals, and those of 2^63 and more
// (whole numbers) into wide integer sums.
// Every way gives each value's exact multiple of 2^-56, so the totals do not depend on which
// runs took which way, and neither does the mean (Sum::canonical).
constexpr Eigen::Index members_per_partial_sum = 64;
constexpr double small_limit = 2.0;
constexpr double partial_sum_limit = 36028797018963968.0;  // 2^55

// The whole parts and the fractions (in units of 2^-56) of `count` values, summed, and the
// largest magnitude among them (a NaN counts as 2^63). Values are clamped to ±2^55 before they
// are converted, so the conversions are always defined; the sums are only used when the
// largest magnitude shows that nothing was clamped.
struct FixedPointSum {
  std::int64_t whole = 0, fraction = 0;
  double largest = 0;
};
FixedPointSum fixed_point_sum(const double* values, Eigen::Index count) {
  std::int64_t whole_sum = 0, fraction_sum = 0;
  double largest = 0;
#pragma omp simd reduction(+ : whole_sum, fraction_sum) reduction(max : largest)
  for (Eigen::Index member = 0; member < count; ++member) {
    const double value = values[member];
    largest = std::max(largest, value == value ? std::abs(value) : whole_limit);
    double safe = value > -partial_sum_limit ? value : -partial_sum_limit;
    safe = safe < partial_sum_limit ? safe : partial_sum_limit;
    const double whole = std::trunc(safe);  // value − whole is exact, so is the scaling
    whole_sum += static_cast<std::int64_t>(whole);
    fraction_sum += static_cast<std::int64_t>((safe - whole) * fraction_scale);
  }
  return {whole_sum, fraction_sum, largest};
}

// The sum of trunc(value · 2^56) over `count` values (at most 2^31), when all are below 2 in
// magnitude (and none is a NaN); nullopt otherwise. Each product X = value · 2^56 is split as
// X = high · 2^31 + low with high = trunc(X / 2^31) and |low| < 2^31, both exact in doubles and
// converted to 32-bit integers (packed conversions on any x86-64 vector unit), so that one pass
// sums a whole block's column: trunc(X) = high · 2^31 + trunc(low) for either sign, and 2^31
// values cannot overflow either 64-bit sum. Values beyond are replaced by 0 before the
// conversions, so that they are always defined.
std::optional<__int128> small_fixed_point_sum(const double* values, Eigen::Index count) {
#ifdef __AVX512DQ__
  // AVX-512 converts doubles to 64-bit integers: trunc(X) in one conversion, half the work of
  // the split below (which gives the same integers). |X| < 2^57, so each of the eight lanes sums
  // at most 32 values (< 2^62) before the lanes are added to the 128-bit total. Written with
  // intrinsics: GCC 12 left the loop scalar when the lanes' sums were written as an array.
  constexpr int lanes = 8, values_per_lane = 32;
  const __m512d limit = _mm512_set1_pd(small_limit), scale = _mm512_set1_pd(fraction_scale);
  __mmask8 outside = 0;
  __int128 total = 0;
  Eigen::Index member = 0;
  while (member + lanes <= count) {
    __m512i sums = _mm512_setzero_si512();
    for (int round = 0; round < values_per_lane && member + lanes <= count; ++round, member += lanes) {
      const __m512d value = _mm512_loadu_pd(values + member);
      const __mmask8 small = _mm512_cmp_pd_mask(_mm512_abs_pd(value), limit, _CMP_LT_OQ);  // false for NaN
      outside |= static_cast<__mmask8>(~small);
      sums = _mm512_add_epi64(sums, _mm512_maskz_cvttpd_epi64(small, _mm512_mul_pd(value, scale)));
    }
    alignas(64) std::array<std::int64_t, lanes> lane_sums;
    _mm512_store_si512(lane_sums.data(), sums);
    for (const std::int64_t sum : lane_sums) total += sum;
  }
  for (; member < count; ++member) {
    const double value = values[member];
    if (!(std::abs(value) < small_limit)) return std::nullopt;
    total += static_cast<std::int64_t>(value * fraction_scale);
  }
  if (outside != 0) return std::nullopt;
  return total;
#else
  constexpr double high_scale = 33554432.0, low_scale = 2147483648.0;  // 2^(56 − 31), 2^31
  std::int64_t high_sum = 0, low_sum = 0, outside = 0;
#pragma omp simd reduction(+ : high_sum, low_sum, outside)
  for (Eigen::Index member = 0; member < count; ++member) {
    const double value = values[member];
    const bool small = std::abs(value) < small_limit;
    const double scaled = (small ? value : 0.0) * high_scale;  // X / 2^31, exact
    const double high = std::trunc(scaled);
    high_sum += static_cast<std::int32_t>(high);
    low_sum += static_cast<std::int32_t>((scaled - high) * low_scale);  // the difference is exact
    outside += small ? 0 : 1;
  }
  if (outside > 0) return std::nullopt;
  return static_cast<__int128>(high_sum) * (std::int64_t{1} << 31) + low_sum;
#endif
}

}  // namespace

MeanAccumulator::MeanAccumulator(int months, std::size_t slots)
    : slots_(slots), sums_(static_cast<std::size_t>(months + 1) * slots) {}

int MeanAccumulator::add(int month, const std::vector<int>& slots, const MemberArrays& state) {
  const std::size_t first_cell = static_cast<std::size_t>(month) * slots_;
  Sum* row = sums_.data() + first_cell;
  const Eigen::Index members = state.rows();
  for (std::size_t position = 0; position < slots.size(); ++position) {
    const double* values = state.col(slots[position]).data();
    Sum& sum = row[position];
    if (const auto small = small_fixed_point_sum(values, members)) {
      sum.fraction += *small;
      continue;
    }
    for (Eigen::Index first = 0; first < members; first += members_per_partial_sum) {
      const Eigen::Index count = std::min(members_per_partial_sum, members - first);
      const FixedPointSum run = fixed_point_sum(values + first, count);
      if (run.largest < partial_sum_limit) {
        sum.whole += run.whole;
        sum.fraction += run.fraction;
        continue;
      }
      // Large values (an arms race), or one that is not finite: one by one.
      for (Eigen::Index member = first; member < first + count; ++member) {
        const double value = values[member];
        if (!std::isfinite(value)) return static_cast<int>(position);
        if (std::abs(value) >= whole_limit) {
          if (wide_.empty()) wide_.resize(sums_.size());
          wide_[first_cell + position].add(value);
          continue;
        }
        const double whole = std::trunc(value);
        sum.whole += static_cast<std::int64_t>(whole);
        sum.fraction += static_cast<std::int64_t>((value - whole) * fraction_scale);
      }
    }
  }
  return -1;
}

void MeanAccumulator::merge(const MeanAccumulator& other) {
  for (std::size_t index = 0; index < sums_.size(); ++index) {
    sums_[index].whole += other.sums_[index].whole;
    sums_[index].fraction += other.sums_[index].fraction;
  }
  if (other.wide_.empty()) return;
  if (wide_.empty()) wide_.resize(sums_.size());
  for (std::size_t index = 0; index < wide_.size(); ++index) wide_[index].add(other.wide_[index]);
}

double MeanAccumulator::mean(int month, std::size_t slot_position, std::int64_t members) const {
  if (members == 0) return std::nan("");
  const std::size_t cell = static_cast<std::size_t>(month) * slots_ + slot_position;
  const Sum sum = sums_[cell].canonical();
  const auto count = static_cast<double>(members);
  const double mean =
      static_cast<double>(sum.whole) / count + static_cast<double>(sum.fraction) / fraction_scale / count;
  if (wide_.empty()) return mean;
  return static_cast<double>(wide_[cell].value() / static_cast<long double>(members) + mean);
}

void MeanAccumulator::WideSum::add(double value) {
  // |value| = fraction · 2^exponent with fraction in [0.5, 1): a 53-bit whole mantissa shifted
  // left by exponent − 53, at least 11 bits as |value| ≥ 2^63.
  int exponent = 0;
  const double fraction = std::frexp(std::abs(value), &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  const int shift = exponent - 53;
  WideSum addend;
  const auto word = static_cast<std::size_t>(shift / 64);
  const int bit = shift % 64;
  addend.words[word] = mantissa << bit;
  if (bit > 0) addend.words[word + 1] = mantissa >> (64 - bit);
  if (value < 0) addend.negate();
  add(addend);
}

void MeanAccumulator::WideSum::negate() {  // two's complement: every bit inverted, plus one
  bool carry = true;
  for (std::uint64_t& word : words) {
    word = ~word + (carry ? 1 : 0);
    carry = carry && word == 0;
  }
}

void MeanAccumulator::WideSum::add(const WideSum& other) {
  std::uint64_t carry = 0;
  for (std::size_t index = 0; index < words.size(); ++index) {
    const std::uint64_t partial = words[index] + other.words[index];
    const std::uint64_t total = partial + carry;
    carry = (partial < words[index]) + (total < partial);
    words[index] = total;
  }
}

long double MeanAccumulator::WideSum::value() const {
  WideSum magnitude = *this;
  const bool negative = words.back() >> 63;
  if (negative) magnitude.negate();
  long double total = 0;
  for (auto word = magnitude.words.rbegin(); word != magnitude.words.rend(); ++word)
    total = total * 18446744073709551616.0L + static_cast<long double>(*word);  // · 2^64
  return negative ? -total : total;
}

std::vector<int> band_slots(const Scenario& scenario, BandSelection selection) {
  const Layout& layout = *scenario.layout;
  const auto& panels = layout.declaration().chart_panels;
  std::vector<int> slots;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
    if (layout.state()[slot].decl->internal) continue;
    const bool charted = std::any_of(panels.begin(), panels.end(), [&](const ChartPanelDecl& panel) {
      return panel.variable == layout.state()[slot].variable;
    });
    if (selection == BandSelection::all || charted) slots.push_back(static_cast<int>(slot));
  }
  return slots;
}

namespace {

// The non-internal slots that are not banded.
std::vector<int> unbanded_slots(const Scenario& scenario, const std::vector<int>& banded) {
  std::vector<int> slots;
  const auto& state = scenario.layout->state();
  for (int slot = 0; slot < static_cast<int>(state.size()); ++slot)
    if (!state[static_cast<std::size_t>(slot)].decl->internal &&
        std::find(banded.begin(), banded.end(), slot) == banded.end())
      slots.push_back(slot);
  return slots;
}

// Of `slots`, the unclipped ones: those not banded keep only their extremes, for the range check.
std::vector<int> unclipped_slots(const Scenario& scenario, std::vector<int> slots) {
  const auto& state = scenario.layout->state();
  std::erase_if(slots, [&](int slot) { return state[static_cast<std::size_t>(slot)].decl->clipped; });
  return slots;
}

// Runs the members of `run` again, checking `slots` every month, and throws NonFiniteState for
// the first month and slot that is not finite (the state's last month when every earlier one
// is).
[[noreturn]] void throw_first_non_finite(std::shared_ptr<const Scenario> scenario, RunOptions run,
                                         std::shared_ptr<const Kernel> kernel, const std::vector<int>& slots) {
  struct Check final : Observer {
    const Scenario& scenario;
    const std::vector<int>& slots;
    Check(const Scenario& c, const std::vector<int>& s) : scenario(c), slots(s) {}
    void observe(int month, const MemberArrays& state) override {
      for (const int slot : slots)
        if (!state.col(slot).allFinite()) throw NonFiniteState(scenario, slot, month);
    }
  } check(*scenario, slots);
  Simulation again(scenario, run, std::move(kernel));
  again.run(&check);
  throw std::logic_error("a block ran non-finite once and finite again");
}

// The lever slots the scenario's further policies (its controllers) set, in slot order.
std::vector<int> controlled_lever_slots(const Scenario& scenario) {
  std::vector<int> slots;
  for (const auto& policy : scenario.lever_policies)
    for (const int slot : policy->controlled_levers()) slots.push_back(slot);
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

}  // namespace

EnsembleFootprint ensemble_footprint(const Scenario& scenario, const EnsembleOptions& options) {
  const Layout& layout = *scenario.layout;
  const auto months = static_cast<std::size_t>(scenario.months + 1);
  const std::vector<int> banded = band_slots(scenario, options.bands);
  const std::size_t state = layout.state().size();
  const std::size_t outcomes = options.outcomes.empty() ? scenario.outcomes.size() : options.outcomes.size();
  const auto members = static_cast<std::size_t>(options.members);
  const std::int64_t block = std::min(cache_friendly_block_size(options.block_size), options.members);
  // A block's state, its levers, parameters and draws, each twice over (what a step reads and
  // what it writes), and its outcomes.
  const std::size_t block_columns =
      2 * (state + layout.levers().size() + layout.parameters().size() + scenario.uncertainties.size()) + outcomes;
  return {.members = members * (scenario.uncertainties.size() + outcomes) * sizeof(double),
          // Kept trajectories, with the settings of the levers controllers set.
          .trajectories =
              options.keep_trajectories
                  ? members * (months * state + months * controlled_lever_slots(scenario).size()) * sizeof(double)
                  : 0,
          .per_thread = BandHistogram::bytes_for(scenario.months, banded.size()) +
                        MeanAccumulator::bytes_for(scenario.months, banded.size()) +
                        ValueExtremes::bytes_for(scenario.months,
                                                 unclipped_slots(scenario, unbanded_slots(scenario, banded)).size()) +
                        static_cast<std::size_t>(block) * block_columns * sizeof(double),
          .threads = static_cast<int>(
              std::min<std::int64_t>(pool_threads(options.threads), (options.members + block - 1) / block))};
}

ChoiceCounts::ChoiceCounts(int months, std::vector<int> lever_slots)
    : months_(months), slots_(std::move(lever_slots)), counts_(static_cast<std::size_t>(months) * slots_.size()) {}

namespace {

// The position of `value`'s count in `cell`, a count of zero added when it has none yet.
std::size_t count_of(std::vector<std::pair<double, std::int64_t>>& cell, double value) {
  const auto found = std::find_if(cell.begin(), cell.end(), [&](const auto& entry) { return entry.first == value; });
  if (found != cell.end()) return static_cast<std::size_t>(found - cell.begin());
  cell.emplace_back(value, 0);
  return cell.size() - 1;
}

}  // namespace

void ChoiceCounts::add(int month, const MemberArrays& levers) {
  for (std::size_t position = 0; position < slots_.size(); ++position) {
    auto& cell = counts_[static_cast<std::size_t>(month) * slots_.size() + position];
    const auto column = levers.col(slots_[position]);
    // Members of a block mostly hold one or two settings: look the last one found up first.
    std::size_t last = 0;
    for (Eigen::Index row = 0; row < column.size(); ++row) {
      const double value = column(row);
      if (last >= cell.size() || cell[last].first != value) last = count_of(cell, value);
      ++cell[last].second;
    }
  }
}

void ChoiceCounts::merge(const ChoiceCounts& other) {
  for (std::size_t index = 0; index < counts_.size(); ++index)
    for (const auto& [value, count] : other.counts_[index])
      counts_[index][count_of(counts_[index], value)].second += count;
}

std::vector<std::pair<double, std::int64_t>> ChoiceCounts::counts(int month, std::size_t position) const {
  auto cell = counts_.at(static_cast<std::size_t>(month) * slots_.size() + position);
  std::sort(cell.begin(), cell.end());
  return cell;
}

EnsembleResult run_ensemble(std::shared_ptr<const Scenario> scenario, const EnsembleOptions& options) {
  if (options.members < 1) throw std::invalid_argument("an ensemble needs at least one member");
  if (options.block_size < 1) throw std::invalid_argument("the block size must be at least 1");
  const Layout& layout = *scenario->layout;
  const int months = scenario->months;
  const std::int64_t block_size = cache_friendly_block_size(options.block_size);
  const std::int64_t blocks = (options.members + block_size - 1) / block_size;
  const std::shared_ptr<const Kernel> kernel =
      scenario->model->compile(layout, scenario->parameters, scenario->network.get());

  std::vector<OutcomeSpec> outcome_specs = options.outcomes.empty() ? scenario->outcomes : options.outcomes;
  const std::vector<int> slots = band_slots(*scenario, options.bands);
  const std::vector<int> unbanded = unbanded_slots(*scenario, slots);  // no mean checks them every month
  const std::vector<int> watched = unclipped_slots(*scenario, unbanded);
  const std::vector<int> chosen = controlled_lever_slots(*scenario);
  const auto outcome_count = static_cast<Eigen::Index>(outcome_specs.size());
  // The bands and means are taken over from the first thread's reducers at the end (a histogram
  // set is tens of megabytes: allocating and merging a separate one would be most of the cost of
  // a small ensemble); until then they are empty placeholders.
  EnsembleResult result{options.members,
                        false,
                        slots,
                        BandHistogram(layout, 0, {}),
                        MeanAccumulator(0, 0),
                        ValueExtremes(0, {}),
                        MemberArrays(options.members, static_cast<Eigen::Index>(scenario->uncertainties.size())),
                        std::move(outcome_specs),
                        MemberArrays(options.members, outcome_count),
                        {},
                        ChoiceCounts(months, chosen),
                        {}};
  if (options.keep_trajectories)
    result.trajectories.assign(static_cast<std::size_t>(months + 1),
                               MemberArrays(options.members, static_cast<Eigen::Index>(layout.state().size())));
  if (options.keep_trajectories && !chosen.empty())
    result.chosen_levers.assign(static_cast<std::size_t>(months),
                                MemberArrays(options.members, static_cast<Eigen::Index>(chosen.size())));

  // Per-thread reducers: integer histograms and fixed-point sums, merged exactly at the end.
  struct ThreadReducers {
    BandHistogram bands;
    MeanAccumulator means;
    ValueExtremes extremes;
    ChoiceCounts choices;
  };
  tbb::enumerable_thread_specific<ThreadReducers> reducers([&] {
    return ThreadReducers{BandHistogram(layout, months, slots), MeanAccumulator(months, slots.size()),
                          ValueExtremes(months, watched), ChoiceCounts(months, chosen)};
  });
  std::mutex progress_mutex;
  std::int64_t members_done = 0;
  std::atomic<bool> skipped{false};

  auto run_block = [&](std::int64_t block) {
    if (options.cancel && options.cancel->load()) {
      skipped = true;
      return;
    }
    const std::int64_t first = block * block_size;
    const std::int64_t count = std::min(block_size, options.members - first);
    ThreadReducers& local = reducers.local();
    OutcomeReducer outcomes(result.outcome_specs, count, months);
    Simulation simulation(scenario, {count, first}, kernel);
    struct BlockObserver final : Observer {
      const Scenario& scenario;
      const Simulation& simulation;
      ThreadReducers& local;
      const std::vector<int>& slots;
      std::vector<MemberArrays>* trajectories;
      std::vector<MemberArrays>* chosen_levers;
      std::int64_t first;
      BlockObserver(const Scenario& c, const Simulation& m, ThreadReducers& l, const std::vector<int>& s,
                    std::vector<MemberArrays>* t, std::vector<MemberArrays>* k, std::int64_t f)
          : scenario(c), simulation(m), local(l), slots(s), trajectories(t), chosen_levers(k), first(f) {}
      void observe(int month, const MemberArrays& state) override {
        // The settings the step just taken used (the controllers' choices), once it is taken.
        if (month > 0 && !local.choices.slots().empty()) {
          local.choices.add(month - 1, simulation.levers());
          if (chosen_levers) {
            MemberArrays& kept = (*chosen_levers)[static_cast<std::size_t>(month - 1)];
            for (std::size_t position = 0; position < local.choices.slots().size(); ++position)
              kept.col(static_cast<Eigen::Index>(position)).segment(first, state.rows()) =
                  simulation.levers().col(local.choices.slots()[position]);
          }
        }
        local.bands.add(month, state);
        if (const int position = local.means.add(month, slots, state); position >= 0)
          throw NonFiniteState(scenario, slots[static_cast<std::size_t>(position)], month);
        local.extremes.add(month, state);
        if (trajectories) (*trajectories)[static_cast<std::size_t>(month)].middleRows(first, state.rows()) = state;
      }
    } reduce(*scenario, simulation, local, slots, options.keep_trajectories ? &result.trajectories : nullptr,
             result.chosen_levers.empty() ? nullptr : &result.chosen_levers, first);
    ObserverGroup observers({&reduce, &outcomes});
    // A cancelled ensemble stops within a month of a block; its partial reductions are never used.
    if (!simulation.run(&observers, options.cancel)) {
      skipped = true;
      return;
    }
    // The means check the banded variables every month; the others are checked in the last
    // month, and a block that ends non-finite runs again, checked every month, to name the
    // first variable and month.
    if (std::any_of(unbanded.begin(), unbanded.end(),
                    [&](int slot) { return !simulation.state().col(slot).allFinite(); }))
      throw_first_non_finite(scenario, {count, first}, kernel, unbanded);
    result.outcomes.middleRows(first, count) = outcomes.values();
    result.inputs.middleRows(first, count) = simulation.sampled_inputs();

    if (options.progress) {
      const std::lock_guard lock(progress_mutex);
      members_done += count;
      options.progress(members_done);
    }
  };

  const int threads = pool_threads(options.threads);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::int64_t>(0, blocks, 1),
        [&](const tbb::blocked_range<std::int64_t>& range) {
          for (std::int64_t block = range.begin(); block != range.end(); ++block) run_block(block);
        },
        tbb::simple_partitioner());
  });

  if (reducers.empty()) {  // cancelled before any block ran
    result.bands = BandHistogram(layout, months, slots);
    result.means = MeanAccumulator(months, slots.size());
    result.extremes = ValueExtremes(months, watched);
  }
  for (auto local = reducers.begin(); local != reducers.end(); ++local) {
    if (local == reducers.begin()) {
      result.bands = std::move(local->bands);
      result.means = std::move(local->means);
      result.extremes = std::move(local->extremes);
      result.choices = std::move(local->choices);
    } else {
      result.bands.merge(local->bands);
      result.means.merge(local->means);
      result.extremes.merge(local->extremes);
      result.choices.merge(local->choices);
    }
  }
  result.cancelled = skipped.load();
  return result;
}

namespace {

// The values of ranks `ranks` (increasing, distinct) among `values` (no NaN) once sorted, found
// without sorting: one pass counts the values into buckets of equal width between their
// extremes, a second gathers the few buckets that hold the ranks asked for, and each of those is
// selected (std::nth_element) alone. The bucket is a nondecreasing function of the value, so the
// values of a bucket are all the values with ranks in its range. Selecting from all the values
// took 1.7 ms per outcome of 100,000 members, 6% of a whole `steppe run --members 100000`; this
// takes a fifth of that. Values alike (a point mass) leave one bucket large, and it is selected
// from as before.
std::vector<double> order_statistics(const std::vector<double>& values, const std::vector<std::size_t>& ranks) {
  constexpr std::size_t buckets = 2048;
  double low = std::numeric_limits<double>::infinity(), high = -low;
#pragma omp simd reduction(min : low) reduction(max : high)
  for (std::size_t i = 0; i < values.size(); ++i) {
    low = std::min(low, values[i]);
    high = std::max(high, values[i]);
  }
  const double scale = static_cast<double>(buckets) / (high - low);
  std::vector<double> result;
  if (!(high > low) || !std::isfinite(scale) || scale == 0) {  // one value, or a range no bucket divides
    std::vector<double> all = values;
    for (const std::size_t rank : ranks) {
      std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(rank), all.end());
      result.push_back(all[rank]);
    }
    return result;
  }
  const auto bucket_of = [&](double value) {
    return std::min(buckets - 1, static_cast<std::size_t>((value - low) * scale));
  };
  std::vector<std::uint32_t> counts(buckets, 0);
  for (const double value : values) ++counts[bucket_of(value)];
  // Each rank's bucket and its rank within it; each bucket needed, gathered once.
  std::vector<std::int32_t> gathered_as(buckets, -1);
  std::vector<std::vector<double>> gathered;
  std::vector<std::pair<std::size_t, std::size_t>> where;  // (gathered bucket, rank within it)
  std::size_t bucket = 0, before = 0;
  for (const std::size_t rank : ranks) {
    while (before + counts[bucket] <= rank) before += counts[bucket++];
    if (gathered_as[bucket] < 0) {
      gathered_as[bucket] = static_cast<std::int32_t>(gathered.size());
      gathered.emplace_back().reserve(counts[bucket]);
    }
    where.emplace_back(static_cast<std::size_t>(gathered_as[bucket]), rank - before);
  }
  for (const double value : values)
    if (const std::int32_t at = gathered_as[bucket_of(value)]; at >= 0)
      gathered[static_cast<std::size_t>(at)].push_back(value);
  for (const auto& [at, rank] : where) {
    std::vector<double>& members = gathered[at];
    std::nth_element(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(rank), members.end());
    result.push_back(members[rank]);
  }
  return result;
}

// The q-quantiles of `values` (no NaN), interpolated linearly between order statistics (numpy's
// default), for `levels` in increasing order.
std::vector<double> quantiles(const std::vector<double>& values, const std::vector<double>& levels) {
  const auto below = [&](double q) {
    return static_cast<std::size_t>(std::floor(q * static_cast<double>(values.size() - 1)));
  };
  const auto above = [&](double q) { return std::min(below(q) + 1, values.size() - 1); };
  std::vector<std::size_t> ranks;
  for (const double q : levels) ranks.insert(ranks.end(), {below(q), above(q)});
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  const std::vector<double> at = order_statistics(values, ranks);
  const auto order_statistic = [&](std::size_t rank) {
    return at[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), rank) - ranks.begin())];
  };
  std::vector<double> result;
  for (const double q : levels) {
    const double position = q * static_cast<double>(values.size() - 1);
    const double lower = order_statistic(below(q)), upper = order_statistic(above(q));
    result.push_back(lower + (position - std::floor(position)) * (upper - lower));
  }
  return result;
}

}  // namespace

OutcomeStatistics outcome_statistics(std::vector<double> values) {
  const auto members = static_cast<std::int64_t>(values.size());
  values.erase(std::remove_if(values.begin(), values.end(), [](double value) { return std::isnan(value); }),
               values.end());
  const auto with_value = static_cast<std::int64_t>(values.size());
  const double nan = std::nan("");
  if (values.empty()) return {nan, nan, nan, nan, nan, nan, nan, 0, members};
  double sum = 0;
  for (double value : values) sum += value;
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double value : values) squares += (value - mean) * (value - mean);
  const double sd = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
  const std::vector<double> q = quantiles(values, {0.05, 0.25, 0.5, 0.75, 0.95});
  return {mean, sd, q[0], q[1], q[2], q[3], q[4], with_value, members - with_value};
}

std::vector<OutcomeStatistics> outcome_statistics(const EnsembleResult& result) {
  // Each outcome on a core of its own: a few milliseconds each at 100,000 members.
  std::vector<OutcomeStatistics> statistics(static_cast<std::size_t>(result.outcomes.cols()));
  tbb::parallel_for(Eigen::Index{0}, result.outcomes.cols(), [&](Eigen::Index column) {
    const auto values = result.outcomes.col(column);
    statistics[static_cast<std::size_t>(column)] = outcome_statistics({values.begin(), values.end()});
  });
  return statistics;
}

}  // namespace steppe
