#include "engine/io/sweep_runner.hpp"

#include "engine/io/sweep_database.hpp"

namespace steppe {

SweepReport run_sweep(const Sweep& sweep, const DatabaseSweepOptions& options) {
  const std::vector<DesignPoint> points = sweep.points();
  const std::string shard =
      options.shards > 0 ? std::to_string(options.shard) + "/" + std::to_string(options.shards) : "";
  const SweepProvenance provenance{options.version, options.command, options.resume_command, shard};
  SweepDatabase database = options.resume ? SweepDatabase::resume(sweep, points, provenance)
                                          : SweepDatabase::create(sweep, points, provenance);
  SweepRunOptions run = options;
  run.ready = [&](const SweepReport& found) {
    if (!options.ready) return;
    SweepReport told = found;
    told.created = database.created();
    options.ready(told);
  };
  SweepReport report = run_sweep(sweep, points, database, run);
  if (!report.cancelled) database.checkpoint();
  report.created = database.created();
  return report;
}

}  // namespace steppe
