// How many threads a pool of oneTBB workers gets. Results never depend on it (members and runs
// draw from their own streams and are merged exactly); only speed does.
#pragma once

#include <oneapi/tbb/info.h>

#include <algorithm>

namespace steppe {

// `requested` threads (0: every core), at most the cores oneTBB may use: above that it would
// cap the arena itself and print a warning on stderr.
inline int pool_threads(int requested) {
  const int cores = tbb::info::default_concurrency();
  return requested > 0 ? std::min(requested, cores) : cores;
}

}  // namespace steppe
