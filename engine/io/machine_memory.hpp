// How much memory this process holds and how much more the machine can give it: what a run
// weighs its estimate against before it allocates (Linux: /proc and the cgroup's limit).
#pragma once

#include <cstddef>
#include <optional>

namespace steppe {

// The process's resident memory now.
std::size_t resident_bytes();

// What the process can still take: the kernel's MemAvailable, and no more than its cgroup's
// memory.max leaves (a batch job's or a container's limit); nullopt where neither is known.
std::optional<std::size_t> available_bytes();

}  // namespace steppe
