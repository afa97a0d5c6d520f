// What differs between two scenarios, setting by setting, and the scenarios in between: the
// first with any subset of the second's settings. `steppe compare --attribute` splits a
// difference of outcomes among these settings (engine/analysis/shapley.hpp, docs/cli.md).
//
// A setting is one parameter, one initial value or one lever's schedule (each with any
// uncertainty about it), one dated jump or model event present on one side only, the triggers
// as a whole, or the network as a whole.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/scenario.hpp"

namespace steppe {

struct SettingDifference {
  enum class Kind { parameter, initial, lever, jump, event, triggers, network };
  Kind kind = Kind::parameter;
  std::string name;  // as people read it: "CHN.hawkishness", "event leadership_turnover MNG 2029-06"
  int slot = -1;     // parameter, initial, lever: the layout's slot
  // jump, event: the index in the jumps or model events of the side that has it alone.
  int index = -1;
  bool in_second = false;  // jump, event: the second scenario has it (else the first alone does)
};

// The settings in which `second` differs from `first`, in the layout's order (parameters,
// initial values, levers), then jumps and events by month, then triggers and network. Throws
// InputError (naming `second_file`) when the two cannot be compared setting by setting: another
// model, other actors, start, horizon, seed, randomness or lever policies.
std::vector<SettingDifference> setting_differences(const Scenario& first, const Scenario& second,
                                                   const std::string& second_file);

// `first` with the settings chosen in `from_second` (parallel to `differences`) taken from
// `second`; its content hash covers the choice.
std::shared_ptr<const Scenario> scenario_between(const Scenario& first, const Scenario& second,
                                                 const std::vector<SettingDifference>& differences,
                                                 const std::vector<bool>& from_second);

}  // namespace steppe
