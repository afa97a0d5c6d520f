// Band histograms (engine/bands.hpp): quantiles of a real stochastic ensemble against exact ones,
// order-free merging of blocks, the signed-log scale of an unbounded variable, and the edges
// (identical members, one member, an empty month, the range bounds, the 32-bit count limit).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/bands.hpp"
#include "engine/random.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

const std::vector<double> band_quantiles = {0.05, 0.25, 0.5, 0.75, 0.95};

// numpy's default quantile ("linear", type 7) of sorted values.
double exact_quantile(const std::vector<double>& sorted, double q) {
  const double rank = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  if (below + 1 >= sorted.size()) return sorted.back();
  return sorted[below] + (rank - std::floor(rank)) * (sorted[below + 1] - sorted[below]);
}

// The slots a run writes to its outputs.
std::vector<int> output_slots(const Layout& layout) {
  std::vector<int> slots;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    if (!layout.state()[slot].decl->internal) slots.push_back(static_cast<int>(slot));
  return slots;
}

std::shared_ptr<const Scenario> stochastic_maximalist() {
  LoadOptions options;
  options.stochastic = true;
  options.seed = 11;
  return shipped_scenario("maximalist", options);
}

class BandFeeder final : public Observer {
 public:
  explicit BandFeeder(BandHistogram& bands) : bands_(bands) {}
  void observe(int month, const MemberArrays& state) override { bands_.add(month, state); }

 private:
  BandHistogram& bands_;
};

// Exact band quantiles of every month by sorting, kept instead of the months themselves
// (10,000 members' trajectories would take half a gigabyte).
class ExactBands final : public Observer {
 public:
  explicit ExactBands(std::vector<int> slots) : slots_(std::move(slots)) {}
  void observe(int month, const MemberArrays& state) override {
    std::vector<std::vector<double>> month_quantiles;
    for (const int slot : slots_) {
      sorted_.assign(state.col(slot).begin(), state.col(slot).end());
      std::sort(sorted_.begin(), sorted_.end());
      std::vector<double> slot_quantiles;
      for (const double q : band_quantiles) slot_quantiles.push_back(exact_quantile(sorted_, q));
      month_quantiles.push_back(slot_quantiles);
    }
    quantiles.resize(static_cast<std::size_t>(month) + 1);
    quantiles[static_cast<std::size_t>(month)] = month_quantiles;
  }
  std::vector<std::vector<std::vector<double>>> quantiles;  // [month][slot position][q]

 private:
  std::vector<int> slots_;
  std::vector<double> sorted_;
};

// Runs members [first, first + count) of the scenario into `bands`.
void run_block(const std::shared_ptr<const Scenario>& scenario, std::int64_t first, std::int64_t count,
               BandHistogram& bands) {
  Simulation simulation(scenario, {count, first});
  BandFeeder feeder(bands);
  simulation.run(&feeder);
}

// A model of one [0, 1] share per actor, for hand-made states.
ModelDeclaration share_declaration(bool clipped) {
  ModelDeclaration declaration;
  declaration.name = "shares";
  declaration.roles = {{"actor", "an actor", 1, -1}};
  VariableDecl share;
  share.name = "share";
  share.role = "actor";
  share.clipped = clipped;
  declaration.variables = {share};
  return declaration;
}

MemberArrays column_of(std::vector<double> values) {
  MemberArrays state(static_cast<Eigen::Index>(values.size()), 1);
  for (std::size_t member = 0; member < values.size(); ++member)
    state(static_cast<Eigen::Index>(member), 0) = values[member];
  return state;
}

}  // namespace

TEST_CASE("bands: quantiles of 10,000 stochastic members are within 0.002 of the exact quantiles", "[bands]") {
  const auto scenario = stochastic_maximalist();
  const std::vector<int> slots = output_slots(*scenario->layout);
  BandHistogram bands(*scenario->layout, scenario->months, slots);
  BandFeeder feeder(bands);
  ExactBands exact(slots);
  ObserverGroup observers({&feeder, &exact});
  Simulation(scenario, {10000, 0}).run(&observers);

  REQUIRE(exact.quantiles.size() == static_cast<std::size_t>(scenario->months) + 1);
  double worst = 0;
  std::string worst_at;
  for (int month = 0; month <= scenario->months; ++month) {
    CHECK(bands.count(month) == 10000);
    for (std::size_t position = 0; position < slots.size(); ++position)
      for (std::size_t k = 0; k < band_quantiles.size(); ++k) {
        const double estimate = bands.quantile(month, static_cast<int>(position), band_quantiles[k]);
        const double error = std::abs(estimate - exact.quantiles[static_cast<std::size_t>(month)][position][k]);
        if (!(error <= worst)) {  // a NaN estimate becomes the worst, and fails
          worst = error;
          worst_at = fmt::format("{} in month {} at q = {}", scenario->layout->state_name(slots[position]), month,
                                 band_quantiles[k]);
        }
      }
  }
  INFO("worst error " << worst << ": " << worst_at << "; histogram of " << bands.bytes() << " bytes");
  CHECK(worst <= 0.002);
}

