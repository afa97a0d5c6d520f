// Loading scenario YAML into an immutable Scenario (docs/scenario-format.md is the format).
//
// Every name is resolved against the model's declaration expanded over the scenario's actors,
// every number is range-checked, and any problem raises an InputError carrying
// file:line:column, the key path (e.g. "levers.USA.air_link.ramp.from") and a "did you mean"
// for unknown names. Nothing is defaulted silently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/controllers.hpp"
#include "engine/io/yaml_input.hpp"
#include "engine/scenario.hpp"

namespace steppe {

// A change typed on the command line on top of a scenario's files (docs/scenario-format.md,
// "Changes from the command line"): a `--set NAME=VALUE[@DATES]`, a `--jump NAME=DELTA@DATE`, an
// `--event 'KIND ACTOR DATE'`, or one item of a `compare --with` list.
struct Override {
  enum class Kind { set, jump, event };
  std::string name;   // set, jump: what it changes; event: the event kind
  std::string value;  // as typed after '=' ("0.15@2030-01..2030-06"); event: "ACTOR DATE"
  Kind kind = Kind::set;
  // Where it was typed, so that an error can underline the wrong part: the flag, the whole text
  // after it (a --with list holds several changes) and where this change starts in that text.
  std::string flag = "--set";
  std::string typed;
  std::size_t name_offset = 0, value_offset = 0;

  // The change as titles and headers show it: "USA.air_link=1@2030-01",
  // "event leadership_turnover MNG 2029-06", "jump CHN.threat_perception=+1@2025-11".
  std::string text() const;
};

struct LoadOptions {
  std::vector<Override> overrides;    // applied in order, after the files
  std::optional<int> months;          // --months
  std::optional<std::uint64_t> seed;  // --seed
  std::optional<bool> stochastic;     // --stochastic / --deterministic

  // Ensembles and sweeps draw the model's random events unless told not to (`steppe run
  // --members N`, `steppe sweep`, and Python's run() alike).
  void draw_unless_told(bool ensemble) {
    if (ensemble && !stochastic) stochastic = true;
  }
};

std::shared_ptr<const Scenario> load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});

// A sweep file (docs/sweeps.md) is a scenario — usually extending a shipped one — whose
// `uncertainties` are the factors to vary, with a `sweep:` section for the design. A scenario
// loader ignores that section (the file validates and runs as an ensemble); the sweep loader
// reads it.
struct SweepFile {
  std::shared_ptr<const Scenario> scenario;
  Located section;
};
SweepFile load_sweep_file(const std::filesystem::path& file, const LoadOptions& options = {});

// `base` with these values set as --set sets them (a sweep's policies hold their levers so): a
// copy, without reading its files again, its content hash covering the values.
std::shared_ptr<const Scenario> with_overrides(const Scenario& base, const std::vector<Override>& overrides);

// A wargame team's menu: each lever slot on it and its settings.
using TeamMenu = std::vector<std::pair<int, std::vector<double>>>;
// The controller of a team the computer plays (`controller:` in a game definition, docs/wargame.md):
// a doctrine whose settings are on the team's menu, or a lookahead over the menu's settings of the
// levers it names (`levers:`, all by default), which the game's budget and fog then constrain.
std::shared_ptr<const Controller> read_team_controller(const Located& at, const Layout& layout,
                                                       const std::string& actor, const TeamMenu& menu);

// Parse what was typed after a flag; throw InputError, with the wrong part underlined, when it
// is not of the flag's form. --set takes "NAME=VALUE[@DATES]", --jump "NAME=DELTA@DATE", --event
// "KIND ACTOR DATE".
Override parse_override(const std::string& text);
Override parse_jump(const std::string& text);
Override parse_event(const std::string& text);
// A `compare --with` variant: changes separated by commas, each "NAME=VALUE[@DATES]",
// "jump NAME=DELTA@DATE" or "event KIND ACTOR DATE".
std::vector<Override> parse_variant(const std::string& text);

}  // namespace steppe
