// `mpirun -n N steppe sweep` as a cluster user runs it: the database of 2 and 3 ranks is the one
// a single process writes, rank 0 runs blocks too, more ranks than blocks is fine, and a sweep
// stopped by a signal is finished by --resume; a build without MPI refuses to run under mpirun.
// Its own test binary, labelled `mpi`, so that a machine without Open MPI can leave it out
// (ctest -LE mpi).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <numeric>
#include <regex>
#include <thread>

#include "cli/sweep_support.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

#ifdef STEPPE_HAVE_MPI

namespace {

// mpirun as root needs --allow-run-as-root; --oversubscribe lets 3 ranks share 2 cores. Open MPI
// keeps allocations to the end of the process, which a sanitizer build would call leaks.
RunResult run_mpi(int ranks, const std::vector<std::string>& args, const fs::path& cwd) {
  const std::string launcher =
      std::string(STEPPE_MPIEXEC) + " --allow-run-as-root --oversubscribe -n " + std::to_string(ranks) + " ";
  return run_steppe(args, cwd, "export ASAN_OPTIONS=detect_leaks=0; ", launcher);
}

// Starts `mpirun -n 2 steppe ARGS...` in `cwd` without waiting for it, its output to files there.
pid_t start_mpi(const std::vector<std::string>& args, const fs::path& cwd) {
  std::vector<std::string> command = {STEPPE_MPIEXEC, "--allow-run-as-root", "--oversubscribe", "-n", "2",
                                      STEPPE_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  return start_process(command, cwd, cwd / "stdout", cwd / "stderr", {{"ASAN_OPTIONS", "detect_leaks=0"}});
}

// The process of `rank` among the children of `launcher` (mpirun), 0 if there is none.
pid_t rank_of(pid_t launcher, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;  // not a process
    std::ifstream stat_file(entry.path() / "stat"), environment_file(entry.path() / "environ");
    const std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
    const std::string environment((std::istreambuf_iterator<char>(environment_file)), {});
    // "pid (command) state ppid ...": the command may hold spaces and parentheses.
    const auto command_end = stat.rfind(')');
    if (command_end == std::string::npos) continue;
    int parent = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + command_end + 1, " %c %d", &state, &parent) != 2 || parent != launcher) continue;
    const std::string variable = std::string(1, '\0') + "OMPI_COMM_WORLD_RANK=" + std::to_string(rank) + '\0';
    if (('\0' + environment).find(variable) != std::string::npos) return std::stoi(name);
  }
  return 0;
}

std::int64_t rows_in(const fs::path& database) {
  try {
    return static_cast<std::int64_t>(SweepDatabase::open(database).numbers("SELECT COUNT(*) FROM runs")[0][0]);
  } catch (const std::exception&) {
    return 0;  // not in place yet
  }
}

// The runs each rank ran, from the line "runs by rank: 0: N, 1: M, ...".
std::vector<std::int64_t> runs_by_rank(const std::string& out) {
  std::smatch line;
  REQUIRE(std::regex_search(out, line, std::regex("runs by rank:([^\n]*)")));
  std::vector<std::int64_t> runs;
  const std::string counts = line[1];
  const std::regex count(" (\\d+): (\\d+)");
  for (auto match = std::sregex_iterator(counts.begin(), counts.end(), count); match != std::sregex_iterator();
       ++match) {
    CHECK(std::stoul((*match)[1]) == runs.size());
    runs.push_back(std::stoll((*match)[2]));
  }
  return runs;
}

// The sweep the signal tests stop: 131,072 runs of 50 years, a second or two on two cores, so that
// a signal sent at its first commit comes well before its end; under the address sanitizer, whose
// build steps some fifty times slower, of a hundredth of that.
#if defined(__SANITIZE_ADDRESS__)
constexpr int signalled_months = 6;
#else
constexpr int signalled_months = 600;
#endif
const std::string signalled_sweep = two_factors + "months: " + std::to_string(signalled_months) +
                                    "\nsweep: {design: sobol, samples: 16384, replicates: 2}\n";
constexpr std::int64_t signalled_runs = 16384 * 4 * 2;

// Its database as one process writes it, made once.
const fs::path& signalled_reference() {
  static const fs::path database = [] {
    const fs::path folder = write_sweep("mpi-signalled-whole", signalled_sweep);
    REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "whole.sqlite", "-q"}, folder).exit_code == 0);
    return folder / "whole.sqlite";
  }();
  return database;
}

