// `steppe wargame`: the classroom wargame's command line (docs/wargame.md). Files for a class
// sharing a folder — new, status, brief, submit, inject, override, advance, undo, replay,
// report — and `play` for hotseat play on one terminal. The actions are use cases
// (app/wargame.hpp) over the rules (engine/wargame) and the files (engine/io/wargame_files);
// this only parses, calls them, and prints what they return.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace steppe::cli {

struct WargameOptions {
  std::string file;                // new: a scenario or a game definition
  std::string game;                // the game folder
  int turns = 0, turn_months = 0;  // new from a scenario: 0 → 8 turns of 3 months
  std::string team;
  bool facilitator = false;
  std::string moves;   // submit: the moves file
  std::string inject;  // inject: a deck card
  std::vector<std::string> jumps, levers, events;
  int months = 0;
  std::string title;
  std::vector<std::string> assignments;  // override: LEVER=SETTING each
  std::string note;
  std::size_t remove = 0;  // inject, override: remove the open turn's entry of this number (from 1)
  bool force = false;
  bool discard_open = false;
  std::string out;             // report: the folder (default GAME/report)
  std::string counterfactual;  // report: TEAM=SCENARIO
  bool json = false;
};

// Adds `wargame` and its subcommands to the app; `run_wargame` runs whichever was parsed.
CLI::App* add_wargame_commands(CLI::App& app, WargameOptions& options);
int run_wargame(const CLI::App& wargame, const WargameOptions& options);

}  // namespace steppe::cli
