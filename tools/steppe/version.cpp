// `steppe version`: which steppe this is, for people and (with --json) for scripts that record
// provenance or check what a build can do: its version, its models and their versions, and
// whether it can spread sweeps over MPI ranks.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "app/json.hpp"
#include "tools/steppe/command_registry.hpp"

namespace steppe::cli {

namespace {

#ifdef STEPPE_HAVE_MPI
constexpr bool with_mpi = true;
#else
constexpr bool with_mpi = false;
#endif

int version_command(bool json) {
  if (json)
    std::cout << app::json::build(app::build_info(STEPPE_VERSION, with_mpi)).dump(2) << "\n";
  else
    std::cout << fmt::format("steppe {}\n", STEPPE_VERSION);
  return 0;
}

const CommandRegistration version_registration(110, [](CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* version = app.add_subcommand("version", "Which steppe this is: its version, models and MPI support");
  version->add_flag("--json", *json, "Machine-readable output");
  return Command{version, [json](const std::string&) { return version_command(*json); }};
});

}  // namespace

}  // namespace steppe::cli
