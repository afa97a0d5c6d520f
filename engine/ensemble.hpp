// Running an ensemble: many members of one scenario, in blocks, on a pool of threads.
//
// Members run in blocks sized for cache; each block runs the whole horizon before the next
// (temporal blocking), and threads (oneTBB) take blocks. While a block runs, observers reduce it:
// per-member outcomes go straight into their rows of the outcome table, quantile histograms and
// fixed-point sums (for means) are added per thread — integer arithmetic, so merging them
// is exact and order-free. Every member's numbers depend only on (seed, member index), so the
// result is bit-for-bit identical for any thread count and any block size. Memory holds the
// histograms per thread and the outcome table, not the members' trajectories (unless asked).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/bands.hpp"
#include "engine/scenario.hpp"
#include "engine/simulation.hpp"

namespace steppe {

// Which variables an ensemble bands (quantiles and means of every month). Binning one variable of
// every member every month costs about a twentieth of a flagship step, so by default only those
// a run charts; every variable on request (--all-bands). Outcomes need no bands: they are
// reduced per member, exactly. Unclipped variables that are not banded keep their extremes, for
// the range check (engine/range_excursions.hpp).
enum class BandSelection { reported, all };

struct EnsembleOptions {
  std::int64_t members = 1000;
  // What to measure per member; empty: the scenario's outcomes.
  std::vector<OutcomeSpec> outcomes;
  int threads = 0;  // 0: every core
  // Members stepped together, as cache_friendly_block_size() adjusts it; results do not depend on it.
  std::int64_t block_size = 1024;
  bool keep_trajectories = false;
  BandSelection bands = BandSelection::reported;
  // Called after each block with the number of members done so far (from any thread, serialized).
  std::function<void(std::int64_t)> progress;
  // When set to true, blocks not yet started are skipped and the result is marked cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

// The mean over members of every banded slot and month, from exact sums: each value, truncated
// to a multiple of 2^-56, is summed as integers, so the sum does not depend on the order members
// are added in. Values of 2^63 and more in magnitude (a runaway arms race) are whole numbers and
// are summed exactly in a wider integer that covers every finite double, so any finite state has
// a mean; a value that is not finite has none.
class MeanAccumulator {
 public:
  MeanAccumulator(int months, std::size_t slots);
  // Adds the slots' columns of a block's state after `month` steps; returns the position (in
  // `slots`) of a column holding a value that is not finite, or -1, adding nothing from it on.
  int add(int month, const std::vector<int>& slots, const MemberArrays& state);
  void merge(const MeanAccumulator& other);
  double mean(int month, std::size_t slot_position, std::int64_t members) const;
  // The memory one holds for `months` and `slots` (wide sums only once a value needs them).
  static std::size_t bytes_for(int months, std::size_t slots) {
    return sizeof(MeanAccumulator) + static_cast<std::size_t>(months + 1) * slots * sizeof(Sum);
  }

 private:
  // The exact total whole + fraction · 2^-56, split in whatever way the values were added.
  struct Sum {
    __int128 whole = 0;
    __int128 fraction = 0;  // in units of 2^-56
    // The same total with the fraction in [0, 2^56): one split for one total, so that the mean
    // computed from it does not depend on how the members were summed.
    Sum canonical() const {
      const __int128 carry = fraction >> 56;  // floor(fraction / 2^56)
      return {whole + carry, fraction - carry * (__int128{1} << 56)};
    }
  };
  // An exact sum of values of 2^63 and more in magnitude, as a two's complement integer of
  // 1,088 bits: every double is below 2^1024, and 2^32 of them below 2^1056.
  struct WideSum {
    std::array<std::uint64_t, 17> words{};  // least significant first
    void add(double value);
    void add(const WideSum& other);
    long double value() const;  // one number for one total, however it was summed
    void negate();
  };
  std::size_t slots_;
  std::vector<Sum> sums_;      // (months + 1) × slots
  std::vector<WideSum> wide_;  // the same cells; empty until a value needs one
};

// What the members chose: for each lever the scenario's controllers set, how many members held
// each of its settings in each month's step (choices.csv). A controller's settings come from a
// menu, rules or a game, so each month holds a few distinct values, counted exactly; counts merge
// in any order to the same result.
class ChoiceCounts {
 public:
  ChoiceCounts(int months, std::vector<int> lever_slots);
  // Counts the block's settings (members × lever slots) used in the step of `month` (0..months − 1).
  void add(int month, const MemberArrays& levers);
  void merge(const ChoiceCounts& other);
  const std::vector<int>& slots() const { return slots_; }
  int months() const { return months_; }
  // The settings held at the lever at `position` (an index into slots()) in `month`'s step, in
  // increasing order, each with its members.
  std::vector<std::pair<double, std::int64_t>> counts(int month, std::size_t position) const;

 private:
  int months_;
  std::vector<int> slots_;
  std::vector<std::vector<std::pair<double, std::int64_t>>> counts_;  // months × slots, unsorted
};

// The distribution of one outcome over the members.
struct OutcomeStatistics {
  double mean = 0, sd = 0, q05 = 0, q25 = 0, median = 0, q75 = 0, q95 = 0;
  // The statistics are of the members with a value; the others (NaN: a first crossing that
  // never happened) are counted, to be reported beside them.
  std::int64_t members_with_value = 0, members_without_value = 0;
};
// Exact statistics of a sample (quantiles interpolated between order statistics); NaN members
// are left out of them and counted.
OutcomeStatistics outcome_statistics(std::vector<double> values);

struct EnsembleResult {
  std::int64_t members = 0;
  bool cancelled = false;
  std::vector<int> band_slots;  // the state slots banded, as band_slots() chose them
  BandHistogram bands;
  MeanAccumulator means;
  ValueExtremes extremes;                  // the unbanded unclipped slots' (range_excursions)
  MemberArrays inputs;                     // members × scenario uncertainties: each member's draws
  std::vector<OutcomeSpec> outcome_specs;  // what `outcomes` measures, column by column
  MemberArrays outcomes;                   // members × outcome specs
  std::vector<MemberArrays> trajectories;  // per month, members × slots; empty unless kept
  ChoiceCounts choices;                    // of the levers the scenario's controllers set
  // With kept trajectories, those levers' settings member by member: per month whose step was
  // taken (0..months − 1), members × choices.slots(); empty without controllers.
  std::vector<MemberArrays> chosen_levers;
};

// The non-internal state slots `selection` bands in `scenario`, in slot order.
std::vector<int> band_slots(const Scenario& scenario, BandSelection selection);

// Each outcome's statistics over the ensemble's members, in outcome_specs order.
std::vector<OutcomeStatistics> outcome_statistics(const EnsembleResult& result);

// What an ensemble holds in memory at its height, worked out from its shape before anything is
// allocated, so that a run too large for the machine is refused before it starts.
struct EnsembleFootprint {
  std::size_t members = 0;       // every member's draws and outcomes
  std::size_t trajectories = 0;  // every month's state of every member, when kept
  std::size_t per_thread = 0;    // band histograms, the means' sums, a block being stepped
  int threads = 1;
  std::size_t total() const { return members + trajectories + per_thread * static_cast<std::size_t>(threads); }
};
EnsembleFootprint ensemble_footprint(const Scenario& scenario, const EnsembleOptions& options);

EnsembleResult run_ensemble(std::shared_ptr<const Scenario> scenario, const EnsembleOptions& options);

}  // namespace steppe
