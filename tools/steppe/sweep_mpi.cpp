// `mpirun -n N steppe sweep SWEEP.yaml`: a sweep spread over MPI ranks. The database holds the
// same rows as a single-process sweep: a run's numbers depend only on the sweep and its id.
//
// How the work is spread: rank 0 owns the database and a queue of blocks of runs. Its main thread
// makes every MPI call (MPI_THREAD_FUNNELED) and every commit (SweepSink's contract); one compute
// thread on rank 0, at the lowest priority, takes blocks from the same queue as the workers, so
// rank 0 computes in the time its main thread leaves whenever there is work left. Ranks 1..N-1 are workers, one thread
// each: a worker starts with `blocks_ahead` blocks and is sent one more with each result it returns, so it holds
// its next blocks while it runs one and waits for rank 0's answer only if rank 0 falls that many blocks behind; a fast
// rank takes more blocks than a slow one. A worker whose blocks are all back, with the queue empty, is told to stop.
// Rank 0's main thread answers the workers before it commits (a commit takes about as long as a
// block), one commit at a time, and holds a bounded backlog of results to commit; it commits
// nothing while a new database is being made, and goes on answering the workers meanwhile.
//
// No rank spins: Open MPI's blocking calls (MPI_Probe, MPI_Recv, MPI_Wait) poll in a busy loop,
// which burns a core a waiting rank should leave to the compute threads, so every wait here polls
// with MPI_Iprobe/MPI_Test and sleeps between polls (Backoff).
//
// Interrupted (SIGINT, SIGTERM, SIGHUP), rank 0 hands out nothing more, commits the blocks in
// flight as they come back, stops the workers and reports the sweep interrupted with the command
// that finishes it. A worker interrupted gives back the blocks it has not begun and gets no more;
// the other ranks run them. Ctrl-C reaches mpirun, which passes SIGTERM on to every rank a second
// later and kills them a second after that: one block's time is all a rank needs to stop.
//
// Without MPI at build time, a sweep launched by mpirun is refused (every rank would run the
// whole sweep into the same database).
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>

#include "engine/errors.hpp"
#include "tools/steppe/commands.hpp"

#ifdef STEPPE_HAVE_MPI
#include <dirent.h>
#include <mpi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

#include "engine/io/sweep_loader.hpp"
#include "engine/sweep_runner.hpp"
#include "tools/steppe/interrupt.hpp"
#endif

namespace steppe::cli {

bool launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(variable)) return true;
  return false;
}

#ifdef STEPPE_HAVE_MPI

namespace {

// Rank 0 sends a worker [first, count] (count < 0: stop). A worker sends rank 0, as doubles (run
// ids stay below 2^53, exact as doubles), [first, count, outcomes...] for a block it ran, [0, 0]
// when it starts, and [first, -count] for a block it gives back unrun (it was interrupted).
constexpr int work_tag = 1, result_tag = 2;
// The blocks a worker holds: rank 0's main thread, which commits and shares its core with rank
// 0's compute thread, at times answers several blocks' time late. On the flagship sweep at 2
// ranks, a worker that held two blocks waited a seventh of its time for the next one, holding
// three a twelfth, holding eight a hundredth. At the end, a rank runs at most these blocks after
// the others have stopped.
constexpr int blocks_ahead = 8;
// A result's outcomes as they travel: one row per run.
using RunRows = Eigen::Map<Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

// The pause between two polls of a waiting rank: short at first, so that an answer is seen at
// once, doubling to half a millisecond, so that an idle rank wakes some 2,000 times a second
// (well under 1% of a core) and a worker holding its next block is never kept waiting by it.
class Backoff {
 public:
  void reset() { pause_ = shortest; }
  void sleep() {
    std::this_thread::sleep_for(pause_);
    pause_ = std::min(pause_ * 2, longest);
  }

