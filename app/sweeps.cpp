#include "app/sweeps.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>

#include "engine/errors.hpp"
#include "engine/io/results.hpp"
#include "engine/io/streamed_text.hpp"
#include "engine/io/sweep_database.hpp"

namespace steppe::app {

namespace {

// One CSV line (RFC 4180 quoting) into `text`.
void write_csv_line(StreamedText& text, const std::vector<std::string>& fields) {
  for (std::size_t index = 0; index < fields.size(); ++index) {
    text.format("{}{}", index ? "," : "", csv_field(fields[index]));
  }
  text.format("\n");
}

}  // namespace

PreparedSweep prepare_sweep(const SweepRequest& request) {
  return prepare_sweep(load_sweep(request.file, request.load), request);
}

PreparedSweep prepare_sweep(Sweep sweep, const SweepRequest& request) {
  PreparedSweep prepared{std::move(sweep), {}, {}};
  DatabaseSweepOptions& options = prepared.options;
  if (request.shards > 0) {
    options.shard = request.shard;
    options.shards = request.shards;
    // Each shard writes its own database: name.shard-K-of-N.sqlite unless told otherwise.
    std::filesystem::path& database = prepared.sweep.database;
    database.replace_filename(fmt::format("{}.shard-{}-of-{}{}", database.stem().string(), request.shard,
                                          request.shards, database.extension().string()));
  }
  if (!request.database.empty()) prepared.sweep.database = request.database;
  options.threads = request.threads;
  options.resume = request.resume;
  options.version = request.version;
  options.command = request.command;
  options.resume_command = request.resume_command;
  prepared.finish_command = finish_command(request.resume_command, prepared.sweep.database);
  return prepared;
}

SweepReport run_sweep(const PreparedSweep& prepared, const SweepControl& control) {
  DatabaseSweepOptions options = prepared.options;
  options.progress = control.progress;
  options.ready = control.ready;
  options.cancel = control.cancel;
  options.executor = control.executor;
  try {
    return steppe::run_sweep(prepared.sweep, options);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& failure) {  // the disk: what was committed stays, to be finished
    throw std::runtime_error(
        fmt::format("{}\nsteppe: then finish the sweep with: {}", failure.what(), prepared.finish_command));
  }
}

std::size_t merge_shards(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards) {
  SweepDatabase::merge(merged, shards);
  return shards.size();
}

ExportResult export_tables(const std::filesystem::path& database_file) {
  auto database = std::make_shared<const SweepDatabase>(SweepDatabase::open(database_file));
  ExportResult result;
  result.runs = static_cast<std::int64_t>(database->numbers("SELECT COUNT(*) FROM runs")[0][0]);
  result.expected_runs = database->expected_runs();
  result.finish_command = database->finish_command();
  for (const std::string& table : SweepDatabase::tables())
    result.files.emplace_back(table + ".csv", [database, table](std::ostream& out) {
      StreamedText text(out);
      const auto line = [&](const std::vector<std::string>& fields) { write_csv_line(text, fields); };
      database->read_rows("SELECT * FROM " + table, line, line);
    });
  return result;
}

}  // namespace steppe::app
