// Loading a sweep file (docs/sweeps.md): a scenario whose uncertainties are the factors, and a
// `sweep:` section with the design, replicates and database. Every problem is an InputError
// with file:line:column, the key path and a "did you mean", like the scenario loader's.
#pragma once

#include <filesystem>

#include "engine/io/scenario_loader.hpp"
#include "engine/sweep.hpp"

namespace steppe {

Sweep load_sweep(const std::filesystem::path& file, const LoadOptions& options = {});

}  // namespace steppe
