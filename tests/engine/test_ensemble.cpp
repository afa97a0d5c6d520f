// The ensemble runner: results bit-for-bit identical for any thread count and block size, every
// member identical to the member run alone, cancellation, and kept trajectories.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "engine/ensemble.hpp"
#include "engine/io/ensemble_results.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// A model with a charted variable, `shown`, that stays finite, and one no chart shows, `hidden`
// (unclipped), that turns NaN for one member in the step of month 6 and stays NaN: what the
// means do not see every month, the ensemble must still report.
class HiddenNaNModel final : public Model {
 public:
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>&, const Network*) const override {
    return std::make_unique<HiddenNaNKernel>(layout);
  }

 private:
  class HiddenNaNKernel final : public Kernel {
   public:
    explicit HiddenNaNKernel(const Layout& layout)
        : shown_(layout.state_index("system", "shown")), hidden_(layout.state_index("system", "hidden")) {}
    void initialize(const StepContext&, MemberArrays&) const override {}
    void apply_events(const StepContext&, MemberArrays&) const override {}
    void advance(const StepContext& context, MemberArrays& state) const override {
      state.col(shown_) *= 0.5;
      for (Eigen::Index row = 0; row < state.rows(); ++row)
        if (context.month == 6 && context.first_member + row == 1234) state(row, hidden_) = std::nan("");
    }

   private:
    int shown_, hidden_;
  };

  ModelDeclaration declaration_ = [] {
    ModelDeclaration d;
    d.name = "ensemble_test_hidden_nan";
    d.version = "1";
    for (const char* name : {"shown", "hidden"}) {
      VariableDecl& v = d.variables.emplace_back();
      v.name = name;
      v.role = "system";
      v.min = 0;
      v.max = 1;
      v.clipped = std::string(name) == "shown";
    }
    d.chart_panels = {ChartPanelDecl{.title = "Shown", .variable = "shown"}};
    d.default_outcomes = {"system.shown.final"};
    return d;
  }();
};

ModelRegistration<HiddenNaNModel> hidden_nan_registration;

std::shared_ptr<const Scenario> stochastic_calibrated() {
  LoadOptions options;
  options.stochastic = true;
  options.seed = 77;
  return shipped_scenario("calibrated", options);
}

}  // namespace

TEST_CASE("ensemble: 1, 2 and 3 threads and two block sizes give byte-identical bands and outcomes",
          "[ensemble][determinism]") {
  const auto scenario = stochastic_calibrated();
  const BandSelection selection = GENERATE(BandSelection::reported, BandSelection::all);
  std::string reference_bands, reference_outcomes;
  for (int threads : {1, 2, 3}) {
    for (std::int64_t block : {64, 100}) {
      EnsembleOptions options;
      options.members = 1000;
      options.threads = threads;
      options.block_size = block;
      options.bands = selection;
      const EnsembleResult result = run_ensemble(scenario, options);
      INFO(threads << " threads, blocks of " << block << (selection == BandSelection::all ? ", every band" : ""));
      const std::string bands = bands_csv(*scenario, result);
      const std::string outcomes = written_text([&](std::ostream& out) { write_outcomes_csv(out, *scenario, result); });
      if (reference_bands.empty()) {
        reference_bands = bands;
        reference_outcomes = outcomes;
      }
      CHECK(bands == reference_bands);
      CHECK(outcomes == reference_outcomes);
    }
  }
}

TEST_CASE("ensemble: each member's outcomes equal the member run alone", "[ensemble]") {
  const auto scenario = stochastic_calibrated();
  EnsembleOptions options;
  options.members = 40;
  options.block_size = 16;
  options.keep_trajectories = true;
  const EnsembleResult result = run_ensemble(scenario, options);
  REQUIRE(result.trajectories.size() == static_cast<std::size_t>(scenario->months + 1));
  for (std::int64_t member : {0, 17, 39}) {
    Simulation alone(scenario, {1, member});
    OutcomeReducer outcomes(scenario->outcomes, 1);
    TrajectoryRecorder recorder;
    ObserverGroup both({&outcomes, &recorder});
    alone.run(&both);
    INFO("member " << member);
    CHECK((outcomes.values().row(0) == result.outcomes.row(member)).all());
    CHECK((recorder.months().back().row(0) == result.trajectories.back().row(member)).all());
  }
  // Members differ: they draw from their own streams.
  CHECK_FALSE((result.outcomes.row(0) == result.outcomes.row(1)).all());
}

