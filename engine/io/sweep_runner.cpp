#include "engine/io/sweep_runner.hpp"

#include <chrono>
#include <future>
#include <optional>
#include <utility>

#include "engine/io/sweep_database.hpp"

namespace steppe {

namespace {

// A new sweep's database while another thread makes it: it holds no runs, and the first write
// waits for it. Its design table takes a tenth of a flagship sweep on two cores, and the runs
// need none of it: they start at once, and their outcomes wait.
class DatabaseBeingMade final : public SweepSink {
 public:
  explicit DatabaseBeingMade(std::future<SweepDatabase> making) : making_(std::move(making)) {}
  std::vector<bool> completed(std::int64_t runs) const override {
    return std::vector<bool>(static_cast<std::size_t>(runs), false);
  }
  void write(std::int64_t first, const MemberArrays& outcomes) override { made().write(first, outcomes); }
  void commit() override { made().commit(); }
  bool ready() const override {
    return made_ || making_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  // Waits until it is made; throws what stopped it.
  SweepDatabase& made() {
    if (!made_) made_.emplace(making_.get());
    return *made_;
  }

 private:
  std::future<SweepDatabase> making_;
  std::optional<SweepDatabase> made_;
};

}  // namespace

SweepReport run_sweep(const Sweep& sweep, const DatabaseSweepOptions& options) {
  const std::vector<DesignPoint> points = sweep.points();
  const std::string shard =
      options.shards > 0 ? std::to_string(options.shard) + "/" + std::to_string(options.shards) : "";
  const SweepProvenance provenance{options.version, options.command, options.resume_command, shard};
  const auto run_into = [&](SweepSink& sink, bool created) {
    SweepRunOptions run = options;
    run.ready = [&](const SweepReport& found) {
      if (!options.ready) return;
      SweepReport told = found;
      told.created = created;
      options.ready(told);
    };
    SweepReport report = run_sweep(sweep, points, sink, run);
    report.created = created;
    return report;
  };
  if (options.resume) {
    SweepDatabase database = SweepDatabase::resume(sweep, points, provenance);
    SweepReport report = run_into(database, database.created());
    if (!report.cancelled) database.checkpoint();
    return report;
  }
  DatabaseBeingMade database(std::async(std::launch::async, SweepDatabase::create(sweep, points, provenance)));
  SweepReport report = run_into(database, true);
  SweepDatabase& made = database.made();  // made even when every run was cancelled, for --resume
  if (!report.cancelled) made.checkpoint();
  return report;
}

}  // namespace steppe
