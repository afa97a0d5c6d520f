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

// Which of a member's streams (uniform_draw's `draw`) each part of a run draws from, within a
// month, so that no two parts draw the same numbers:
//   [0, model_streams_end)        the model's random events, each from the streams its
//                                 declaration gives it (RandomEventDecl, engine/model.hpp); the
//                                 random size of a scheduled event draws from the stream of the
//                                 firing's place among the month's firings, below
//                                 firing_streams_end;
//   [model_streams_end, 2^32)     the lever policies (engine/lever_policy.hpp),
//                                 streams_per_lever_policy each, in the order of the list.
// The members' uncertain inputs are drawn once, at construction, at sampling_month (a month no
// step reaches): stream i is the draw of the scenario's uncertainty i.
inline constexpr std::uint32_t model_streams_end = 0x8000'0000u;
inline constexpr std::uint32_t firing_streams_end = 0xFFFFu;
inline constexpr std::uint32_t streams_per_lever_policy = 1u << 16;
inline constexpr std::uint32_t sampling_month = 0xFFFF'FFFFu;

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
