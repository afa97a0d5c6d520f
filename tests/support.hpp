// Helpers shared by the test suites: paths into the source tree and scenarios written on the fly.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/io/scenario_loader.hpp"
#include "engine/observers.hpp"
#include "engine/simulation.hpp"

namespace steppe::testing {

inline std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(STEPPE_SOURCE_DIR) / relative;
}

// A fresh empty folder under the system temp folder, unique to this process and name.
// What a writer of a stream (write_outcomes_csv and the like) writes, as text.
inline std::string written_text(const std::function<void(std::ostream&)>& write) {
  std::ostringstream out;
  write(out);
  return std::move(out).str();
}

inline std::filesystem::path fresh_folder(const std::string& name) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("steppe-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

// Writes `yaml` to a file and loads it; "{scenarios}" in the text becomes the absolute path of
// the shipped scenarios folder, so a test scenario can extend a shipped one.
inline std::shared_ptr<const Scenario> scenario_from_yaml(std::string yaml, const LoadOptions& options = {},
                                                          const std::string& name = "scenario") {
  const std::string marker = "{scenarios}";
  for (auto at = yaml.find(marker); at != std::string::npos; at = yaml.find(marker))
    yaml.replace(at, marker.size(), source_path("scenarios").string());
  const auto file = fresh_folder(name) / (name + ".yaml");
  std::ofstream(file) << yaml;
  return load_scenario(file, options);
}

inline std::shared_ptr<const Scenario> shipped_scenario(const std::string& name, const LoadOptions& options = {}) {
  return load_scenario(source_path("scenarios/" + name + ".yaml"), options);
}

// Runs a scenario to its horizon and keeps every month.
inline std::vector<MemberArrays> run_months(std::shared_ptr<const Scenario> scenario, std::int64_t members = 1) {
  Simulation simulation(std::move(scenario), {members, 0});
  TrajectoryRecorder recorder;
  simulation.run(&recorder);
  return recorder.months();
}

// Steps to the end, keeping the state after every step.
inline std::vector<MemberArrays> run_rest(Simulation& simulation) {
  std::vector<MemberArrays> months;
  while (!simulation.finished()) {
    simulation.step();
    months.push_back(simulation.state());
  }
  return months;
}

// The same months, each of the same shape and bit for bit the same values.
inline bool identical(const std::vector<MemberArrays>& a, const std::vector<MemberArrays>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t month = 0; month < a.size(); ++month)
    if (a[month].rows() != b[month].rows() || a[month].cols() != b[month].cols() || !(a[month] == b[month]).all())
      return false;
  return true;
}

}  // namespace steppe::testing
