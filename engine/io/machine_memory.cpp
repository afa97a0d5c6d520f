#include "engine/io/machine_memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace steppe {

namespace {

// The first whole number in `file`, or nullopt (no such file, or "max").
std::optional<std::size_t> number_in(const std::string& file) {
  std::ifstream in(file);
  std::size_t value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

// What the cgroup (v2) this process runs in still allows it: memory.max − memory.current.
std::optional<std::size_t> cgroup_headroom() {
  std::ifstream membership("/proc/self/cgroup");
  for (std::string line; std::getline(membership, line);) {
    if (line.rfind("0::", 0) != 0) continue;
    const std::string folder = "/sys/fs/cgroup" + line.substr(3);
    const auto limit = number_in(folder + "/memory.max"), used = number_in(folder + "/memory.current");
    if (!limit || !used) return std::nullopt;
    return *limit > *used ? *limit - *used : 0;
  }
  return std::nullopt;
}

}  // namespace

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

std::optional<std::size_t> available_bytes() {
  std::optional<std::size_t> available;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream fields(line.substr(13));
      std::size_t kilobytes = 0;
      if (fields >> kilobytes) available = kilobytes * 1024;
    }
  if (const auto headroom = cgroup_headroom()) available = available ? std::min(*available, *headroom) : *headroom;
  return available;
}

}  // namespace steppe
