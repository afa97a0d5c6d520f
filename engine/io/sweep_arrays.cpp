#include "engine/io/sweep_arrays.hpp"

#include <fmt/format.h>

#include <algorithm>

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

  std::string value_columns;
  for (const std::string& factor : stored.factors)
    value_columns += ", " + quoted_identifier(factor) + ", " + quoted_identifier(factor + ":unit");
  const SweepDatabase::Table design =
      database.query("SELECT point, block, base, factor, step, policy" + value_columns + " FROM design ORDER BY point");
  if (static_cast<Eigen::Index>(design.rows.size()) != points)
    throw InputError({database.file().string()}, "",
                     fmt::format("the design table holds {} of {} points", design.rows.size(), points));
  arrays.roles.resize(static_cast<std::size_t>(points));
  arrays.values.resize(points, factors);
  arrays.units.resize(points, factors);
  for (Eigen::Index point = 0; point < points; ++point) {
    const auto& row = design.rows[static_cast<std::size_t>(point)];
    PointRole& role = arrays.roles[static_cast<std::size_t>(point)];
    role.block = block_from_name(row[1]);
    role.base = std::stoi(row[2]);
    role.factor = std::stoi(row[3]);
    role.step = std::stoi(row[4]);
    // The policies in the order the sweep file lists them: the order of their first points.
    if (!row[5].empty()) {
      auto found = std::find(arrays.policies.begin(), arrays.policies.end(), row[5]);
      if (found == arrays.policies.end()) found = arrays.policies.insert(arrays.policies.end(), row[5]);
      role.policy = static_cast<int>(found - arrays.policies.begin());
    }
    for (Eigen::Index factor = 0; factor < factors; ++factor) {
      arrays.values(point, factor) = std::stod(row[static_cast<std::size_t>(6 + 2 * factor)]);
      arrays.units(point, factor) = std::stod(row[static_cast<std::size_t>(7 + 2 * factor)]);
    }
  }

  std::string outcome_columns;
  for (const std::string& outcome : stored.outcomes) outcome_columns += ", " + quoted_identifier(outcome);
  const auto runs = database.numbers("SELECT point" + outcome_columns + " FROM runs ORDER BY run");
  const auto outcomes = static_cast<Eigen::Index>(stored.outcomes.size());
  arrays.run_point.resize(runs.size());
  arrays.outcomes.resize(static_cast<Eigen::Index>(runs.size()), outcomes);
  for (std::size_t run = 0; run < runs.size(); ++run) {
    arrays.run_point[run] = static_cast<std::int64_t>(runs[run][0]);
    for (Eigen::Index outcome = 0; outcome < outcomes; ++outcome)
      arrays.outcomes(static_cast<Eigen::Index>(run), outcome) = runs[run][static_cast<std::size_t>(outcome + 1)];
  }
  return arrays;
}

}  // namespace steppe