 private:
  static constexpr std::chrono::microseconds shortest{20}, longest{500};
  std::chrono::microseconds pause_ = shortest;
};

void wait_for(MPI_Request& request) {
  Backoff backoff;
  for (int done = 0; MPI_Test(&request, &done, MPI_STATUS_IGNORE), !done;) backoff.sleep();
}

// Receives the message MPI_Iprobe found (`status`) without blocking in MPI_Recv: a large result
// may need its sender to make progress first.
std::vector<double> receive_result(const MPI_Status& status) {
  int length = 0;
  MPI_Get_count(&status, MPI_DOUBLE, &length);
  std::vector<double> message(static_cast<std::size_t>(length));
  MPI_Request request;
  MPI_Irecv(message.data(), length, MPI_DOUBLE, status.MPI_SOURCE, result_tag, MPI_COMM_WORLD, &request);
  wait_for(request);
  return message;
}

// A worker: runs the blocks rank 0 sends, in order, returning each one's outcomes, until told to
// stop. Answers are read as they come, and waited for only when no block is at hand; results are
// sent without waiting for rank 0 to take them (it may be busy committing), each from its own
// buffer, kept until its send completes. Once interrupted (mpirun passes SIGINT and SIGTERM on
// as SIGTERM, and kills what still runs a second later) it gives back the blocks it has not begun.
void serve(const Sweep& sweep) {
  const std::vector<DesignPoint> points = sweep.points();
  const std::shared_ptr<const Kernel> kernel = sweep.scenario->model->compile(
      *sweep.scenario->layout, sweep.scenario->parameters, sweep.scenario->network.get());
  std::deque<SweepChunk> at_hand;
  bool stopped = false;
  struct Sending {
    std::vector<double> message;
    MPI_Request request;
  };
  std::deque<Sending> sending;
  const auto send = [&](std::vector<double> message) {
    for (int done = 1; !sending.empty() && done;) {
      MPI_Test(&sending.front().request, &done, MPI_STATUS_IGNORE);
      if (done) sending.pop_front();
    }
    Sending& next = sending.emplace_back(Sending{std::move(message), MPI_REQUEST_NULL});
    MPI_Isend(next.message.data(), static_cast<int>(next.message.size()), MPI_DOUBLE, 0, result_tag, MPI_COMM_WORLD,
              &next.request);
  };
  send({0, 0});  // "ready"
  for (;;) {
    Backoff backoff;
    for (;;) {
      int arrived = 0;
      MPI_Iprobe(0, work_tag, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
      if (arrived) {
        std::int64_t work[2];  // two integers: delivered with the probe, MPI_Recv returns at once
        MPI_Recv(work, 2, MPI_INT64_T, 0, work_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (work[1] < 0)
          stopped = true;
        else
          at_hand.push_back({work[0], work[1]});
        backoff.reset();
      } else if (!at_hand.empty() || stopped) {
        break;
      } else {
        backoff.sleep();
      }
    }
    if (at_hand.empty()) break;  // stopped: rank 0 has every result
    const SweepChunk chunk = at_hand.front();
    at_hand.pop_front();
    if (interrupted()) {
      send({static_cast<double>(chunk.first), -static_cast<double>(chunk.count)});
      continue;
    }
    const MemberArrays outcomes = run_sweep_block(sweep, points, kernel, chunk.first, chunk.count);
    std::vector<double> message(2 + static_cast<std::size_t>(outcomes.size()));
    message[0] = static_cast<double>(chunk.first);
    message[1] = static_cast<double>(chunk.count);
    RunRows(message.data() + 2, outcomes.rows(), outcomes.cols()) = outcomes;
    send(std::move(message));
  }
  for (Sending& each : sending) wait_for(each.request);
}

// Rank 0's queue of blocks, taken by its main thread for the workers and by its compute thread.
class ChunkQueue {
 public:
  explicit ChunkQueue(const std::vector<SweepChunk>& chunks) : chunks_(chunks) {}
  std::optional<SweepChunk> take() {
    const std::lock_guard lock(mutex_);
    if (cancelled_) return std::nullopt;
    if (!given_back_.empty()) {
      const SweepChunk chunk = given_back_.back();
      given_back_.pop_back();
      return chunk;
    }
    if (next_ == chunks_.size()) return std::nullopt;
    return chunks_[next_++];
  }
  // A block a worker gave back unrun: the next to be taken.
  void give_back(const SweepChunk& chunk) {
    const std::lock_guard lock(mutex_);
    given_back_.push_back(chunk);
  }
  // Interrupted: nothing more is handed out.
  void cancel() {
    const std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  // Every worker has stopped: no block will be given back any more.
  void workers_stopped() {
    const std::lock_guard lock(mutex_);
    workers_stopped_ = true;
  }
  // Nothing is left to take, nor will be.
  bool drained() {
    const std::lock_guard lock(mutex_);
    return cancelled_ || (workers_stopped_ && given_back_.empty() && next_ == chunks_.size());
  }
  bool all_taken() {
    const std::lock_guard lock(mutex_);
    return next_ == chunks_.size() && given_back_.empty();
  }

 private:
  const std::vector<SweepChunk>& chunks_;
  std::mutex mutex_;
  std::size_t next_ = 0;
  std::vector<SweepChunk> given_back_;
  bool cancelled_ = false, workers_stopped_ = false;
};

// What rank 0's compute thread ran, waiting for the main thread to commit it.
class ComputedHere {
 public:
  struct Taken {
    std::vector<std::pair<SweepChunk, MemberArrays>> results;
    bool finished = false;  // the thread has stopped: nothing more will come
  };
  void add(const SweepChunk& chunk, MemberArrays outcomes) {
    const std::lock_guard lock(mutex_);
    results_.emplace_back(chunk, std::move(outcomes));
  }
  void finish(std::exception_ptr failure) {
    const std::lock_guard lock(mutex_);
    finished_ = true;
    failure_ = std::move(failure);
  }
  std::size_t waiting() {
    const std::lock_guard lock(mutex_);
    return results_.size();
  }
  // Everything added so far; rethrows what stopped the thread, if anything did.
  Taken take() {
    const std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
    Taken taken{std::move(results_), finished_};
    results_.clear();
    return taken;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<SweepChunk, MemberArrays>> results_;
  bool finished_ = false;
  std::exception_ptr failure_;
};

// Rank 0's executor (see the file's header). `runs_by_rank[r]`: the runs rank r ran.
ChunkExecutor distribute(int ranks, std::vector<std::int64_t>& runs_by_rank) {
  return [ranks, &runs_by_rank](const std::vector<SweepChunk>& chunks, const ChunkRunner& run_here,
                                const ChunkCommit& commit, const SweepSink& sink) {
    ChunkQueue queue(chunks);
    ComputedHere computed;
    // Rank 0 takes the first block before any worker asks: it computes whenever there is work.
    std::jthread computing([&, first = queue.take()](std::stop_token stop) {
      // At the lowest priority: the main thread, answering workers and committing, comes first
      // and the computing takes the time it leaves. Measured on the flagship sweep at 2 ranks on 2
      // cores (mpirun binds rank 0's two threads to one core): 2.1 s instead of 2.45 s.
      setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
      try {
        // Waits rather than stops while workers run: one may give back a block.
        Backoff backoff;
        for (std::optional<SweepChunk> chunk = first; !stop.stop_requested(); chunk = queue.take()) {
          if (chunk) {
            computed.add(*chunk, run_here(*chunk));
            backoff.reset();
            while (computed.waiting() >= 2 && !stop.stop_requested()) backoff.sleep();  // the backlog is full
          } else if (queue.drained()) {
            break;
          } else {
            backoff.sleep();
          }
        }
        computed.finish(nullptr);
      } catch (...) {
        computed.finish(std::current_exception());
      }
    });

    const std::atomic<bool>* const cancel = interrupt_flag();
    std::vector<int> in_flight(static_cast<std::size_t>(ranks), 0);     // blocks a worker holds
    std::vector<bool> leaving(static_cast<std::size_t>(ranks), false);  // gave a block back: gets no more
    int workers = ranks - 1;
    // Results received, each with the rank that ran it, waiting to be committed. Committing may
    // be slower than the ranks run (many ranks, a slow disk, a database still being made): the
    // backlog is bounded, the workers left waiting beyond it, so that memory does not grow with
    // the sweep.
    std::deque<std::tuple<std::size_t, SweepChunk, MemberArrays>> to_commit;
    std::size_t held_bytes = 0;  // of the outcomes in the backlog
    const auto room = [&] {
      return to_commit.size() < 2 * static_cast<std::size_t>(ranks) || held_bytes < uncommitted_outcome_bytes;
    };
    const auto hold = [&](std::size_t rank, const SweepChunk& chunk, MemberArrays outcomes) {
      held_bytes += static_cast<std::size_t>(outcomes.size()) * sizeof(double);
      to_commit.emplace_back(rank, chunk, std::move(outcomes));
    };
    // Takes the workers' results and answers each at once, with more work or with "stop": a
    // commit takes about as long as running a block, so it waits, and the workers do not.
    const auto answer_workers = [&] {
      bool answered = false;
      while (workers > 0 && room()) {
        int arrived = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, result_tag, MPI_COMM_WORLD, &arrived, &status);
        if (!arrived) break;
        answered = true;
        std::vector<double> message = receive_result(status);
        const auto worker = static_cast<std::size_t>(status.MPI_SOURCE);
        const auto first = static_cast<std::int64_t>(message[0]), count = static_cast<std::int64_t>(message[1]);
        if (count > 0) {
          const auto outcomes = static_cast<Eigen::Index>((message.size() - 2) / static_cast<std::size_t>(count));
          hold(worker, SweepChunk{first, count}, RunRows(message.data() + 2, count, outcomes));
          --in_flight[worker];
        } else if (count < 0) {
          queue.give_back({first, -count});
          --in_flight[worker];
          leaving[worker] = true;
        }
        // A worker that starts gets blocks_ahead blocks, one to run and the next ones; each
        // result, one more.
        for (int blocks = leaving[worker] ? 0 : count > 0 ? 1 : blocks_ahead; blocks > 0; --blocks) {
          const std::optional<SweepChunk> chunk = queue.take();
          if (!chunk) break;
          const std::int64_t work[2] = {chunk->first, chunk->count};
          MPI_Send(work, 2, MPI_INT64_T, status.MPI_SOURCE, work_tag, MPI_COMM_WORLD);  // small: returns at once
          ++in_flight[worker];
        }
        if (in_flight[worker] == 0) {
          const std::int64_t stop[2] = {0, -1};
          MPI_Send(stop, 2, MPI_INT64_T, status.MPI_SOURCE, work_tag, MPI_COMM_WORLD);
          --workers;
        }
      }
      return answered;
    };

    bool computing_finished = false;
    Backoff backoff;
    while (workers > 0 || !computing_finished || !to_commit.empty()) {
      if (cancel->load()) queue.cancel();
      bool progressed = answer_workers();
      if (workers == 0) queue.workers_stopped();
      if (room()) {
        ComputedHere::Taken here = computed.take();
        computing_finished = here.finished;
        for (auto& [chunk, outcomes] : here.results) hold(0, chunk, std::move(outcomes));
      }
      // One commit at a time, the workers answered again between two; none while the database is
      // being made, which would leave every worker waiting for its answer.
      if (!to_commit.empty() && sink.ready()) {
        const auto& [rank, chunk, outcomes] = to_commit.front();
        commit(chunk, outcomes);
        runs_by_rank[rank] += chunk.count;
        held_bytes -= static_cast<std::size_t>(outcomes.size()) * sizeof(double);
        to_commit.pop_front();
        progressed = true;
      }
      if (progressed)
        backoff.reset();
      else
        backoff.sleep();
    }
    return queue.all_taken();
  };
}

// Open MPI tries its UCX transport first, whose start-up probe took 0.2 s of every launch here
// (MPI_Init in 0.30 s instead of 0.10 s, for two ranks). Ranks that are all on one machine talk
// through shared memory whichever transport is chosen, and a sweep sends little, so there the
// default becomes Open MPI's own (pml ob1); a choice made by the user (`--mca pml`, or
// OMPI_MCA_pml) stands, and ranks spread over machines keep Open MPI's choice.
void prefer_shared_memory_transport() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local_size = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size && local_size && std::string_view(size) == local_size) setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

// Open MPI 4.1's ranks talk to their launcher (its PMIx server) over a loopback TCP connection
// without TCP_NODELAY: at MPI_Finalize a rank sends a few small messages, Nagle's algorithm holds
// the later ones until the first is acknowledged, and Linux delays that acknowledgment by 40 ms.
// MPI_Finalize took 45 ms of every run here, 2 ms with the option set. So once MPI_Init has made
// the connection, every TCP stream socket of the process gets it (steppe has none of its own; it
// changes when small messages leave, never what they say).
void send_small_messages_at_once() {
  DIR* folder = opendir("/proc/self/fd");
  if (!folder) return;  // not Linux: Finalize is only slower
  while (const dirent* entry = readdir(folder)) {
    const int descriptor = std::atoi(entry->d_name);
    int type = 0;
    socklen_t type_size = sizeof type;
    sockaddr_storage address{};
    socklen_t address_size = sizeof address;
    if (getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &type_size) != 0 || type != SOCK_STREAM ||
        getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &address_size) != 0 ||
        (address.ss_family != AF_INET && address.ss_family != AF_INET6))
      continue;
    const int on = 1;
    setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  closedir(folder);
}

}  // namespace

int sweep_mpi_command(const SweepOptions& options, const std::string& command_line) {
  prefer_shared_memory_transport();
  // Rank 0's compute thread makes no MPI call: every call is on the main thread.
  int threading = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &threading);
  send_small_messages_at_once();
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (threading < MPI_THREAD_FUNNELED) {  // Open MPI gives it; another library might not
    if (rank == 0) std::cerr << "steppe: this MPI library allows no thread beside MPI calls (MPI_THREAD_FUNNELED)\n";
    MPI_Finalize();
    return 1;
  }
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
    if (rank == 0) {
      std::vector<std::int64_t> runs_by_rank(static_cast<std::size_t>(ranks), 0);
      code = run_sweep_command(*sweep, options, command_line,
                               ranks > 1 ? distribute(ranks, runs_by_rank) : ChunkExecutor{});
      if (code == 0 && ranks > 1 && !options.quiet) {
        std::string line = "runs by rank:";
        for (int each = 0; each < ranks; ++each)
          line += fmt::format("{} {}: {}", each == 0 ? "" : ",", each, runs_by_rank[static_cast<std::size_t>(each)]);
        std::cout << line << "\n";
      }
    } else {
      serve(*sweep);
      // A worker stopped by a signal says nothing (rank 0 reports the sweep) but its exit code.
      if (interrupted()) code = interrupted_exit_code();
    }
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