TEST_CASE("bands: the footprint worked out before a histogram is made is the one it has", "[bands][memory]") {
  const auto scenario = stochastic_maximalist();
  const std::vector<int> slots = output_slots(*scenario->layout);
  for (int bins : {16, 1024}) {
    const BandHistogram bands(*scenario->layout, scenario->months, slots, bins);
    CHECK(BandHistogram::bytes_for(scenario->months, slots.size(), bins) == bands.bytes());
  }
}

TEST_CASE("bands: 40 blocks merged in any order give exactly the histogram of one block of 10,000", "[bands]") {
  const auto scenario = stochastic_maximalist();
  const Layout& layout = *scenario->layout;
  const std::vector<int> slots = output_slots(layout);
  BandHistogram whole(layout, scenario->months, slots);
  run_block(scenario, 0, 10000, whole);

  // As threads finishing blocks in either order would: forward, then backward.
  const int blocks = 40, block_size = 250;
  BandHistogram forward(layout, scenario->months, slots), backward(layout, scenario->months, slots);
  for (int block = 0; block < blocks; ++block) {
    BandHistogram part(layout, scenario->months, slots);
    run_block(scenario, block * block_size, block_size, part);
    forward.merge(part);
  }
  for (int block = blocks - 1; block >= 0; --block) {
    BandHistogram part(layout, scenario->months, slots);
    run_block(scenario, block * block_size, block_size, part);
    backward.merge(part);
  }

  CHECK(forward == whole);
  CHECK(backward == whole);
  bool identical = true;
  for (int month = 0; month <= scenario->months; ++month)
    for (std::size_t position = 0; position < slots.size(); ++position)
      for (const double q : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) {
        const double expected = whole.quantile(month, static_cast<int>(position), q);
        identical = identical && forward.quantile(month, static_cast<int>(position), q) == expected &&
                    backward.quantile(month, static_cast<int>(position), q) == expected;
      }
  CHECK(identical);
}

