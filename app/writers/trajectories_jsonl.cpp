// trajectories.jsonl, on request (`--write trajectories.jsonl`): the trajectories as JSON lines,
// one object per month and member with every state variable by name, for tools that stream
// records (jq, DuckDB's read_json, pandas.read_json(lines=True)). Non-finite values are null. An
// explained run's lines also hold the levers and derived quantities of the month's step.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "app/output_writers.hpp"
#include "engine/io/streamed_text.hpp"

namespace steppe::app {

namespace {

// Each slot's name as a quoted JSON key.
template <typename Name>
std::vector<std::string> quoted_keys(std::size_t slots, const Name& name) {
  std::vector<std::string> keys;
  for (std::size_t slot = 0; slot < slots; ++slot) keys.push_back(nlohmann::json(name(static_cast<int>(slot))).dump());
  return keys;
}

// `"key":{...}` of the columns of `values` (one member's row) named by `keys`, null where non-finite.
void write_object(StreamedText& out, std::string_view key, const std::vector<std::string>& keys,
                  const std::vector<Eigen::Index>& columns, const MemberArrays& values, Eigen::Index member) {
  out.format(R"("{}":{{)", key);
  for (std::size_t index = 0; index < columns.size(); ++index) {
    const double value = values(member, columns[index]);
    out.format("{}{}:", index ? "," : "", keys[index]);
    if (std::isfinite(value))
      out.format("{}", value);
    else
      out.format("null");
  }
  out.format("}}");
}

// With `explained`, a line of a month whose step was taken also holds that step's levers and
// derived quantities.
void write_json_lines(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months,
                      const WhatIfRun* explained) {
  const Layout& layout = *scenario.layout;
  std::vector<Eigen::Index> state_columns;
  std::vector<std::string> state_keys;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    if (!layout.state()[slot].decl->internal) {
      state_columns.push_back(static_cast<Eigen::Index>(slot));
      state_keys.push_back(nlohmann::json(layout.state_name(static_cast<int>(slot))).dump());
    }
  const auto all = [](std::size_t slots) {
    std::vector<Eigen::Index> columns(slots);
    for (std::size_t slot = 0; slot < slots; ++slot) columns[slot] = static_cast<Eigen::Index>(slot);
    return columns;
  };
  const std::vector<Eigen::Index> lever_columns = all(layout.levers().size()),
                                  derived_columns = all(layout.derived().size());
  const std::vector<std::string> lever_keys =
      quoted_keys(layout.levers().size(), [&](int slot) { return layout.lever_name(slot); });
  const std::vector<std::string> derived_keys =
      quoted_keys(layout.derived().size(), [&](int slot) { return layout.derived_name(slot); });
  StreamedText out(stream);
  for (std::size_t month = 0; month < months.size(); ++month) {
    const std::string date = scenario.date(static_cast<int>(month)).to_string();
    for (Eigen::Index member = 0; member < months[month].rows(); ++member) {
      out.format(R"({{"date":"{}","member":{},)", date, member);
      write_object(out, "state", state_keys, state_columns, months[month], member);
      if (explained && month < explained->levers.size()) {
        out.format(",");
        write_object(out, "levers", lever_keys, lever_columns, explained->levers[month], member);
        out.format(",");
        write_object(out, "derived", derived_keys, derived_columns, explained->derived[month], member);
      }
      out.format("}}\n");
    }
  }
}

const OutputWriterRegistration<RunResult> writer({
    .file = "trajectories.jsonl",
    .help = "the trajectories as JSON lines: {date, member, state: {ACTOR.variable: value}} (with --explain: "
            "levers and derived too)",
    .order = 60,
    .by_default = false,
    .applies = [](const PreparedRun& prepared) { return prepared.keeps_trajectories(); },
    .applies_to = "a single run, or an ensemble with --keep-trajectories",
    .write =
        [](const RunResult& result, const Provenance&, std::ostream& out) {
          if (result.run)
            write_json_lines(out, result.scenario(), result.run->months,
                             result.run->explained ? &*result.run : nullptr);
          else
            write_json_lines(out, result.scenario(), result.ensemble->trajectories, nullptr);
        },
});

}  // namespace

}  // namespace steppe::app
