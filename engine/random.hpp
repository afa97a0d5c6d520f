// Per-member random streams: a counter-based generator (Random123), keyed by (seed, member).
//
// A draw is a pure function of (seed, member index, month, draw number), so results never
// depend on thread count, block size, process count or the order members are stepped in, and
// a checkpoint needs no generator state beyond the month it was taken at.
//
// The generator is Threefry-2x64 with its full 20 rounds (Random123's default; 13 already pass
// BigCrush). Philox-2x64 needs 64×64→128-bit multiplies that no SIMD unit has, and took 9 ns
// per draw on our machines; Threefry is adds, rotations and xors, which the compiler
// vectorizes in the kernels' loops over members: about 2 ns per draw.
#pragma once

#include <Random123/threefry.h>

#include <Random123/uniform.hpp>
#include <cstdint>

namespace steppe {

// The one table of the random streams. Every random number of the project is a draw
// uniform_draw(seed, member, month, draw); this table says which part draws which numbers, so that
// no two parts draw the same ones (tests/engine/test_random.cpp checks that no range or tag below
// overlaps another). A new random use takes its range or tag here.
//
// In a simulated month (months 0..6000, the loader's limit), each member's `draw` words:
//   [0, model_streams_end)        the model's random events, each from the streams its
//                                 declaration gives it (RandomEventDecl, engine/model.hpp: the
//                                 model's own numbers; deterrence's incident and the function
//                                 models' noise from 0, the flagship's crisis at
//                                 firing_streams_end); the random size of a scheduled
//                                 event draws from the stream of the firing's place among the
//                                 month's firings, below firing_streams_end;
//   [model_streams_end, 2^32)     the lever policies (engine/lever_policy.hpp, drawn through
//                                 LeverPolicyContext::first_draw), streams_per_lever_policy each,
//                                 in the order of the simulation's list.
// The wargame's intelligence noise (normal_draw in engine/wargame.cpp) has no range of its own: it
// draws (the scenario's seed, team number 1.., month, 2·slot and 2·slot + 1), the model streams of
// members 1.., so a team's noise shares numbers with those members' random events.
inline constexpr std::uint32_t model_streams_end = 0x8000'0000u;
inline constexpr std::uint32_t firing_streams_end = 0xFFFFu;
inline constexpr std::uint32_t streams_per_lever_policy = 1u << 16;
inline constexpr std::uint32_t max_lever_policies =
    static_cast<std::uint32_t>(((std::uint64_t{1} << 32) - model_streams_end) / streams_per_lever_policy);

// Where lever policy `policy` (its place in the simulation's list, below max_lever_policies)
// begins its streams.
constexpr std::uint32_t first_stream_of_lever_policy(std::uint32_t policy) {
  return model_streams_end + policy * streams_per_lever_policy;
}

// Draws outside the simulated months: each use has a tag of its own in the `month` word, far
// above any month a run reaches, and numbers the `member` and `draw` words as it says.
enum class StreamTag : std::uint32_t {
  // The sweep designs (engine/designs.cpp), keyed by the sweep's seed (the scenario's; for the
  // sampled policies of a sweep file, XORed with sampled_policies_seed_salt below).
  monte_carlo = 0xFFFF'FF00u,       // monte_carlo_design: member = point, draw = factor
  latin_strata = 0xFFFF'FF01u,      // latin_hypercube_design, the place within the stratum:
                                    // member = point, draw = factor
  latin_pairing = 0xFFFF'FF02u,     // latin_hypercube_design, the strata's order (Fisher–Yates):
                                    // member = factor, draw = the shuffle's step
  sobol_shift = 0xFFFF'FF03u,       // scrambled_sobol_rows, the digital shift: member = dimension,
                                    // draw 0
  morris_start = 0xFFFF'FF04u,      // morris_design, the starting levels: member = trajectory,
                                    // draw = factor
  morris_order = 0xFFFF'FF05u,      // morris_design, the order the factors move in (Fisher–Yates):
                                    // member = trajectory, draw = the shuffle's step
  morris_direction = 0xFFFF'FF06u,  // morris_design, up or down: member = trajectory,
                                    // draw = factor
  // The analyses (engine/analysis), keyed by Confidence::seed (or PRIM's seed).
  sobol_bootstrap = 0xFFFF'FF10u,       // Sobol indices' bootstrap: member = resample, draw = row
  morris_bootstrap = 0xFFFF'FF11u,      // Morris measures' bootstrap, the seed plus the factor's
                                        // place: member = resample, draw = row
  given_data_bootstrap = 0xFFFF'FF12u,  // given-data measures: member = resample, draw = row; and
                                        // their shuffles, member = 2^32 + shuffle, draw = the
                                        // shuffle's step
  prim_resampling = 0xFFFF'FF13u,       // PRIM's resampled cases: member = resample, draw = case
  // The simulation (engine/simulation.cpp), keyed by the scenario's seed.
  uncertain_inputs = 0xFFFF'FFFFu,  // the members' uncertain inputs, drawn once at construction:
                                    // member = member, draw = the scenario's uncertainty
};

// Every tag above, and the lowest month any takes, for the test that they are apart.
inline constexpr StreamTag stream_tags[] = {
    StreamTag::monte_carlo,          StreamTag::latin_strata,    StreamTag::latin_pairing,
    StreamTag::sobol_shift,          StreamTag::morris_start,    StreamTag::morris_order,
    StreamTag::morris_direction,     StreamTag::sobol_bootstrap, StreamTag::morris_bootstrap,
    StreamTag::given_data_bootstrap, StreamTag::prim_resampling, StreamTag::uncertain_inputs};
inline constexpr std::uint32_t first_tag_month = 0xFFFF'FF00u;

// The `month` word of a tag's draws.
constexpr std::uint32_t tag_month(StreamTag tag) { return static_cast<std::uint32_t>(tag); }

// The seed of the Latin hypercube over a sweep file's sampled policies (engine/io/sweep_loader.cpp)
// is the scenario's XOR this, so that it is not the Latin hypercube of the sweep's scenario points.
inline constexpr std::uint64_t sampled_policies_seed_salt = 0x9E37'79B9'7F4A'7C15u;

// Uniform on (0, 1): equispaced, never exactly 0 or 1.
[[gnu::always_inline]] inline double uniform_draw(std::uint64_t seed, std::uint64_t member, std::uint32_t month,
                                                  std::uint32_t draw) {
  using Generator = r123::Threefry2x64;
  const Generator::key_type key = {{seed, 0}};
  const Generator::ctr_type counter = {{(static_cast<std::uint64_t>(month) << 32) | draw, member}};
  const Generator::ctr_type bits = Generator()(counter, key);
  return r123::u01fixedpt<double>(bits.v[0]);
}

}  // namespace steppe
