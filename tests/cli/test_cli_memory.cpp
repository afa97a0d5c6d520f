// Memory: an ensemble's estimate (`--estimate --json`) against the peak the real binary reaches
// (the child's ru_maxrss, from wait4) at two sizes with and without kept trajectories; refusal
// when the estimate exceeds what is available; --estimate for people and for a single run; a
// million members within 512 MB; the export of a large sweep database within a bound that
// holding its tables would exceed.
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "cli/cli_support.hpp"
#include "engine/io/sweep_database.hpp"

extern char** environ;

namespace {

using namespace steppe::cli_testing;
using steppe::SweepDatabase;

const std::string calibrated = (root_folder() / "scenarios/calibrated.yaml").string();

// The peak resident memory, in bytes, of `steppe ARGS...` (output to /dev/null); requires exit 0.
std::size_t peak_bytes(const std::vector<std::string>& args) {
  std::vector<std::string> words = {STEPPE_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t child = 0;
  REQUIRE(posix_spawn(&child, STEPPE_BINARY, &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(child, &status, 0, &usage) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return static_cast<std::size_t>(usage.ru_maxrss) * 1024;
}

nlohmann::json estimate_of(const std::vector<std::string>& args) {
  std::vector<std::string> asked = args;
  asked.insert(asked.end(), {"--estimate", "--json"});
  const RunResult result = run_steppe(asked);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

// The run's estimate and its peak agree within 25% (not measured under the address sanitizer,
// whose shadow memory and freed-memory quarantine are no part of what steppe itself holds).
void check_estimate(const std::string& name, const std::vector<std::string>& ensemble) {
#if defined(__SANITIZE_ADDRESS__)
  WARN("built with the address sanitizer: " << name << "'s peak is not compared with its estimate");
  return;
#endif
  std::vector<std::string> args = {"run", calibrated, "--months", "24", "--threads", "2"};
  args.insert(args.end(), ensemble.begin(), ensemble.end());
  const nlohmann::json estimate = estimate_of(args);
  args.insert(args.end(), {"--out", (scratch("memory-" + name) / "out").string()});
  const auto peak = static_cast<double>(peak_bytes(args));
  const double estimated = estimate["total_bytes"].get<double>();
  INFO(name << ": estimate " << estimate.dump() << ", peak " << peak);
  CHECK(estimated >= 0.75 * peak);
  CHECK(estimated <= 1.25 * peak);
}

TEST_CASE("memory: an ensemble's estimate is within 25% of its peak at 20,000 and 500,000 members", "[cli][memory]") {
  check_estimate("20k", {"--members", "20000"});
  check_estimate("500k", {"--members", "500000"});
}

TEST_CASE("memory: 1,000,000 members of 120 months with bands (the charted ones or all) and outcomes peak under 512 MB",
          "[cli][memory]") {
#if defined(__SANITIZE_ADDRESS__)
  WARN("built with the address sanitizer: the peak is not measured");
  return;
#endif
  for (const bool all : {false, true}) {
    std::vector<std::string> args = {"run", calibrated, "--members", "1000000", "--threads", "2", "-q"};
    if (all) args.push_back("--all-bands");
    args.insert(args.end(), {"--out", (scratch(all ? "memory-1m-all" : "memory-1m") / "out").string()});
    const std::size_t peak = peak_bytes(args);
    INFO((all ? "every band" : "the charted bands") << ": peak " << peak);
    CHECK(peak < std::size_t{512} << 20);
  }
}

TEST_CASE("memory: with kept trajectories the estimate is within 25% of the peak at 500 and 3,000 members",
          "[cli][memory]") {
  check_estimate("keep-500", {"--members", "500", "--keep-trajectories"});
  check_estimate("keep-3000", {"--members", "3000", "--keep-trajectories"});
}

TEST_CASE("memory: the estimate grows with the members by their draws and outcomes, and with kept trajectories",
          "[cli][memory]") {
  const nlohmann::json small = estimate_of({"run", calibrated, "--members", "2000", "--threads", "1"});
  const nlohmann::json large = estimate_of({"run", calibrated, "--members", "4000", "--threads", "1"});
  CHECK(large["members_bytes"].get<double>() == 2 * small["members_bytes"].get<double>());
  CHECK(large["per_thread_bytes"] == small["per_thread_bytes"]);
  const nlohmann::json kept =
      estimate_of({"run", calibrated, "--members", "2000", "--threads", "1", "--keep-trajectories"});
  // 121 months of the calibrated scenario's state, 8 bytes a value, for each of 2,000 members.
  CHECK(kept["trajectories_bytes"].get<double>() > 2000 * 121 * 8 * 30);
  CHECK(kept["trajectories_file_bytes"].get<double>() > 4 * kept["trajectories_bytes"].get<double>());
  CHECK(kept["total_bytes"].get<double>() > small["total_bytes"].get<double>());
}

TEST_CASE(
    "memory: an ensemble larger than the memory available is refused at once with exit 1, both figures, "
    "and nothing written",
    "[cli][memory]") {
  const fs::path folder = scratch("memory-refused") / "out";
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"run", calibrated, "--members", "4294967295", "--out", folder.string()},
        std::vector<std::string>{"compare", calibrated, calibrated, "--members", "2000000000", "--out",
                                 folder.string()}}) {
    const RunResult result = run_steppe(command);
    INFO(result.err);
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Matches(".*members need about [0-9.]+ GB of memory.*but [0-9.]+ [GM]B is "
                                          "available.*--yes.*\n"));
    CHECK(lines_of(result.err).size() == 1);
    CHECK_FALSE(fs::exists(folder));
  }
}

TEST_CASE("memory: --estimate prints the parts and what is available, and runs nothing", "[cli][memory]") {
  const fs::path folder = scratch("memory-table") / "out";
  const RunResult result =
      run_steppe({"run", calibrated, "--members", "100000000", "--estimate", "--out", folder.string()});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("each member's draws and outcomes"));
  CHECK_THAT(result.out, Catch::Contains("in all"));
  CHECK_THAT(result.out, Catch::Contains("available: "));
  CHECK(table_row(result.out, "each member's draws and outcomes").at(1) == "7.2 GB");  // 10^8 × 9 outcomes × 8 B
  CHECK_FALSE(fs::exists(folder));

