// How the processes that step members set up glibc's heap (steppe and steppe_bench alike, so
// that the benchmark measures what steppe runs).
#pragma once

#include <malloc.h>

namespace steppe {

// Ensembles, sweeps and the step loop make a block's arrays (hundreds of kilobytes) for every
// block of members. By default glibc maps each afresh and the kernel zeroes its pages: 15,000
// page faults in a 100,000-member run, a tenth of its time. Held in the heap instead (up to
// 32 MB an array, and 128 MB kept when freed), they are reused.
inline void keep_block_arrays_in_heap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

}  // namespace steppe