TEST_CASE("bands: an unbounded variable spread over six orders of magnitude is banded within 1%", "[bands]") {
  // Richardson's armament is declared over ±1e9 and not clipped. On a linear scale its bins
  // would be 2e6 wide and every value below would share one bin, so only the signed-log scale
  // can pass this.
  const auto scenario = load_scenario(source_path("models/richardson/example.yaml"));
  const Layout& layout = *scenario->layout;
  const int armament = layout.state_index("BLUE", "armament");
  REQUIRE(armament >= 0);

  // |x| log-uniform over [1, 1e6], three in ten negative.
  const Eigen::Index members = 10000;
  MemberArrays state = MemberArrays::Zero(members, static_cast<Eigen::Index>(layout.state().size()));
  std::vector<double> values;
  for (Eigen::Index member = 0; member < members; ++member) {
    const auto index = static_cast<std::uint64_t>(member);
    const double magnitude = std::pow(10.0, 6 * uniform_draw(5, index, 0, 0));
    const double value = uniform_draw(5, index, 0, 1) < 0.3 ? -magnitude : magnitude;
    state(member, armament) = value;
    values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  BandHistogram bands(layout, 0, {armament});
  bands.add(0, state);

  double worst = 0;
  for (const double q : band_quantiles) {
    const double exact = exact_quantile(values, q);
    worst = std::max(worst, std::abs(bands.quantile(0, 0, q) - exact) / std::abs(exact));
  }
  INFO("worst relative error " << worst);
  CHECK(worst <= 0.01);
  CHECK(bands.quantile(0, 0, 0) == values.front());
  CHECK(bands.quantile(0, 0, 1) == values.back());
}

TEST_CASE("bands: identical members, one member and an empty month", "[bands]") {
  const ModelDeclaration declaration = share_declaration(true);
  const Layout layout(declaration, {{"A", "actor"}});
  BandHistogram bands(layout, 2, {0});
  bands.add(0, column_of(std::vector<double>(1000, 0.37)));
  bands.add(1, column_of({0.42}));

  for (const double q : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) {
    CHECK(bands.quantile(0, 0, q) == 0.37);
    CHECK(bands.quantile(1, 0, q) == 0.42);
    CHECK(std::isnan(bands.quantile(2, 0, q)));
  }
  CHECK(bands.count(0) == 1000);
  CHECK(bands.count(1) == 1);
  CHECK(bands.count(2) == 0);
  CHECK_THROWS_AS(bands.add(3, column_of({0.5})), std::out_of_range);
  CHECK_THROWS_AS(bands.quantile(0, 0, 1.5), std::out_of_range);
}

TEST_CASE("bands: values at and beyond the range bounds keep the 0 and 1 quantiles exact", "[bands]") {
  SECTION("members split between the bounds of a clipped share") {
    const ModelDeclaration declaration = share_declaration(true);
    const Layout layout(declaration, {{"A", "actor"}});
    BandHistogram bands(layout, 0, {0});
    std::vector<double> values(500, 0.0);
    values.resize(1000, 1.0);
    bands.add(0, column_of(values));
    CHECK(bands.quantile(0, 0, 0) == 0.0);
    CHECK(bands.quantile(0, 0, 1) == 1.0);
    CHECK(bands.quantile(0, 0, 0.25) <= 1.0 / 1024);
    CHECK(bands.quantile(0, 0, 0.75) >= 1 - 1.0 / 1024);
    CHECK(bands.quantile(0, 0, 0.5) == Approx(0.5).margin(1.0 / 1024));  // type 7: half way across the gap
  }
  SECTION("an unclipped share beyond its declared range") {
    const ModelDeclaration declaration = share_declaration(false);
    const Layout layout(declaration, {{"A", "actor"}});
    BandHistogram bands(layout, 0, {0});
    bands.add(0, column_of({-3.0, -2.0, 0.5, 4.0, 5.0}));
    CHECK(bands.quantile(0, 0, 0) == -3.0);
    CHECK(bands.quantile(0, 0, 1) == 5.0);
    // The end bins stretch from the range bounds out to the extremes, so the 2nd and 4th members
    // are placed inside the stretched bins.
    const double bin_width = 1.0 / 1024;
    CHECK(bands.quantile(0, 0, 0.25) > -3.0);
    CHECK(bands.quantile(0, 0, 0.25) < bin_width);
    CHECK(bands.quantile(0, 0, 0.75) > 1 - bin_width);
    CHECK(bands.quantile(0, 0, 0.75) < 5.0);
    CHECK(bands.quantile(0, 0, 0.5) == Approx(0.5).margin(1.0 / 1024));
  }
}

TEST_CASE("bands: a month cannot count 2^32 members: add and merge throw and change nothing", "[bands]") {
  const ModelDeclaration declaration = share_declaration(true);
  const Layout layout(declaration, {{"A", "actor"}});
  const MemberArrays one = column_of({0.5});

  // 2^32 − 1 members without adding them one by one: sum the doublings 2^0 .. 2^31 of one member.
  BandHistogram power(layout, 0, {0}), full(layout, 0, {0});
  power.add(0, one);
  for (int doubling = 0; doubling < 32; ++doubling) {
    full.merge(power);
    if (doubling < 31) power.merge(BandHistogram(power));
  }
  REQUIRE(full.count(0) == 4294967295);
  CHECK(full.quantile(0, 0, 0.5) == 0.5);

  const BandHistogram before = full;
  CHECK_THROWS_AS(full.add(0, one), std::overflow_error);
  CHECK_THROWS_AS(full.merge(power), std::overflow_error);
  CHECK(full == before);
}

TEST_CASE("value extremes: each month's minimum and maximum over blocks merged in any order, NaN left out", "[bands]") {
  MemberArrays first(3, 2), second(2, 2);
  first << 0.5, -1, 2, 4, -3, 7;
  second << 9, std::nan(""), -8, 1;
  ValueExtremes one(1, {1, 0}), other(1, {1, 0}), together(1, {1, 0});
  one.add(1, first);
  other.add(1, second);
  together.add(1, first);
  together.add(1, second);
  ValueExtremes forward = one, backward = other;
  forward.merge(other);
  backward.merge(one);
  for (const ValueExtremes* extremes : {&forward, &backward, &together}) {
    CHECK(extremes->minimum(1, 0) == -1);  // slot 1: −1, 4, 7, NaN, 1
    CHECK(extremes->maximum(1, 0) == 7);
    CHECK(extremes->minimum(1, 1) == -8);  // slot 0: 0.5, 2, −3, 9, −8
    CHECK(extremes->maximum(1, 1) == 9);
    CHECK(std::isinf(extremes->minimum(0, 0)));  // month 0: no members
  }
  CHECK_THROWS_AS(one.add(2, first), std::out_of_range);
  CHECK_THROWS_AS(one.merge(ValueExtremes(1, {0})), std::invalid_argument);
}
