// Helpers of the sweep tests: a sweep file written into its own scratch folder, the factors most
// of them vary, and a database's runs read back for comparison.
#pragma once

#include <string>
#include <vector>

#include "cli/cli_support.hpp"
#include "engine/io/sweep_database.hpp"

namespace steppe::cli_testing {

// A sweep file in its own folder, extending the calibrated scenario.
inline fs::path write_sweep(const std::string& name, const std::string& body) {
  const fs::path folder = scratch("sweep-" + name);
  write_text_file(folder / "sweep.yaml",
                  "extends: " + (root_folder() / "scenarios" / "calibrated.yaml").string() + "\n" + body);
  return folder;
}

inline const std::string two_factors =
    "stochastic: true\n"
    "uncertainties:\n"
    "  CHN.k: {uniform: [0.14, 0.26]}\n"
    "  alpha: {uniform: [0.035, 0.065]}\n";

inline std::vector<std::vector<std::string>> runs_of(const fs::path& database) {
  return steppe::SweepDatabase::open(database).query("SELECT * FROM runs ORDER BY run").rows;
}

}  // namespace steppe::cli_testing