  const RunResult single = run_steppe({"run", calibrated, "--estimate"});
  CHECK(single.exit_code == 2);
  CHECK_THAT(single.err, Catch::Contains("--estimate") && Catch::Contains("--members"));
}

TEST_CASE("memory: export of a sweep database of 400,000 runs (77 MB of CSV) peaks under 100 MB",
          "[cli][memory][sweep]") {
  // A real sweep's database (40 runs), its runs table then grown to 400,040 runs of random
  // outcomes: 77 MB of CSV, which steppe held whole (as rows of text, then as the file's text)
  // before it streamed, peaking at 460 MB; streamed, it peaks at 25 MB.
  const fs::path folder = scratch("memory-export");
  write_text_file(folder / "sweep.yaml", "extends: " + calibrated +
                                             "\n"
                                             "uncertainties: {CHN.k: {uniform: [0.14, 0.26]}}\n"
                                             "sweep: {design: monte_carlo, samples: 20, replicates: 2}\n");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "sweep.sqlite", "--quiet"}, folder).exit_code == 0);
  const std::vector<std::string> columns =
      SweepDatabase::open(folder / "sweep.sqlite").query("SELECT * FROM runs LIMIT 0").columns;
  std::string outcomes;
  for (std::size_t column = 3; column < columns.size(); ++column) outcomes += ", random() / 9.2e18";
  const std::string grow =
      "WITH RECURSIVE run(id) AS (SELECT 40 UNION ALL SELECT id + 1 FROM run WHERE id < 400039) "
      "INSERT INTO runs SELECT id, id / 2, id % 2" +
      outcomes + " FROM run";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((folder / "sweep.sqlite").c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, grow.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  const std::size_t peak =
      peak_bytes({"export", (folder / "sweep.sqlite").string(), "--csv", (folder / "csv").string(), "--quiet"});
  std::ifstream runs(folder / "csv" / "runs.csv", std::ios::binary);
  CHECK(std::count(std::istreambuf_iterator<char>(runs), std::istreambuf_iterator<char>(), '\n') == 400'041);
  const auto csv_bytes = fs::file_size(folder / "csv" / "runs.csv");
  INFO("peak " << peak << " bytes for " << csv_bytes << " bytes of runs.csv");
  CHECK(csv_bytes > 60'000'000);
#if defined(__SANITIZE_ADDRESS__)
  WARN("built with the address sanitizer: export's peak is not checked");
#else
  CHECK(peak < 100'000'000);
#endif
}

}  // namespace
