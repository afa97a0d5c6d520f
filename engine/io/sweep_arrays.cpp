#include "engine/io/sweep_arrays.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "engine/errors.hpp"

namespace steppe {

namespace {

Block block_from_name(const std::string& name) {
  for (Block block : {Block::point, Block::a, Block::b, Block::ab, Block::ba, Block::morris})
    if (name == block_name(block)) return block;
  throw std::runtime_error("a sweep database's design table names an unknown block: " + name);
}

}  // namespace

SweepArrays read_sweep_arrays(const SweepDatabase& database, bool allow_unfinished) {
  SweepArrays arrays;
  arrays.stored = database.stored();
  const StoredSweep& stored = arrays.stored;
  const auto points = static_cast<Eigen::Index>(stored.points);
  const auto factors = static_cast<Eigen::Index>(stored.factors.size());

  const auto count = database.numbers("SELECT COUNT(*) FROM runs");
  const auto finished = count.empty() ? 0 : static_cast<std::int64_t>(count[0][0]);
  if (!stored.shard.empty() && !allow_unfinished)
    throw InputError({database.file().string()}, "",
                     fmt::format("this database holds shard {} of a sweep, not the whole of it: combine the shards "
                                 "with steppe merge MERGED SHARD... and analyze the merged database",
                                 stored.shard));
  if (finished != stored.runs && !allow_unfinished)
    throw InputError({database.file().string()}, "",
                     fmt::format("the sweep is not finished ({} of {} runs): finish it with {}", finished, stored.runs,
                                 database.finish_command()));

  // The design's block and policy are text; its structure and values are read as numbers.
  const SweepDatabase::Table labels = database.query("SELECT block, policy FROM design ORDER BY point");
  if (static_cast<Eigen::Index>(labels.rows.size()) != points)
    throw InputError({database.file().string()}, "",
                     fmt::format("the design table holds {} of {} points", labels.rows.size(), points));
  arrays.roles.resize(static_cast<std::size_t>(points));
  arrays.values.resize(points, factors);
  arrays.units.resize(points, factors);
  for (std::size_t point = 0; point < labels.rows.size(); ++point) {
    const auto& row = labels.rows[point];
    PointRole& role = arrays.roles[point];
    role.block = block_from_name(row[0]);
    // The policies in the order the sweep file lists them: the order of their first points.
    if (!row[1].empty()) {
      auto found = std::find(arrays.policies.begin(), arrays.policies.end(), row[1]);
      if (found == arrays.policies.end()) found = arrays.policies.insert(arrays.policies.end(), row[1]);
      role.policy = static_cast<int>(found - arrays.policies.begin());
    }
  }
  std::string value_columns;
  for (const std::string& factor : stored.factors)
    value_columns += ", " + quoted_identifier(factor) + ", " + quoted_identifier(factor + ":unit");
  Eigen::Index point = 0;
  database.read_numbers("SELECT base, factor, step" + value_columns + " FROM design ORDER BY point",
                        [&](std::span<const double> row) {
                          if (point >= points) return;  // its rows were counted above, and it is written only once
                          PointRole& role = arrays.roles[static_cast<std::size_t>(point)];
                          role.base = static_cast<int>(row[0]);
                          role.factor = static_cast<int>(row[1]);
                          role.step = static_cast<int>(row[2]);
                          for (Eigen::Index factor = 0; factor < factors; ++factor) {
                            arrays.values(point, factor) = row[static_cast<std::size_t>(3 + 2 * factor)];
                            arrays.units(point, factor) = row[static_cast<std::size_t>(4 + 2 * factor)];
                          }
                          ++point;
                        });

  // Each run's point and outcomes, one row at a time into one array of numbers (a sweep still
  // running may have committed more runs since they were counted).
  std::string outcome_columns;
  for (const std::string& outcome : stored.outcomes) outcome_columns += ", " + quoted_identifier(outcome);
  const auto outcomes = static_cast<Eigen::Index>(stored.outcomes.size());
  std::vector<double> run_outcomes;
  run_outcomes.reserve(static_cast<std::size_t>(finished * outcomes));
  arrays.run_point.reserve(static_cast<std::size_t>(finished));
  database.read_numbers("SELECT point" + outcome_columns + " FROM runs ORDER BY run", [&](std::span<const double> row) {
    arrays.run_point.push_back(static_cast<std::int64_t>(row[0]));
    run_outcomes.insert(run_outcomes.end(), row.begin() + 1, row.end());
  });
  arrays.outcomes = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      run_outcomes.data(), static_cast<Eigen::Index>(arrays.run_point.size()), outcomes);
  return arrays;
}

}  // namespace steppe
