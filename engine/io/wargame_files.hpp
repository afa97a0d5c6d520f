// The wargame's files (docs/wargame.md is the format): the game definition YAML, a team's moves
// YAML, and the game folder — `game.json`, the log of every submission, override, inject and
// adjudicated turn, rewritten atomically (temporary file, fsync, rename) after each, under a
// lock, so that a crash or two laptops submitting at once lose nothing; `game.json.bak`, the
// save before; `game.yaml` and `scenarios/`, copies of the rules, so that the folder can be
// moved or copied. `game.json` carries a hash chain over its log, checked whenever it is opened:
// a hand edit (or a damaged file) is refused, naming the first turn that does not match.
//
// Every mistake in a file is an InputError with file:line:column, key path and "did you mean";
// a move that breaks a rule of the game (over budget, turn closed), which the core checks, is
// reported at the key that breaks it. Nothing is recorded unless the whole file is valid.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/wargame.hpp"

namespace steppe::wargame {

// Loads and checks a game definition: its scenario (relative to the definition's folder) with
// the game's horizon, teams, menus, budgets, public variables, injects and counterfactual.
Definition load_definition(const std::filesystem::path& file);
// Whether a YAML file is a game definition (it has teams) rather than a scenario.
bool is_definition_file(const std::filesystem::path& file);
// A definition for any scenario, as YAML text to edit: a team per actor with levers, every lever
// on its menu at five settings (its starting value among them) costing more the higher they
// are, and budgets that afford the starting settings with room to move.
std::string default_definition(const Scenario& scenario, const std::string& scenario_path, int turns, int turn_months);

// The counterfactual of a debrief: `team`'s levers follow `scenario_file` (loaded with the
// game's horizon and randomness) instead of its moves.
Counterfactual load_counterfactual(const Definition& definition, const std::string& team,
                                   const std::filesystem::path& scenario_file);

// A team's moves file, its form checked — the keys known, `team` text, `turn` a whole number,
// `moves` a map of levers to numbers, or empty — as a Submission, whose rules the core checks
// (wargame::check_submission); `refuse` reports a rule it breaks at the key or value concerned.
class MovesFile {
 public:
  explicit MovesFile(const std::filesystem::path& file);
  const Submission& submission() const { return submission_; }
  // Throws `error` as an InputError at its place in the file (file:line:column and key path).
  [[noreturn]] void refuse(const SubmissionError& error) const;

 private:
  struct Places;
  Submission submission_;
  std::shared_ptr<const Places> places_;
};

// An inject from the deck by name (did you mean), or ad hoc from the command line: jumps and
// levers as NAME=VALUE, events as KIND:ACTOR.
Inject deck_inject(const Definition& definition, const std::string& name);
struct AdHocInject {
  std::string title;
  std::vector<std::string> jumps, levers, events;
  int months = 0;
};
Inject ad_hoc_inject(const Definition& definition, const AdHocInject& request);
// A facilitator's override "LEVER=VALUE" for a team, checked against its menu (not its budget).
Override read_override(const Definition& definition, const std::string& team, const std::string& assignment,
                       const std::string& note);

// One line of the game's history: who did what, when (UTC, ISO 8601).
struct HistoryEntry {
  std::string time, action, team, detail;
  int turn = 0;  // the turn open when it happened (0: none, the game was over)
};

// A game folder, open for reading or for one change: the definition it was made from, the log
// and the history. Opening checks that the definition and its scenario are the files the game
// began with.
class GameFolder {
 public:
  // Creates GAME/game.json for the definition at `definition_file` (a new folder, or an empty
  // one), with copies of the definition (GAME/game.yaml) and of its scenario files
  // (GAME/scenarios/, the paths between them rewritten to name the copies), which the game
  // reads from then on; throws InputError when a game is already there, or when a copy would
  // replace a different file of that name.
  static GameFolder create(const std::filesystem::path& folder, const std::filesystem::path& definition_file);
  // Opens an existing game; `for_change` takes the folder's lock until this object goes. A
  // game.json that is damaged or was edited by hand (its hash chain does not match) is an
  // InputError that names the first turn that does not match and how to restore the backup.
  static GameFolder open(const std::filesystem::path& folder, bool for_change);
  ~GameFolder();
  GameFolder(GameFolder&& other) noexcept;
  GameFolder(const GameFolder&) = delete;
  GameFolder& operator=(const GameFolder&) = delete;
  GameFolder& operator=(GameFolder&&) = delete;

  const std::filesystem::path& path() const { return folder_; }
  const Definition& definition() const { return definition_; }
  const GameLog& log() const { return log_; }
  GameLog& log() { return log_; }
  const std::vector<HistoryEntry>& history() const { return history_; }

  // Records an action in the history and writes the game atomically, the save before kept as
  // game.json.bak; the definition's content is pinned by the first change.
  void save(const std::string& action, const std::string& team, const std::string& detail);

 private:
  GameFolder() = default;
  std::filesystem::path folder_;
  std::string definition_file_;  // relative to the folder
  bool pinned_ = false;          // whether the game's first change recorded the definition's content hash
  Definition definition_;
  GameLog log_;
  std::vector<HistoryEntry> history_;
  int lock_ = -1;      // the lock file's descriptor while open for change
  std::string saved_;  // game.json's bytes as read or last written: the backup at the next save
};

}  // namespace steppe::wargame
