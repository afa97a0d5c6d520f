// Fuzz target: a sweep file (docs/sweeps.md), loaded as `steppe sweep FILE` loads it: the
// scenario it is, then its `sweep:` section — design and its keys, replicates, policies, goals.
// Seeds: corpus/sweep/ — examples/sweeps/ and a few more.
#include "engine/io/sweep_loader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = steppe::fuzz::write_input(data, size, "fuzz_sweep.yaml");
  return steppe::fuzz::expect_input_errors([&] { steppe::load_sweep(file, {}); });
}
