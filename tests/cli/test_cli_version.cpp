// `steppe version`: the version for people, and for scripts the models and MPI support of the
// build, agreeing with `describe` and with how the binary was built.
#include <catch2/catch.hpp>
#include <set>

#include "cli/cli_support.hpp"

using namespace steppe::cli_testing;

TEST_CASE("steppe version prints the version, and with --json the models and whether MPI is built in",
          "[cli][version]") {
  const RunResult plain = run_steppe({"version"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out == std::string("steppe ") + STEPPE_VERSION_TEXT + "\n");

  const RunResult json = run_steppe({"version", "--json"});
  REQUIRE(json.exit_code == 0);
  const auto document = nlohmann::json::parse(json.out);
  CHECK(document["name"] == "steppe");
  CHECK(document["version"] == STEPPE_VERSION_TEXT);
#ifdef STEPPE_HAVE_MPI
  CHECK(document["mpi"] == true);
#else
  CHECK(document["mpi"] == false);
#endif
  std::set<std::string> versioned, described;
  for (const auto& model : document["models"]) {
    versioned.insert(model["name"].get<std::string>());
    CHECK_FALSE(model["version"].get<std::string>().empty());
  }
  for (const auto& model : nlohmann::json::parse(run_steppe({"describe", "--json"}).out))
    described.insert(model["name"].get<std::string>());
  CHECK(versioned == described);
}

TEST_CASE("steppe --help lists every command, version included", "[cli][version]") {
  const RunResult help = run_steppe({"--help"});
  CHECK(help.exit_code == 0);
  for (const std::string command : {"run", "compare", "describe", "validate", "sweep", "analyze", "discover", "export",
                                    "merge", "wargame", "version"})
    CHECK(table_row(help.out, command).size() == 2);
}
