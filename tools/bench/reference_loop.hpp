// The hand-fused reference loop that steppe_bench times next to the step loop
// (reference_loop.cpp says what it is and why).
#pragma once

#include <cstdint>

namespace steppe::reference {

// Steps a block of `members` members of the calibrated scenario, stochastic, for `months`
// months; their random streams are those of members first_member… of `seed`.
void run_block(int members, std::uint64_t first_member, std::uint64_t seed, int months);

// Whether a deterministic run reproduces docs/model.md §8's calibrated checkpoints to 1e-9; any
// value that does not is reported on stderr.
bool check();

}  // namespace steppe::reference
