// Fuzz target: a wargame's game definition (docs/wargame.md), read as `steppe wargame new FILE`
// reads it: whether it is a definition at all, then the definition with its scenario, teams,
// menus, budgets, injects and counterfactual. Seeds: corpus/definition/ — the classroom game and
// the command-line tests' definitions.
#include "engine/io/wargame_files.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = steppe::fuzz::write_input(data, size, "fuzz_definition.yaml");
  return steppe::fuzz::expect_input_errors([&] {
    if (steppe::wargame::is_definition_file(file)) steppe::wargame::load_definition(file);
  });
}
