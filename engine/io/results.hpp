// Results of what-if runs and the files they become: tidy trajectories CSV and an SVG chart of
// the model's headline panels, with what every chart of scenarios shares (its y ranges, its
// subtitle of command-line changes, its timeline of windows and events; their JSON is made in
// app/json.hpp). Numbers in CSV are
// written in the shortest form that reads back to the same double.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/svg_chart.hpp"
#include "engine/scenario.hpp"
#include "engine/simulation.hpp"
#include "engine/what_if.hpp"

namespace steppe {

// Recorded in every output: which steppe, which command.
struct Provenance {
  std::string steppe_version;
  std::string command;
};

// "date,member,actor,variable,value", one row per month, member, actor and variable (internal
// bookkeeping variables excluded), written to `out` as it is made. With `chosen` (an ensemble's
// kept settings of the levers its controllers set, `chosen_slots`: per month whose step was taken,
// members × those levers), a last column `kind`: `state` for those rows, and a `lever` row per
// member and chosen lever after each such month's state.
void write_trajectories_csv(std::ostream& out, const Scenario& scenario, const std::vector<MemberArrays>& months,
                            const std::vector<MemberArrays>* chosen = nullptr,
                            const std::vector<int>& chosen_slots = {});
// A what-if run's trajectory, as above. An explained run's (WhatIfRun::explained) gains a last
// column, `kind`: `state` for those rows, and for each month whose step was taken (all but the
// horizon) a `lever` row per lever slot (actor, lever name: the setting month t's step used) and
// a `derived` row per derived quantity (actor, name: as that step computed it).
void write_trajectories_csv(std::ostream& out, const WhatIfRun& run);

// A what-if run's controller decisions (WhatIfRun::decisions):
// "date,actor,controller,option,score,chosen,reason", a row per option weighed (a lookahead's
// status quo and menu, with scores; a doctrine's one setting, with the rule that set it).
void write_decisions_csv(std::ostream& out, const WhatIfRun& run);

// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text);

// The shortest text that reads back to the same double; "NaN"/"inf" spelled for pandas and R.
std::string round_trip(double value);
// The same text as a format argument, written straight into the output (no string made for
// each value, which was a tenth of writing a large ensemble's outcomes.csv).
struct RoundTrip {
  double value;
};

// How the charts' y axes are scaled (`--y-range`): each variable on its declared range (a share on
// [0, 1], so that 0.50 → 0.47 looks like the small move it is) unless that range is unbounded,
// the data fitted, or one range for every panel.
struct YRange {
  enum class Mode { declared, fit, fixed };
  Mode mode = Mode::declared;
  double low = 0, high = 1;  // with Mode::fixed
};

// "declared", "fit" or "LOW:HIGH" (finite, LOW < HIGH); nullopt for anything else.
std::optional<YRange> parse_y_range(std::string_view text);

// How a run's or comparison's charts are drawn and which are written.
struct ChartOptions {
  YRange y_range;
  bool png = false;  // chart.png beside chart.svg
};

// The y range of a panel of `variable` (ChartPanel's y_min/y_max: equal means "fit the data").
// A declared range counts as unbounded when it is unclipped and wider than 10, as the bands
// treat it (an arms race's ±1e9).
void set_y_range(ChartPanel& panel, const VariableDecl& variable, const YRange& range);

// What a time-series chart of scenarios side by side (one run, or the sides of a comparison,
// labelled `labels`) shares: the title (the scenario's, or the labels joined by "vs"), the
// subtitle saying what the command line changed on every side ("with USA.air_link=1"; a side's
// own changes are in its label), the dates of the
// longest scenario, and the scenarios' timeline: lever windows and pulses shaded, lever steps,
// model events and jumps marked; a side's own are labelled with its label.
Chart scenario_chart(const std::vector<const Scenario*>& scenarios, const std::vector<std::string>& labels);

// The colour and dash of a series of `actor` (its index among a panel's actors) on `side` of
// `sides`: one run's actors differ by colour; the sides of a comparison differ by colour, and
// the actors within a side by dash.
void style_series(ChartSeries& series, std::size_t side, std::size_t sides, int actor);

// The model's headline panels (for third_neighbor: autonomy, coercion, trust, tension), one or
// more runs side by side. The caption carries seed, content hash and steppe version.
Chart indicator_chart(const std::vector<const WhatIfRun*>& runs, const std::vector<std::string>& labels,
                      const Provenance& provenance, const YRange& y_range = {});

// The variables shown to people: every non-internal variable except per-lever ones.
std::vector<int> headline_slots(const Layout& layout);

}  // namespace steppe

template <>
struct fmt::formatter<steppe::RoundTrip> {
  constexpr auto parse(format_parse_context& context) { return context.begin(); }
  template <class Context>
  auto format(steppe::RoundTrip number, Context& context) const -> decltype(context.out()) {
    const double value = number.value;
    if (std::isnan(value) || std::isinf(value)) {
      const std::string_view word = std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf";
      return std::copy(word.begin(), word.end(), context.out());
    }
    return fmt::format_to(context.out(), FMT_COMPILE("{}"), value);
  }
};