// Starts the signalled sweep under `mpirun -n 2` in `folder`, sends `signal` to `rank` once the
// database holds rows, and returns mpirun's exit code (its output is in the folder's stdout and
// stderr). The wait is generous: a sanitizer build reaches its first commit only after a minute
// or two.
int stop_rank_midway(const fs::path& folder, int rank, int signal) {
  const pid_t launcher = start_mpi({"sweep", "sweep.yaml", "--db", "s.sqlite"}, folder);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  while (rows_in(folder / "s.sqlite") == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const pid_t process = rank_of(launcher, rank);
  REQUIRE(process > 0);
  ::kill(process, signal);
  int status = 0;
  ::waitpid(launcher, &status, 0);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("mpirun with 2 and 3 ranks gives the database of a single-process sweep", "[cli][sweep][mpi]") {
  const std::string body = two_factors + "sweep: {design: sobol, samples: 128, replicates: 2}\n";
  const fs::path folder = write_sweep("mpi", body);
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "one.sqlite", "-q"}, folder).exit_code == 0);
  for (const int ranks : {2, 3}) {
    INFO(ranks << " ranks");
    const std::string database = "ranks" + std::to_string(ranks) + ".sqlite";
    const RunResult result = run_mpi(ranks, {"sweep", "sweep.yaml", "--db", database}, folder);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("ran 1024 runs"));
    CHECK(runs_of(folder / database) == runs_of(folder / "one.sqlite"));
    // Rank 0 takes the first block (of 1,008 runs) itself, before any worker asks.
    const std::vector<std::int64_t> runs = runs_by_rank(result.out);
    REQUIRE(runs.size() == static_cast<std::size_t>(ranks));
    CHECK(runs[0] >= 1008);
    CHECK(std::accumulate(runs.begin(), runs.end(), std::int64_t{0}) == 1024);
  }
  const RunResult bad = run_mpi(2, {"sweep", "missing.yaml"}, folder);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("missing.yaml"));
}

TEST_CASE("mpirun with more ranks than blocks of runs, or with no run left, finishes", "[cli][sweep][mpi]") {
  const fs::path folder = write_sweep("mpi-few", two_factors + "sweep: {design: monte_carlo, samples: 10}\n");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "one.sqlite", "-q"}, folder).exit_code == 0);
  const RunResult few = run_mpi(3, {"sweep", "sweep.yaml", "--db", "three.sqlite"}, folder);
  CHECK(few.exit_code == 0);
  CHECK_THAT(few.out, Catch::Contains("ran 10 runs"));
  CHECK(runs_by_rank(few.out) == std::vector<std::int64_t>{10, 0, 0});  // one block: rank 0's
  CHECK(runs_of(folder / "three.sqlite") == runs_of(folder / "one.sqlite"));
  const RunResult none = run_mpi(3, {"sweep", "sweep.yaml", "--db", "three.sqlite", "--resume"}, folder);
  CHECK(none.exit_code == 0);
  CHECK_THAT(none.out, Catch::Contains("10 runs were already done"));
  CHECK_THAT(none.out, Catch::Contains("ran 0 runs"));
  CHECK(runs_of(folder / "three.sqlite") == runs_of(folder / "one.sqlite"));
}

TEST_CASE(
    "an MPI sweep whose rank 0 is stopped by a signal keeps what it ran, says how to finish it, and --resume does",
    "[cli][sweep][mpi][interrupt]") {
  const fs::path folder = write_sweep("mpi-rank-zero-signalled", signalled_sweep);
  CHECK(stop_rank_midway(folder, 0, SIGTERM) == 143);  // rank 0's, passed on by mpirun
  const std::string err = read_text_file(folder / "stderr");
  INFO(err);
  CHECK_THAT(err, Catch::Contains("finish with: steppe sweep sweep.yaml --db s.sqlite --resume"));
  const std::int64_t before = rows_in(folder / "s.sqlite");
  CHECK(before > 0);
  CHECK(before < signalled_runs);

  const RunResult resumed = run_mpi(2, {"sweep", "sweep.yaml", "--db", "s.sqlite", "--resume"}, folder);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Catch::Contains(std::to_string(before) + " runs were already done"));
  CHECK(runs_of(folder / "s.sqlite") == runs_of(signalled_reference()));
}

TEST_CASE("an MPI sweep whose worker is stopped by a signal is finished by rank 0 with the blocks it gave back",
          "[cli][sweep][mpi][interrupt]") {
  const fs::path folder = write_sweep("mpi-worker-signalled", signalled_sweep);
  CHECK(stop_rank_midway(folder, 1, SIGINT) == 130);  // the worker's, passed on by mpirun
  const std::string out = read_text_file(folder / "stdout");
  INFO(out << read_text_file(folder / "stderr"));
  CHECK_THAT(out, Catch::Contains("ran " + std::to_string(signalled_runs) + " runs"));
  CHECK(runs_of(folder / "s.sqlite") == runs_of(signalled_reference()));
}

#else

TEST_CASE("a sweep started by mpirun in a build without MPI is refused", "[cli][sweep][mpi][bad]") {
  const fs::path folder = write_sweep("no-mpi", two_factors + "sweep: {design: monte_carlo, samples: 10}\n");
  const RunResult result = run_steppe({"sweep", "sweep.yaml"}, folder, "export OMPI_COMM_WORLD_SIZE=2; ");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("this steppe was built without MPI"));
  CHECK_FALSE(fs::exists(folder / "sweep.sqlite"));
}

#endif
