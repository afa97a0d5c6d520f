// A Scenario: one validated, immutable description of a run.
//
// The YAML loader (engine/io/scenario_loader) builds it once, resolving every name against the
// model's declaration expanded over the scenario's actors; afterwards nothing changes it.
// Simulations, ensembles, sweeps and games all run from a `std::shared_ptr<const Scenario>`.
// All times here are month indices from the scenario's start (month 0 = `start`).
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/distribution.hpp"
#include "engine/errors.hpp"
#include "engine/model.hpp"
#include "engine/network.hpp"

namespace steppe {

// A piece of a lever's schedule: on months [from, to] the lever is `start_value`, or moves
// linearly from `start_value` at `from` to `end_value` at `to` when `linear`.
struct ScheduleSegment {
  int from = 0;
  int to = INT_MAX;  // inclusive; INT_MAX means open-ended
  double start_value = 0;
  double end_value = 0;
  bool linear = false;
};

// A lever's value over time. Later segments override earlier ones where they overlap (a pulse
// or a windowed override sits on top of the base schedule); outside every segment the lever
// holds its status quo.
struct LeverSchedule {
  std::vector<ScheduleSegment> segments;
  double value_at(int month, double status_quo) const;
  // The last month through which value_at keeps the value it has at `month` (INT_MAX: for good),
  // so that a run need not look the lever up again every month.
  int constant_through(int month) const;
};

enum class Comparison { greater, greater_equal, less, less_equal };

struct Condition {
  int state_slot = -1;
  Comparison comparison = Comparison::greater;
  double threshold = 0;
  std::string text;  // as written, for reports
};

// When the condition holds at the start of a month (per member), the levers are set from that
// month on, for the rest of the run: a trigger latches.
struct Trigger {
  Condition when;
  std::vector<std::pair<int, double>> set;  // (lever slot, value)
  std::string note;
};

// A dated additive jump to state variables, applied at step 2 of its month after the model's
// own events; the result is clipped to the variable's range.
struct StateJump {
  int month = 0;
  std::vector<std::pair<int, double>> deltas;  // (state slot, delta)
  std::string note;
};

struct ScheduledModelEvent {
  int month = 0;
  int kind = 0;   // index into ModelDeclaration::event_kinds
  int actor = 0;  // index into Layout::actors()
  std::string note;
};

// A note on the timeline of a scenario (lever windows and events), for reports.
struct TimelineNote {
  int month = 0;
  std::string text;
};

enum class Statistic { final, mean, min, max, sum, months_above, months_below, first_above, first_below };

// A measure computed per member over months 0..horizon of a run, e.g. "MNG.autonomy.final",
// "CHN.coercion.max", "MNG.autonomy.months_above(0.5)".
struct OutcomeSpec {
  std::string name;
  int state_slot = -1;
  Statistic statistic = Statistic::final;
  double threshold = 0;
  // A first crossing: the value is a month index (NaN when it never happens).
  bool is_month() const { return statistic == Statistic::first_above || statistic == Statistic::first_below; }
};

// An uncertain input (the X of XLRM): each member draws its own value of an initial state or
// of a lever held constant for the whole run, from its own random stream.
struct Uncertainty {
  // What the drawn value replaces, for each member: a parameter, an initial value, a lever held
  // constant for the run, or a lookahead controller's objective weight ("CHN.objective.leverage")
  // or temperature ("CHN.temperature"), which the controller reads from the member's inputs.
  enum class Target { parameter, initial, lever, controller };
  std::string name;  // as written, e.g. "CHN.k", "USA.trust" or "USA.air_link"
  Target target = Target::initial;
  int slot = -1;  // a parameter, state or lever slot of the layout; -1 for a controller's
  Distribution distribution;
};

class LeverPolicy;

struct Scenario {
  std::string model_name;
  const Model* model = nullptr;
  std::shared_ptr<const Layout> layout;

  YearMonth start;
  int months = 120;
  std::uint64_t seed = 1;
  bool stochastic = false;

  std::vector<double> parameters;     // per parameter slot
  std::vector<double> initial;        // per state slot (derived initials are filled by the kernel)
  std::vector<LeverSchedule> levers;  // per lever slot
  std::vector<Trigger> triggers;
  // Lever policies after the schedules and triggers above, each over the ones before it
  // (engine/lever_policy.hpp; docs/scenario-format.md, "Who sets a lever"): controllers.
  std::vector<std::shared_ptr<const LeverPolicy>> lever_policies;
  std::vector<StateJump> jumps;                   // sorted by month
  std::vector<ScheduledModelEvent> model_events;  // sorted by month
  std::vector<TimelineNote> timeline;
  std::shared_ptr<const Network> network;  // null when the model uses none
  std::vector<OutcomeSpec> outcomes;
  std::vector<Uncertainty> uncertainties;

  // Provenance, recorded in every output.
  std::string title;
  std::string description;
  // The changes made on top of the files, as typed on the command line (`USA.air_link=1@2030-01`,
  // `event leadership_turnover MNG 2029-06`), for titles, headers and chart subtitles.
  std::vector<std::string> changes;
  std::vector<std::string> files;  // the scenario file and any it extends
  std::string content_hash;        // xxh64 of those files' bytes, --set, --months, --seed, --stochastic
  bool has_sweep = false;          // the files hold a `sweep:` section (a sweep file, docs/sweeps.md)

  YearMonth date(int month) const { return start.plus(month); }
  // A first crossing (OutcomeSpec::is_month) as the date it happened, "YYYY-MM"; a mean or an
  // interpolated quantile of crossings is given the nearest month; "" when it never happened (NaN).
  std::string crossing_date(double month) const;
};

// A number as YAML or --set writes it: decimal or exponent form, optionally signed ('+' too).
// YAML's .inf/.nan and values too large for a double come back non-finite so that the caller can
// say so; nullopt when the text is not one number.
std::optional<double> parse_number(std::string_view text);

// Parses an outcome expression ("MNG.autonomy.final", "CHN.coercion.months_above(0.3)") against
// a layout; nullopt with `error` set when it is not one.
std::optional<OutcomeSpec> parse_outcome(const std::string& text, const Layout& layout, std::string& error);

}  // namespace steppe
