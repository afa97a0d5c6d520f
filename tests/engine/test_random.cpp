// Counter-based per-member random streams (engine/random.hpp).
#include <catch2/catch.hpp>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>

#include "engine/random.hpp"

using steppe::uniform_draw;

TEST_CASE("uniform_draw lies strictly inside (0, 1)", "[random]") {
  for (std::uint64_t member = 0; member < 50; ++member)
    for (std::uint32_t month = 0; month < 40; ++month)
      for (std::uint32_t draw = 0; draw < 5; ++draw) {
        const double u = uniform_draw(7, member, month, draw);
        REQUIRE(u > 0.0);
        REQUIRE(u < 1.0);
      }
  // Extremes of every coordinate.
  for (std::uint64_t seed : {std::uint64_t{0}, ~std::uint64_t{0}}) {
    const double u = uniform_draw(seed, ~std::uint64_t{0}, ~std::uint32_t{0}, ~std::uint32_t{0});
    CHECK(u > 0.0);
    CHECK(u < 1.0);
  }
}

TEST_CASE("uniform_draw is a pure function of (seed, member, month, draw)", "[random]") {
  for (std::uint32_t month = 0; month < 10; ++month) {
    const double first = uniform_draw(42, 3, month, 1);
    // Other draws in between change nothing: there is no hidden generator state.
    (void)uniform_draw(42, 4, month, 1);
    (void)uniform_draw(43, 3, month, 2);
    CHECK(uniform_draw(42, 3, month, 1) == first);
  }
}

TEST_CASE("uniform_draw differs across seeds, members, months and draws", "[random]") {
  const double base = uniform_draw(42, 3, 10, 1);
  CHECK(uniform_draw(43, 3, 10, 1) != base);
  CHECK(uniform_draw(42, 4, 10, 1) != base);
  CHECK(uniform_draw(42, 3, 11, 1) != base);
  CHECK(uniform_draw(42, 3, 10, 2) != base);
  // Month and draw share a counter word: (month 1, draw 0) and (month 0, draw 1) must not collide,
  // nor a large draw number with the next month.
  CHECK(uniform_draw(42, 3, 1, 0) != uniform_draw(42, 3, 0, 1));
  CHECK(uniform_draw(42, 3, 1, 0) != uniform_draw(42, 3, 0, 0xFFFFu));
  // Member and seed are not interchangeable.
  CHECK(uniform_draw(3, 42, 10, 1) != base);

  // Across many streams no value repeats.
  std::set<double> seen;
  for (std::uint64_t seed = 0; seed < 4; ++seed)
    for (std::uint64_t member = 0; member < 25; ++member)
      for (std::uint32_t month = 0; month < 20; ++month)
        for (std::uint32_t draw = 0; draw < 5; ++draw) seen.insert(uniform_draw(seed, member, month, draw));
  CHECK(seen.size() == 4u * 25u * 20u * 5u);
}

TEST_CASE("uniform_draw has mean 0.5 and variance 1/12 over 100k draws", "[random]") {
  constexpr int count = 100000;
  double sum = 0, sum_squares = 0;
  int below_tenth = 0;
  for (int i = 0; i < count; ++i) {
    const double u = uniform_draw(1, static_cast<std::uint64_t>(i % 1000), static_cast<std::uint32_t>(i / 1000), 0);
    sum += u;
    sum_squares += u * u;
    if (u < 0.1) ++below_tenth;
  }
  const double mean = sum / count;
  CHECK(mean == Approx(0.5).margin(0.01));
  CHECK(sum_squares / count - mean * mean == Approx(1.0 / 12.0).margin(0.005));
  CHECK(static_cast<double>(below_tenth) / count == Approx(0.1).margin(0.01));
}

TEST_CASE("the stream table's ranges and tags do not overlap, and keep their numbers", "[random]") {
  using namespace steppe;
  // Within a simulated month: the models' streams, the firings' among them, then one range per
  // lever policy, each right after the last, the last ending at 2^32.
  CHECK(firing_streams_end < model_streams_end);
  CHECK(first_stream_of_lever_policy(0) == model_streams_end);
  for (std::uint32_t policy = 0; policy + 1 < max_lever_policies; ++policy)
    REQUIRE(first_stream_of_lever_policy(policy + 1) - first_stream_of_lever_policy(policy) ==
            streams_per_lever_policy);
  CHECK(std::uint64_t{first_stream_of_lever_policy(max_lever_policies - 1)} + streams_per_lever_policy ==
        std::uint64_t{1} << 32);

  // Outside them: every tag its own month, above any month a run reaches (the loader's 6000).
  CHECK(first_tag_month > 6000);
  std::set<std::uint32_t> months;
  for (const StreamTag tag : stream_tags) {
    CHECK(tag_month(tag) >= first_tag_month);
    CHECK(months.insert(tag_month(tag)).second);
  }
  CHECK(sampled_policies_seed_salt != 0);

  // The numbers every output was made with: changing one changes designs, intervals or draws.
  CHECK(model_streams_end == 0x8000'0000u);
  CHECK(firing_streams_end == 0xFFFFu);
  CHECK(streams_per_lever_policy == 0x1'0000u);
  const std::map<StreamTag, std::uint32_t> numbers = {
      {StreamTag::monte_carlo, 0xFFFFFF00u},      {StreamTag::latin_strata, 0xFFFFFF01u},
      {StreamTag::latin_pairing, 0xFFFFFF02u},    {StreamTag::sobol_shift, 0xFFFFFF03u},
      {StreamTag::morris_start, 0xFFFFFF04u},     {StreamTag::morris_order, 0xFFFFFF05u},
      {StreamTag::morris_direction, 0xFFFFFF06u}, {StreamTag::sobol_bootstrap, 0xFFFFFF10u},
      {StreamTag::morris_bootstrap, 0xFFFFFF11u}, {StreamTag::given_data_bootstrap, 0xFFFFFF12u},
      {StreamTag::prim_resampling, 0xFFFFFF13u},  {StreamTag::uncertain_inputs, 0xFFFFFFFFu}};
  CHECK(numbers.size() == std::size(stream_tags));
  for (const StreamTag tag : stream_tags) CHECK(tag_month(tag) == numbers.at(tag));
  CHECK(sampled_policies_seed_salt == 0x9E3779B97F4A7C15u);
}
