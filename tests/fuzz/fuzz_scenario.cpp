// Fuzz target: a scenario file, loaded as `steppe validate FILE` loads it (app::validate: the
// scenario loader with its `extends:` chain, and the sweep loader too when the file has a sweep
// section). Seeds: corpus/scenario/ — the shipped scenarios and the command-line tests' bad ones.
#include "app/what_if.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string file = steppe::fuzz::write_input(data, size, "fuzz_scenario.yaml").string();
  return steppe::fuzz::expect_input_errors([&] { steppe::app::validate(file, {}); });
}
