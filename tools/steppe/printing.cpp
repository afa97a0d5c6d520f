// What the commands share when they show results: JSON or silence for machines, the "wrote"
// line, files written through an OutputFolder, outcome values for people.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>

#include "tools/steppe/commands.hpp"
#include "tools/steppe/interrupt.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

std::string outcome_text(const OutcomeSpec& outcome, double value, const Scenario& scenario) {
  switch (outcome.statistic) {
    case Statistic::first_above:
    case Statistic::first_below:
      return std::isfinite(value) ? scenario.date(static_cast<int>(value)).to_string() : "never";
    case Statistic::months_above:
    case Statistic::months_below:
      return fmt::format("{:g}", value);
    default:
      return format_for_people(value);
  }
}

bool printed_for_machines(bool quiet, bool json, const std::vector<std::filesystem::path>& written,
                          const std::string& document) {
  if (json && !quiet)
    for (const std::filesystem::path& file : written)
      if (file.filename() == document) std::cout << std::ifstream(file, std::ios::binary).rdbuf();
  return quiet || json;
}

std::vector<std::filesystem::path> write_files(OutputFolder& folder, const std::vector<app::OutputFile>& files) {
  for (const app::OutputFile& file : files) {
    if (interrupted()) throw Interrupted{};
    folder.add(file.name, file.write);
  }
  if (interrupted()) throw Interrupted{};
  return folder.commit();
}

void print_written(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return;
  std::string names;
  for (const auto& file : files) names += (names.empty() ? "" : ", ") + file.filename().string();
  std::cout << fmt::format("\nwrote {}/ : {}\n", files.front().parent_path().string(), names);
}

}  // namespace steppe::cli
