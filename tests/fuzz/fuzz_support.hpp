// What the fuzz targets share (docs/fuzzing.md): the loaders read files, so each input is written
// to a file in a scratch folder laid out like the repository — the shipped files' `extends:` and
// `scenario:` paths resolve from it, so that the fuzzer reaches past the first file — and bad
// input may raise only the project's InputError: anything else escapes to libFuzzer, a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/errors.hpp"

namespace steppe::fuzz {

// The repository (for the files a target loads as they are, such as a game to submit moves to).
std::filesystem::path source_dir();

// Writes the input to `name` in the scratch folder and returns its path. Beside it are links to
// the shipped scenarios, sweep files and classroom files (`extends: baseline.yaml`), and above
// it links to scenarios/, examples/ and models/ at the depths the shipped files name them from
// (../scenarios/, ../../models/, ../../../scenarios/). The folder, in TMPDIR, goes at exit.
std::filesystem::path write_input(const std::uint8_t* data, std::size_t size, const std::string& name);

// Runs `load`: an InputError is the answer to bad input; any other exception escapes.
template <class Load>
int expect_input_errors(Load&& load) {
  try {
    load();
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace steppe::fuzz
