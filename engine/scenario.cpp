#include "engine/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace steppe {

double LeverSchedule::value_at(int month, double status_quo) const {
  // Later segments sit on top of earlier ones (a pulse over a base schedule), so the last
  // segment covering the month decides.
  for (auto segment = segments.rbegin(); segment != segments.rend(); ++segment) {
    if (month < segment->from || month > segment->to) continue;
    if (!segment->linear || segment->to == segment->from) return segment->start_value;
    const double progress =
        static_cast<double>(month - segment->from) / static_cast<double>(segment->to - segment->from);
    return segment->start_value + (segment->end_value - segment->start_value) * progress;
  }
  return status_quo;
}

int LeverSchedule::constant_through(int month) const {
  int through = INT_MAX;
  for (auto segment = segments.rbegin(); segment != segments.rend(); ++segment) {
    // A segment starting later takes over then: it ranks above whatever decides now.
    if (segment->from > month) {
      through = std::min(through, segment->from - 1);
      continue;
    }
    if (month > segment->to) continue;  // over, and months only go forward from here
    if (segment->linear && segment->to != segment->from) return month;
    return std::min(through, segment->to);
  }
  return through;
}

namespace {

struct StatisticName {
  std::string_view name;
  Statistic statistic;
  bool takes_threshold;
};

constexpr std::array<StatisticName, 9> statistic_names = {{
    {"final", Statistic::final, false},
    {"mean", Statistic::mean, false},
    {"min", Statistic::min, false},
    {"max", Statistic::max, false},
    {"sum", Statistic::sum, false},
    {"months_above", Statistic::months_above, true},
    {"months_below", Statistic::months_below, true},
    {"first_above", Statistic::first_above, true},
    {"first_below", Statistic::first_below, true},
}};

std::string statistic_list() {
  std::string list;
  for (const auto& entry : statistic_names)
    list += fmt::format("{}{}{}", list.empty() ? "" : ", ", entry.name, entry.takes_threshold ? "(x)" : "");
  return list;
}

}  // namespace

std::string Scenario::crossing_date(double month) const {
  if (!std::isfinite(month)) return "";
  return date(static_cast<int>(std::lround(month))).to_string();
}

std::optional<double> parse_number(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative || text.starts_with('+')) text.remove_prefix(1);  // from_chars takes neither
  if (text.starts_with('+') || text.starts_with('-')) return std::nullopt;
  constexpr double infinity = std::numeric_limits<double>::infinity();
  if (text == ".inf" || text == ".Inf" || text == ".INF") return negative ? -infinity : infinity;
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (stop != end || (error != std::errc() && error != std::errc::result_out_of_range)) return std::nullopt;
  // Out of range is an overflow (too large: infinite) or an underflow (too small: zero).
  if (error == std::errc::result_out_of_range) value = std::strtod(std::string(text).c_str(), nullptr);
  return negative ? -value : value;
}

std::optional<OutcomeSpec> parse_outcome(const std::string& text, const Layout& layout, std::string& error) {
  // The threshold may itself contain a '.', so it comes off before the statistic is split off
  // at the last '.' (the variable may contain dots too: "MNG.dependence.CHN.final").
  std::string_view head = text;
  std::optional<std::string_view> argument;
  if (head.ends_with(')')) {
    const auto open = head.rfind('(');
    if (open == std::string_view::npos) {
      error = fmt::format("unbalanced ')' in outcome '{}'", text);
      return std::nullopt;
    }
    argument = head.substr(open + 1, head.size() - open - 2);
    head = head.substr(0, open);
  }
  const auto dot = head.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == head.size()) {
    error = fmt::format("expected ACTOR.variable.STATISTIC, got '{}'", text);
    return std::nullopt;
  }

  const std::string variable(head.substr(0, dot));
  const std::string statistic(head.substr(dot + 1));
  const auto actor_dot = variable.find('.');
  const int slot = actor_dot == std::string::npos
                       ? -1
                       : layout.state_index(variable.substr(0, actor_dot), variable.substr(actor_dot + 1));
  if (slot < 0) {
    error = unknown_name_message("variable", variable, layout.state_names());
    return std::nullopt;
  }

  const auto found = std::find_if(statistic_names.begin(), statistic_names.end(),
                                  [&](const StatisticName& entry) { return entry.name == statistic; });
  if (found == statistic_names.end()) {
    std::vector<std::string> names;
    for (const auto& entry : statistic_names) names.emplace_back(entry.name);
    error = fmt::format("{} (statistics: {})", unknown_name_message("statistic", statistic, names), statistic_list());
    return std::nullopt;
  }

  OutcomeSpec outcome{text, slot, found->statistic, 0};
  if (found->takes_threshold) {
    if (!argument) {
      error = fmt::format("statistic '{}' needs a threshold, e.g. {}(0.5)", statistic, statistic);
      return std::nullopt;
    }
    const auto threshold = parse_number(*argument);
    if (!threshold || !std::isfinite(*threshold)) {
      error = fmt::format("expected a finite number as the threshold of '{}', got '{}'", statistic, *argument);
      return std::nullopt;
    }
    outcome.threshold = *threshold;
  } else if (argument) {
    error = fmt::format("statistic '{}' takes no threshold", statistic);
    return std::nullopt;
  }
  return outcome;
}

}  // namespace steppe
