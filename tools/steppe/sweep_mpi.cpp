// `mpirun -n N steppe sweep SWEEP.yaml`: a sweep spread over MPI ranks. Rank 0 owns the database
// and hands out blocks of runs on request; ranks 1..N-1 each run one block at a time and send
// its outcomes back, so a fast rank takes more blocks than a slow one. The database holds the
// same rows as a single-process sweep: a run's numbers depend only on the sweep and its id.
//
// Without MPI at build time, a sweep launched by mpirun is refused (every rank would run the
// whole sweep into the same database).
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "engine/errors.hpp"
#include "tools/steppe/commands.hpp"

#ifdef STEPPE_HAVE_MPI
#include <mpi.h>

#include "engine/io/sweep_loader.hpp"
#include "engine/sweep_runner.hpp"
#endif

namespace steppe::cli {

bool launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(variable)) return true;
  return false;
}

#ifdef STEPPE_HAVE_MPI

namespace {

constexpr int work_tag = 1, result_tag = 2;

// A worker: asks for a block, runs it, sends back [first, count, outcomes...] as doubles (run ids
// stay below 2^53, exact as doubles), until rank 0 answers with a negative count.
void serve(const Sweep& sweep) {
  const std::vector<DesignPoint> points = sweep.points();
  const std::shared_ptr<const Kernel> kernel = sweep.scenario->model->compile(
      *sweep.scenario->layout, sweep.scenario->parameters, sweep.scenario->network.get());
  std::vector<double> message = {0, 0};  // an empty result: "ready"
  for (;;) {
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_DOUBLE, 0, result_tag, MPI_COMM_WORLD);
    std::int64_t chunk[2];
    MPI_Recv(chunk, 2, MPI_INT64_T, 0, work_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (chunk[1] < 0) return;
    const MemberArrays outcomes = run_sweep_block(sweep, points, kernel, chunk[0], chunk[1]);
    message.assign({static_cast<double>(chunk[0]), static_cast<double>(chunk[1])});
    for (Eigen::Index row = 0; row < outcomes.rows(); ++row)
      for (Eigen::Index column = 0; column < outcomes.cols(); ++column) message.push_back(outcomes(row, column));
  }
}

// Rank 0's executor: every chunk to whichever worker asks next; each result committed on arrival.
ChunkExecutor distribute(int ranks) {
  return [ranks](const std::vector<SweepChunk>& chunks, const ChunkCommit& commit) {
    std::size_t next = 0;
    int working = ranks - 1;
    std::vector<double> message;
    while (working > 0) {
      MPI_Status status;
      MPI_Probe(MPI_ANY_SOURCE, result_tag, MPI_COMM_WORLD, &status);
      int length = 0;
      MPI_Get_count(&status, MPI_DOUBLE, &length);
      message.resize(static_cast<std::size_t>(length));
      MPI_Recv(message.data(), length, MPI_DOUBLE, status.MPI_SOURCE, result_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const auto count = static_cast<std::int64_t>(message[1]);
      if (count > 0) {
        const std::size_t outcomes = (message.size() - 2) / static_cast<std::size_t>(count);
        MemberArrays values(count, static_cast<Eigen::Index>(outcomes));
        for (Eigen::Index row = 0; row < count; ++row)
          for (Eigen::Index column = 0; column < values.cols(); ++column)
            values(row, column) =
                message[2 + static_cast<std::size_t>(row) * outcomes + static_cast<std::size_t>(column)];
        commit({static_cast<std::int64_t>(message[0]), count}, values);
      }
      std::int64_t work[2] = {0, -1};
      if (next < chunks.size()) {
        work[0] = chunks[next].first;
        work[1] = chunks[next].count;
        ++next;
      } else {
        --working;
      }
      MPI_Send(work, 2, MPI_INT64_T, status.MPI_SOURCE, work_tag, MPI_COMM_WORLD);
    }
  };
}

}  // namespace

int sweep_mpi_command(const SweepOptions& options, const std::string& command_line) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  // Every rank loads the sweep; if any cannot, rank 0 reports its error once and all stop.
  std::optional<Sweep> sweep;
  std::string error;
  try {
    sweep = load_sweep(options.file, options.scenario_options.load_options(true));
  } catch (const InputError& input_error) {
    error = input_error.what();
  }
  int loaded = sweep ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &loaded, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!loaded) {
    if (rank == 0) std::cerr << (error.empty() ? "steppe: a rank could not load the sweep file" : error) << "\n";
    MPI_Finalize();
    return 2;
  }
  int code = 0;
  try {
    if (rank == 0)
      code = run_sweep_command(*sweep, options, command_line, ranks > 1 ? distribute(ranks) : ChunkExecutor{});
    else
      serve(*sweep);
  } catch (const InputError& input_error) {
    std::cerr << input_error.what() << "\n";
    MPI_Abort(MPI_COMM_WORLD, 2);
  } catch (const std::exception& failure) {
    std::cerr << fmt::format("steppe: error on rank {}: {}\n", rank, failure.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return code;
}

#else

int sweep_mpi_command(const SweepOptions&, const std::string&) {
  throw InputError({"mpirun"}, "",
                   "this steppe was built without MPI (install libopenmpi-dev and rebuild); run the sweep without "
                   "mpirun, or split it with --shard K/N");
}

#endif

}  // namespace steppe::cli