TEST_CASE("ensemble: means are exact and bands are ordered", "[ensemble]") {
  const auto scenario = stochastic_calibrated();
  EnsembleOptions options;
  options.members = 500;
  options.keep_trajectories = true;
  const EnsembleResult result = run_ensemble(scenario, options);
  const int autonomy = scenario->layout->state_index("MNG", "autonomy");
  const auto position = static_cast<std::size_t>(
      std::find(result.band_slots.begin(), result.band_slots.end(), autonomy) - result.band_slots.begin());
  for (int month : {0, 60, 120}) {
    const double exact = result.trajectories[static_cast<std::size_t>(month)].col(autonomy).mean();
    CHECK(result.means.mean(month, position, result.members) == Approx(exact).margin(1e-12));
    double previous = -1;
    for (double level : band_levels) {
      const double value = result.bands.quantile(month, position, level);
      CHECK(value >= previous);
      previous = value;
    }
  }
}

TEST_CASE("ensemble: exact means whether members are shares, beyond 2 or beyond 2^55, in any blocks",
          "[ensemble][determinism]") {
  // Multiples of 1/8, so the exact mean is known: mostly values below 2 (summed in one product
  // each), a run of 64 with −3.25 in it and one with 2.5 (split into whole part and fraction), one
  // with 2^56 + 8 (added one by one). The values in [1, 2) make the two ways split the total
  // differently.
  MemberArrays values(300, 1);
  for (Eigen::Index member = 0; member < values.rows(); ++member)
    values(member, 0) = 1 + static_cast<double>(member % 8) / 8;
  values(70, 0) = 2.5;
  values(200, 0) = -3.25;
  values(260, 0) = 72057594037927944.0;  // 2^56 + 8
  __int128 eighths = 0;
  for (Eigen::Index member = 0; member < values.rows(); ++member)
    eighths += static_cast<__int128>(values(member, 0) * 8);
  const double exact = static_cast<double>(eighths) / 8 / static_cast<double>(values.rows());

  const std::vector<int> slots = {0};
  const auto mean_in_blocks = [&](std::initializer_list<Eigen::Index> sizes) {
    MeanAccumulator total(0, 1);
    Eigen::Index first = 0;
    for (const Eigen::Index size : sizes) {
      MeanAccumulator block(0, 1);  // each block on its own, then merged, as the runner does
      block.add(0, slots, values.middleRows(first, size).eval());
      total.merge(block);
      first += size;
    }
    REQUIRE(first == values.rows());
    return total.mean(0, 0, values.rows());
  };
  const double whole = mean_in_blocks({300});
  CHECK(whole == Approx(exact).epsilon(1e-15));
  // Other blocks put the large values in other runs, which split the total another way: the
  // mean has the same bits.
  CHECK(mean_in_blocks({37, 263}) == whole);
  CHECK(mean_in_blocks({64, 64, 64, 64, 44}) == whole);
  CHECK(mean_in_blocks({201, 99}) == whole);
}

TEST_CASE("ensemble: means of full-precision shares are within 2^-56 of the exact mean, the same in any blocks",
          "[ensemble][determinism]") {
  // Uniform in (−2, 2) with every mantissa bit used: each value's trunc(value · 2^56) is summed
  // in one pass of 32-bit halves; the reference adds them one at a time in 128 bits.
  Eigen::Index members = 3000;
  MemberArrays values(members, 1);
  std::uint64_t state = 12345;
  __int128 exact = 0;
  for (Eigen::Index member = 0; member < members; ++member) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double value = (static_cast<double>(state >> 11) / 9007199254740992.0) * 4 - 2;  // [−2, 2)
    values(member, 0) = value;
    exact += static_cast<__int128>(std::trunc(std::ldexp(value, 56)));
  }
  const double reference = static_cast<double>(static_cast<long double>(exact) / members / 72057594037927936.0L);
  std::optional<double> first;
  for (Eigen::Index block : {members, Eigen::Index{1}, Eigen::Index{7}, Eigen::Index{1008}}) {
    MeanAccumulator means(0, 1);
    for (Eigen::Index start = 0; start < members; start += block)
      REQUIRE(means.add(0, {0}, values.middleRows(start, std::min(block, members - start))) == -1);
    const double mean = means.mean(0, 0, members);
    INFO("blocks of " << block);
    CHECK(std::abs(mean - reference) <= 1e-16);
    if (!first) first = mean;
    CHECK(mean == *first);
  }
}

