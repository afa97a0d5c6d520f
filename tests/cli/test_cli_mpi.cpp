// `mpirun -n N steppe sweep` as a cluster user runs it: the database of 2 and 3 ranks is the one
// a single process writes; a build without MPI refuses to run under mpirun. Its own test binary,
// labelled `mpi`, so that a machine without Open MPI can leave it out (ctest -LE mpi).
#include <catch2/catch.hpp>

#include "cli/sweep_support.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

#ifdef STEPPE_HAVE_MPI

// mpirun as root needs --allow-run-as-root; --oversubscribe lets 3 ranks share 2 cores. Open MPI
// keeps allocations to the end of the process, which a sanitizer build would call leaks.
RunResult run_mpi(int ranks, const std::vector<std::string>& args, const fs::path& cwd) {
  const std::string launcher =
      std::string(STEPPE_MPIEXEC) + " --allow-run-as-root --oversubscribe -n " + std::to_string(ranks) + " ";
  return run_steppe(args, cwd, "export ASAN_OPTIONS=detect_leaks=0; ", launcher);
}

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
  }
  const RunResult bad = run_mpi(2, {"sweep", "missing.yaml"}, folder);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("missing.yaml"));
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
