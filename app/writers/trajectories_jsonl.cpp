// trajectories.jsonl, on request (`--write trajectories.jsonl`): the trajectories as JSON lines,
// one object per month and member with every state variable by name, for tools that stream
// records (jq, DuckDB's read_json, pandas.read_json(lines=True)). Non-finite values are null.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/output_writers.hpp"
#include "engine/io/streamed_text.hpp"

namespace steppe::app {

namespace {

void write_json_lines(std::ostream& stream, const Scenario& scenario, const std::vector<MemberArrays>& months) {
  const Layout& layout = *scenario.layout;
  std::vector<std::pair<Eigen::Index, std::string>> columns;  // slot, its quoted key
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    if (!layout.state()[slot].decl->internal)
      columns.emplace_back(static_cast<Eigen::Index>(slot),
                           nlohmann::json(layout.state_name(static_cast<int>(slot))).dump());
  StreamedText out(stream);
  for (std::size_t month = 0; month < months.size(); ++month) {
    const std::string date = scenario.date(static_cast<int>(month)).to_string();
    for (Eigen::Index member = 0; member < months[month].rows(); ++member) {
      out.format(R"({{"date":"{}","member":{},"state":{{)", date, member);
      for (std::size_t index = 0; index < columns.size(); ++index) {
        const double value = months[month](member, columns[index].first);
        out.format("{}{}:", index ? "," : "", columns[index].second);
        if (std::isfinite(value))
          out.format("{}", value);
        else
          out.format("null");
      }
      out.format("}}}}\n");
    }
  }
}

const OutputWriterRegistration<RunResult> writer({
    .file = "trajectories.jsonl",
    .help = "the trajectories as JSON lines: {date, member, state: {ACTOR.variable: value}}",
    .order = 60,
    .by_default = false,
    .applies = [](const PreparedRun& prepared) { return prepared.keeps_trajectories(); },
    .applies_to = "a single run, or an ensemble with --keep-trajectories",
    .write =
        [](const RunResult& result, const Provenance&, std::ostream& out) {
          write_json_lines(out, result.scenario(), result.run ? result.run->months : result.ensemble->trajectories);
        },
});

}  // namespace

}  // namespace steppe::app
