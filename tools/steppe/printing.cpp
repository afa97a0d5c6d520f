// What the commands share when they show results: JSON or silence for machines, the "wrote"
// line, files written through an OutputFolder, outcome values for people.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>

#include "app/json.hpp"
#include "engine/errors.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/interrupt.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

std::string outcome_text(const OutcomeSpec& outcome, double value, const Scenario& scenario) {
  switch (outcome.statistic) {
    case Statistic::first_above:
    case Statistic::first_below:
      return std::isfinite(value) ? scenario.crossing_date(value) : "never";
    case Statistic::months_above:
    case Statistic::months_below:
      return fmt::format("{:g}", value);
    default:
      return format_for_people(value);
  }
}

std::string never_text(const OutcomeSpec& outcome, const OutcomeStatistics& statistics) {
  if (!outcome.is_month()) return "";
  return fmt::format("{} of {}", statistics.members_without_value,
                     statistics.members_with_value + statistics.members_without_value);
}

bool printed_for_machines(bool quiet, bool json, const std::vector<std::filesystem::path>& written,
                          const std::string& document) {
  if (json)
    for (const std::filesystem::path& file : written)
      if (file.filename() == document) std::cout << std::ifstream(file, std::ios::binary).rdbuf();
  return quiet || json;
}

std::vector<std::filesystem::path> write_files(OutputFolder& folder, const std::vector<app::OutputFile>& files) {
  for (const app::OutputFile& file : files) {
    if (interrupted()) throw Interrupted{};  // no more work for files that will not be committed
    folder.add(file.name, file.write);
  }
  return folder.commit();
}

void print_memory_estimate(const std::optional<app::MemoryEstimate>& memory, std::size_t trajectories_file_bytes,
                           bool json) {
  if (!memory) throw InputError({"<command line>"}, "--estimate", "estimates an ensemble's memory: add --members N");
  if (json) {
    std::cout << app::json::memory_estimate(*memory, trajectories_file_bytes).dump(2) << "\n";
    return;
  }
  const auto& parts = memory->ensembles;
  Table table({"memory at the height of the run", "about"});
  table.add_row({"steppe and the scenario", app::bytes_text(memory->process)});
  table.add_row({"each member's draws and outcomes", app::bytes_text(parts.members)});
  if (parts.trajectories > 0) table.add_row({"kept trajectories", app::bytes_text(parts.trajectories)});
  table.add_row({fmt::format("bands, means and a block, on {} thread{}", parts.threads, parts.threads == 1 ? "" : "s"),
                 app::bytes_text(parts.per_thread * static_cast<std::size_t>(parts.threads))});
  table.add_row({"one outcome's values for its statistics", app::bytes_text(memory->summary)});
  table.add_row({"in all", app::bytes_text(memory->total())});
  std::cout << table.render();
  std::cout << (memory->available ? fmt::format("available: {}{}\n", app::bytes_text(*memory->available),
                                                memory->fits() ? "" : " — too little: add --yes to run anyway")
                                  : "available: unknown on this machine\n");
  if (trajectories_file_bytes > 0)
    std::cout << fmt::format("trajectories.csv: about {}\n", app::bytes_text(trajectories_file_bytes));
}

void print_warnings(const std::vector<std::string>& warnings, bool quiet) {
  if (quiet) return;
  for (const std::string& warning : warnings) std::cerr << "steppe: warning: " << warning << "\n";
}

void print_written(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return;
  std::string names;
  for (const auto& file : files) names += (names.empty() ? "" : ", ") + file.filename().string();
  std::cout << fmt::format("\nwrote {}/ : {}\n", files.front().parent_path().string(), names);
}

}  // namespace steppe::cli