TEST_CASE("ensemble: a variable no band checks that turns non-finite is named with its first month", "[ensemble]") {
  const auto scenario = scenario_from_yaml("model: ensemble_test_hidden_nan\nstart: 2025-01\nmonths: 12\n");
  EnsembleOptions options;
  options.members = 3000;
  options.threads = 2;
  for (const BandSelection selection : {BandSelection::reported, BandSelection::all}) {
    options.bands = selection;
    INFO((selection == BandSelection::all ? "every band" : "the charted bands"));
    // The step of month 6 writes the state recorded as month 7 (2025-08).
    CHECK_THROWS_WITH(run_ensemble(scenario, options),
                      Catch::Contains("non-finite: system.hidden in 2025-08 (month 7)"));
  }
}

TEST_CASE("ensemble: by default the charted variables are banded and the unclipped others keep exact extremes",
          "[ensemble]") {
  const auto scenario = stochastic_calibrated();
  const Layout& layout = *scenario->layout;
  EnsembleOptions options;
  options.members = 300;
  const EnsembleResult charted = run_ensemble(scenario, options);
  std::vector<std::string> names;
  for (const int slot : charted.band_slots) names.push_back(layout.state_name(slot));
  CHECK(names ==
        std::vector<std::string>{"MNG.autonomy", "USA.trust", "CHN.coercion", "RUS.coercion", "system.tension"});
  names.clear();
  for (const int slot : charted.extremes.slots()) names.push_back(layout.state_name(slot));
  CHECK(names == std::vector<std::string>{"USA.expectation", "MNG.diversification"});

  // Every band: the same members, so the bands' 0 and 1 quantiles are the same extremes.
  options.bands = BandSelection::all;
  const EnsembleResult all = run_ensemble(scenario, options);
  CHECK(all.band_slots.size() == 39);
  CHECK(all.extremes.slots().empty());
  CHECK((all.outcomes == charted.outcomes).all());
  for (std::size_t position = 0; position < charted.extremes.slots().size(); ++position) {
    const int slot = charted.extremes.slots()[position];
    const auto banded =
        static_cast<int>(std::find(all.band_slots.begin(), all.band_slots.end(), slot) - all.band_slots.begin());
    for (int month = 0; month <= scenario->months; ++month) {
      INFO(layout.state_name(slot) << " in month " << month);
      CHECK(charted.extremes.minimum(month, static_cast<int>(position)) == all.bands.quantile(month, banded, 0));
      CHECK(charted.extremes.maximum(month, static_cast<int>(position)) == all.bands.quantile(month, banded, 1));
    }
  }
}

TEST_CASE("ensemble: means of values beyond 2^63 are exact and the same however the members are split", "[ensemble]") {
  // 3 · 2^200 − 2^199 + 2^64 + 1.5 − 1.5 over 8 members, and the same negated (a race down).
  MemberArrays values(16, 1);
  const double big[8] = {
      std::ldexp(1, 200), std::ldexp(1, 200), std::ldexp(1, 200), -std::ldexp(1, 199), std::ldexp(1, 64), 1.5, -1.5, 0};
  for (int member = 0; member < 8; ++member) values(member, 0) = big[member];
  for (int member = 0; member < 8; ++member) values(8 + member, 0) = -2 * big[member];
  const std::vector<int> slots = {0};
  const auto mean_in_blocks = [&](Eigen::Index from, std::initializer_list<Eigen::Index> sizes) {
    MeanAccumulator total(0, 1);
    Eigen::Index first = from;
    for (const Eigen::Index size : sizes) {
      MeanAccumulator block(0, 1);
      CHECK(block.add(0, slots, values.middleRows(first, size).eval()) == -1);
      total.merge(block);
      first += size;
    }
    return total.mean(0, 0, first - from);
  };
  // (2.5 · 2^200 + 2^64) / 8: the 2^64 is far below the last bit of the result.
  const double up = std::ldexp(0.3125, 200);
  CHECK(mean_in_blocks(0, {8}) == up);
  CHECK(mean_in_blocks(0, {3, 5}) == up);
  CHECK(mean_in_blocks(0, {1, 1, 1, 1, 4}) == up);
  CHECK(mean_in_blocks(8, {8}) == -2 * up);
  CHECK(mean_in_blocks(8, {5, 3}) == -2 * up);
  // Both halves: (2.5 · 2^200 − 5 · 2^200) / 16, the wide sum's sign changing on the way.
  CHECK(mean_in_blocks(0, {16}) == std::ldexp(-2.5, 200) / 16);
  CHECK(mean_in_blocks(0, {9, 7}) == mean_in_blocks(0, {16}));
  // The largest doubles, added twice, still have a mean.
  MemberArrays largest(2, 1);
  largest(0, 0) = largest(1, 0) = std::numeric_limits<double>::max();
  MeanAccumulator extreme(0, 1);
  CHECK(extreme.add(0, slots, largest) == -1);
  CHECK(extreme.mean(0, 0, 2) == std::numeric_limits<double>::max());
}

