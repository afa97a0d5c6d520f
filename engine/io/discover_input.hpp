// The cases of scenario discovery (`steppe discover`, docs/discovery.md) built from a sweep
// database or from a CSV file exported from anywhere: one case per run (or row), its inputs
// (the uncertain factors, and for a policies × scenarios sweep the policy as a category plus
// each lever every policy sets), and whether the --where condition holds in it. Every
// problem with the names, the cells or the condition is an InputError saying where.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/analysis/condition.hpp"
#include "engine/analysis/prim.hpp"
#include "engine/io/sweep_database.hpp"

namespace steppe {

struct DiscoverCases {
  std::string source;                   // e.g. "policies.sqlite: latin_hypercube design, 900 runs"
  std::string cases_word = "runs";      // what a case is: "runs" of a sweep, "rows" of a CSV file
  std::vector<std::string> dimensions;  // the inputs' names, in the order of PrimCases' columns
  // Per dimension: the categories' names by code, empty for a numeric dimension.
  std::vector<std::vector<std::string>> category_names;
  PrimCases cases;
  std::int64_t of_interest = 0;  // cases where the condition holds
  std::int64_t undefined = 0;    // cases where an outcome of the condition is undefined (so it fails)
};

// Every run in the database (an unfinished sweep's runs so far). Throws InputError for an
// outcome the database does not have (with "did you mean"), and for a condition that holds in
// no run or in every run.
DiscoverCases discover_cases(const SweepDatabase& database, const OutcomeCondition& condition);

// Every row of a CSV file with a header row: `inputs` name its input columns (numbers, or a
// column of names, which becomes a categorical dimension), the condition's outcomes name other
// columns (numbers; an empty cell or "nan" is undefined). InputErrors name the flag, or the
// file, line and column of a bad cell.
DiscoverCases discover_cases_from_csv(const std::filesystem::path& file, const std::vector<std::string>& inputs,
                                      const OutcomeCondition& condition);

}  // namespace steppe
