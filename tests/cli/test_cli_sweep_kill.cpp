// A sweep killed at any moment — while its database is being made, before its first commit,
// midway, near the end — is finished by `--resume` into the database an uninterrupted sweep
// writes; and the hint a sweep prints when interrupted (Ctrl-C), pasted into a shell, finishes it.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "cli_support.hpp"
#include "engine/io/sweep_database.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

namespace {

// Starts `steppe ARGS...` in `cwd` without waiting for it, its stderr to `stderr_file`.
pid_t start_steppe(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& stderr_file) {
  std::vector<std::string> command = {STEPPE_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  return start_process(command, cwd, "/dev/null", stderr_file);
}

struct Tables {
  std::vector<std::vector<std::string>> design, runs;
};

Tables tables_of(const fs::path& database) {
  const SweepDatabase opened = SweepDatabase::open(database);
  return {opened.query("SELECT * FROM design ORDER BY point").rows,
          opened.query("SELECT * FROM runs ORDER BY run").rows};
}

const std::string sweep_file = (cli_folder() / "good" / "sweep_kill.yaml").string();

// Months of model time per run: the file's 1,200 in a normal build; under the address sanitizer,
// whose debug build steps some fifty times slower, a hundredth, so that the twenty kills and
// resumes finish in minutes there too.
#if defined(__SANITIZE_ADDRESS__)
constexpr int months_scale = 100;
#else
constexpr int months_scale = 1;
#endif
const std::string kill_months = std::to_string(1200 / months_scale);

}  // namespace

TEST_CASE("a sweep killed with SIGKILL at 20 random moments is finished by --resume each time", "[cli][sweep][kill]") {
  const fs::path reference = scratch("kill-reference") / "s.sqlite";
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(run_steppe({"sweep", sweep_file, "--db", reference.string(), "--threads", "1", "-q", "--months", kill_months})
              .exit_code == 0);
  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const Tables whole = tables_of(reference);
  REQUIRE(whole.runs.size() == 4096 * 4 * 4);

  // A third of the moments within 60 ms (on this machine the database is made from about 15 to
  // 40 ms), a third within the first half second (the first commits), a third anywhere in an
  // uninterrupted sweep's time. Seeded, so that a failure can be replayed; the draw is mapped by
  // hand because std::uniform_real_distribution differs between libraries.
  std::mt19937 random(20260101);
  std::map<std::string, int> states;
  for (int attempt = 0; attempt < 20; ++attempt) {
    const double span = attempt % 3 == 0 ? 0.06 : attempt % 3 == 1 ? 0.5 : duration;
    const double moment = span * static_cast<double>(random()) / 4294967296.0;
    INFO("attempt " << attempt << ": killed after " << moment << " s (an uninterrupted sweep takes " << duration
                    << " s)");
    const fs::path folder = scratch("kill-" + std::to_string(attempt));
    const pid_t pid =
        start_steppe({"sweep", sweep_file, "--db", "s.sqlite", "--threads", "1", "-q", "--months", kill_months}, folder,
                     "/dev/null");
    std::this_thread::sleep_for(std::chrono::duration<double>(moment));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status))
      ++states["finished"];
    else if (!fs::exists(folder / "s.sqlite"))
      ++states["killed before its database was in place"];
    else if (SweepDatabase::open(folder / "s.sqlite").numbers("SELECT COUNT(*) FROM runs")[0][0] == 0)
      ++states["killed before its first commit"];
    else
      ++states["killed midway"];

    const RunResult resumed = run_steppe(
        {"sweep", sweep_file, "--db", "s.sqlite", "--threads", "1", "--resume", "--months", kill_months}, folder);
    REQUIRE(resumed.exit_code == 0);
    // Killed before its database was in place, the sweep has none, and --resume says it starts.
    CHECK((resumed.err.empty() || resumed.err.find("held no runs of the sweep") != std::string::npos));
    const Tables finished = tables_of(folder / "s.sqlite");
    CHECK(finished.design == whole.design);
    CHECK(finished.runs == whole.runs);
    // The killed sweep's temporary is gone, and so are the WAL and its index.
    CHECK(folder_entries(folder) == std::vector<std::string>{"s.sqlite"});
  }
  std::string found;
  for (const auto& [state, count] : states) found += fmt::format("\n  {}: {}", state, count);
  INFO("of the 20 sweeps:" << found);
  CHECK(states["finished"] <= 10);
}

TEST_CASE("the hint a sweep stopped by SIGINT or SIGTERM prints, pasted into a shell, finishes it",
          "[cli][sweep][interrupt]") {
  const auto [signal, exit_code] = GENERATE(table<int, int>({{SIGINT, 130}, {SIGTERM, 143}}));
  INFO("signal " << signal);
  // Options that change the sweep, and a database name that needs quoting: the hint must carry
  // them all, or --resume refuses the database as another sweep's.
  const std::string months = std::to_string(600 / months_scale);
  const std::vector<std::string> options = {"--months", months, "--seed", "11", "--set", "beta=0.31", "--threads", "1"};
  const fs::path folder = scratch("interrupt-" + std::to_string(signal));
  std::vector<std::string> whole = {"sweep", sweep_file, "--db", (folder / "whole.sqlite").string(), "-q"};
  whole.insert(whole.end(), options.begin(), options.end());
  REQUIRE(run_steppe(whole).exit_code == 0);

  std::vector<std::string> args = {"sweep", sweep_file, "--db", "my run's.sqlite"};
  args.insert(args.end(), options.begin(), options.end());
  const pid_t pid = start_steppe(args, folder, folder / "stderr");
  // Interrupted once its database is in place: the handler is installed before it is made.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  while (!fs::exists(folder / "my run's.sqlite") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == exit_code);
  const std::string err = read_text_file(folder / "stderr");
  INFO(err);
  const std::string marker = "finish with: ";
  REQUIRE(err.find(marker) != std::string::npos);
  const std::string hint = lines_of(err.substr(err.find(marker) + marker.size())).front();
  CHECK(hint == "steppe sweep " + shell_quoted(sweep_file) + " --set beta=0.31 --months " + months +
                    " --seed 11 --db 'my run'\\''s.sqlite' --resume");

  const std::string command = "cd " + shell_quote(folder.string()) + " && " + runnable(hint) + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  const Tables finished = tables_of(folder / "my run's.sqlite"), expected = tables_of(folder / "whole.sqlite");
  CHECK(finished.design == expected.design);
  CHECK(finished.runs == expected.runs);
}