TEST_CASE("ensemble: a value that is not finite is reported by the means with its column", "[ensemble]") {
  MemberArrays values = MemberArrays::Constant(100, 3, 0.5);
  values(70, 2) = std::numeric_limits<double>::infinity();
  MeanAccumulator means(0, 3);
  CHECK(means.add(0, {0, 1, 2}, values) == 2);
  values(70, 2) = std::nan("");
  values(3, 1) = std::nan("");
  MeanAccumulator again(0, 3);
  CHECK(again.add(0, {0, 1, 2}, values) == 1);
}

TEST_CASE("ensemble: a cancelled run skips the blocks not yet started and says so", "[ensemble]") {
  const auto scenario = stochastic_calibrated();
  std::atomic<bool> cancel{false};
  EnsembleOptions options;
  options.members = 2000;
  options.block_size = 50;
  options.threads = 1;
  options.cancel = &cancel;
  std::int64_t reported = 0;
  options.progress = [&](std::int64_t done) {
    reported = done;
    if (done >= 200) cancel = true;
  };
  const EnsembleResult result = run_ensemble(scenario, options);
  CHECK(result.cancelled);
  CHECK(reported < 2000);
}

namespace {

// numpy's default quantile: linear between the order statistics of the sorted values.
double sorted_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - std::floor(position)) * (values[above] - values[below]);
}

void check_quantiles_against_sorting(const std::vector<double>& values) {
  std::vector<double> finite;
  for (const double value : values)
    if (!std::isnan(value)) finite.push_back(value);
  const OutcomeStatistics statistics = outcome_statistics(values);
  CHECK(statistics.members_with_value == static_cast<std::int64_t>(finite.size()));
  CHECK(statistics.members_without_value == static_cast<std::int64_t>(values.size() - finite.size()));
  const std::pair<double, double> checked[] = {{0.05, statistics.q05},
                                               {0.25, statistics.q25},
                                               {0.5, statistics.median},
                                               {0.75, statistics.q75},
                                               {0.95, statistics.q95}};
  for (const auto& [q, value] : checked) {
    const double expected = sorted_quantile(finite, q);
    if (std::isnan(expected))  // inf − inf between two infinite order statistics
      CHECK(std::isnan(value));
    else
      CHECK(value == expected);  // the same order statistics, so the same bits
  }
}

}  // namespace

TEST_CASE("ensemble: outcome quantiles are the order statistics a full sort gives, for hard samples",
          "[ensemble][statistics]") {
  std::mt19937_64 random(2026);
  std::normal_distribution<double> normal;
  const auto sample = [&](std::size_t size, const auto& draw) {
    std::vector<double> values(size);
    for (double& value : values) value = draw();
    return values;
  };
  SECTION("a large mean with small noise") {
    check_quantiles_against_sorting(sample(100'000, [&] { return 1e9 + normal(random) * 1e-3; }));
  }
  SECTION("a point mass: most members exactly at one value") {
    check_quantiles_against_sorting(sample(50'000, [&] { return normal(random) < 1.2 ? 0.0 : normal(random); }));
  }
  SECTION("heavy tails spanning many orders of magnitude") {
    check_quantiles_against_sorting(sample(20'000, [&] { return std::exp(20 * normal(random)) * normal(random); }));
  }
  SECTION("few distinct values, many ties") {
    check_quantiles_against_sorting(sample(10'001, [&] { return std::round(normal(random)); }));
  }
  SECTION("members without a value, and infinite ones") {
    std::vector<double> values = sample(5'000, [&] { return normal(random); });
    for (std::size_t i = 0; i < values.size(); i += 7) values[i] = std::nan("");
    values[3] = std::numeric_limits<double>::infinity();
    values[5] = -std::numeric_limits<double>::infinity();
    check_quantiles_against_sorting(values);
  }
  SECTION("a range too wide for one subtraction") {
    check_quantiles_against_sorting({-1e308, 1e308, 0.0, 1.0, -3.0, 2e307});
  }
  SECTION("one, two and three members, and all alike") {
    check_quantiles_against_sorting({4.0});
    check_quantiles_against_sorting({4.0, -1.0});
    check_quantiles_against_sorting({4.0, -1.0, 2.5});
    check_quantiles_against_sorting(std::vector<double>(1000, 0.25));
  }
}
