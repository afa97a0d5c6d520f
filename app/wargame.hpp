// The classroom wargame's actions as use cases under every face (the command line and its
// hotseat play, later the classroom server): start a game, see where it stands and a team's
// briefing, submit moves, add injects and overrides, advance, undo, replay and debrief. Each
// takes a request and returns what happened as a result struct; none prints or exits. The rules
// are the core's (engine/wargame.hpp), the game folder and its files the io layer's
// (engine/io/wargame_files.hpp). Bad input is an InputError; a move or command against the rules
// a wargame::GameError.
//
// An action opens the game folder — under its lock when it changes the game, which it then
// saves. Hotseat play holds one game open for a whole session and calls the overloads that take
// the open GameFolder.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/output_writers.hpp"
#include "engine/io/wargame_files.hpp"
#include "engine/io/wargame_report.hpp"
#include "engine/wargame.hpp"

namespace steppe::app {

using Moves = std::map<std::string, double>;  // lever → setting

// Where a game stands.
struct GameClock {
  int turns = 0;
  int played = 0;          // turns adjudicated
  int open_turn = 0;       // 0: the game is over
  std::string open_dates;  // the open turn's months: "2025-04 to 2025-06"
  bool over() const { return open_turn == 0; }
};

// One indicator as a viewer sees it after the last adjudicated turn (wargame::briefing).
struct Indicator {
  std::string actor, variable;
  bool exact = true;            // false: an intelligence estimate
  bool is_public = false;       // every team sees it exactly
  wargame::Band now;            // an estimate: p50 (and the rest) hold it
  double before = 0;            // the median (or estimate) a turn earlier
  std::string as_of;            // an estimate: the month it describes
  std::vector<double> medians;  // exact: the median of every month from the start to now
  double min = 0, max = 0;      // the variable's declared range
};

// An adjudicated turn as its report shows it: the injects, and the moves (secret ones apart).
struct TurnReport {
  int turn = 0;
  std::string dates;
  bool forced = false;  // adjudicated before every team had moved
  std::vector<wargame::Inject> injects;
  wargame::TurnSummary moves;            // its holds: the levers injects held over the teams' settings
  int first_month = 0;                   // the turn's first month (0: the start)
  std::vector<std::string> month_dates;  // its months as dates, from first_month
};

// A dated note of the scenario (an election...) in the open turn, which every team knows of.
struct ScheduledEvent {
  std::string date, text;
};

// A team's menu for a turn: what it holds on each lever (its pending moves on top of the
// settings held before), the budget, and what the settings held cost.
struct MenuLine {
  std::string lever;
  double holding = 0;
  std::map<double, double> costs;  // setting → cost per turn held
  bool visible = true;             // seen by others once the turn is adjudicated
};
struct Menu {
  int turn = 0;
  std::vector<MenuLine> lines;
  double budget = 0;
  double cost = 0;
};

// --- new -------------------------------------------------------------------------------------

struct NewGameRequest {
  std::string file;    // a game definition, or any scenario (a default definition is written)
  std::string folder;  // the game folder to create
  // From a scenario: 0 → 8 turns of 3 months. A definition sets its own, and refuses these.
  int turns = 0, turn_months = 0;
};
struct NewGameResult {
  std::string folder;
  std::string definition_file;    // the rules the game follows
  bool wrote_definition = false;  // made from a scenario: the default definition, to edit before play
  wargame::Definition definition;
};
NewGameResult new_game(const NewGameRequest& request);

// --- status ----------------------------------------------------------------------------------

struct GameRequest {
  std::string game;  // the game folder
  // status: whom it is for. A team's budget reveals what its settings cost, and so its secret
  // ones: the facilitator sees every team's, a team (`team`) its own, anyone else none.
  bool facilitator = false;
  std::string team;
};
struct TeamStatus {
  std::string id, name;
  bool submitted = false;        // while a turn is open: whether its moves are in
  bool computer = false;         // the computer plays it: its moves are made as each turn opens
  std::optional<double> budget;  // while a turn is open, for whom may see it: what it may spend
};
// Only who has moved and, for whom may see them, budgets: what a team holds stays its own until
// adjudicated.
struct GameStatus {
  std::string title;
  GameClock clock;
  std::vector<TeamStatus> teams;
  std::size_t injects = 0, overrides = 0;  // the facilitator's, in the open turn
  // The facilitator's status only: the open turn's injects and overrides, in order (what
  // remove_inject and remove_override number from 0).
  std::vector<wargame::Inject> open_injects;
  std::vector<wargame::Override> open_overrides;
};
GameStatus game_status(const GameRequest& request);

// --- brief -----------------------------------------------------------------------------------

struct BriefRequest {
  std::string game;
  std::string team;          // the team whose briefing
  bool facilitator = false;  // or the facilitator's, which sees everything exactly
};
struct Briefing {
  std::string title;
  GameClock clock;
  std::string team, team_name;  // empty: the facilitator's
  std::vector<Indicator> indicators;
  std::optional<TurnReport> last_turn;    // once a turn is adjudicated
  std::vector<ScheduledEvent> scheduled;  // in the open turn
  std::optional<Menu> menu;               // a team's, while a turn is open
  bool submitted = false;                 // the team's moves are in: the menu holds them
};
Briefing brief(const BriefRequest& request);
// In a game already open; `team` null: the facilitator's.
Briefing brief(const wargame::GameFolder& game, const wargame::Team* team);
// A team's menu for the open turn with `pending` moves on top of what it held before.
Menu menu(const wargame::GameFolder& game, const wargame::Team& team, const Moves& pending);

// --- submit ----------------------------------------------------------------------------------

struct SubmitRequest {
  std::string game;
  std::string team;        // the team submitting
  std::string moves_file;  // its moves file (docs/wargame.md)
};
struct SubmitResult {
  std::string team;
  int turn = 0;
  bool replaced = false;  // the team had submitted for this turn before
  Moves moves;
  double cost = 0;    // what the settings it now holds cost per turn
  double budget = 0;  // its budget this turn
};
// Reads the moves file, checks it against the rules (a rule broken is reported at its place in
// the file), and records it for the open turn, replacing what the team submitted before.
SubmitResult submit_moves(const SubmitRequest& request);
// Throws GameError unless `team` may hold these moves in the open turn (wargame::check_moves).
void check_moves(const wargame::GameFolder& game, const wargame::Team& team, const Moves& moves);
// Records moves already checked, in a game already open for change.
SubmitResult record_moves(wargame::GameFolder& game, const wargame::Team& team, const Moves& moves);
// Moves as the game's history and the command line give them: "hawkishness 0.8, outreach 0.9",
// or "no change".
std::string moves_text(const Moves& moves);

// --- inject and override ---------------------------------------------------------------------

struct InjectRequest {
  std::string game;
  std::string card;             // a card of the definition's deck, or
  wargame::AdHocInject ad_hoc;  // an inject made up on the spot (its jumps, levers or events)
};
struct InjectResult {
  int turn = 0;
  wargame::Inject inject;
};
InjectResult inject(const InjectRequest& request);
// A card of the deck, in a game already open for change.
InjectResult inject_card(wargame::GameFolder& game, const std::string& card);
// An inject made up on the spot, in a game already open for change.
InjectResult inject_ad_hoc(wargame::GameFolder& game, const wargame::AdHocInject& ad_hoc);

// Removes the open turn's inject or override number `index` (from 0, in the order recorded;
// GameStatus lists them for the facilitator); GameError when there is none of that number.
struct RemoveRequest {
  std::string game;
  std::size_t index = 0;
};
InjectResult remove_inject(const RemoveRequest& request);
InjectResult remove_inject(wargame::GameFolder& game, std::size_t index);

struct OverrideRequest {
  std::string game;
  std::string team;
  std::string assignment;                // LEVER=SETTING (one lever), and/or
  std::vector<std::string> assignments;  // several, LEVER=SETTING each, recorded together
  std::string note;                      // why, for the log (one note for all)
};
struct OverrideResult {
  int turn = 0;
  wargame::Override entry;                 // the first
  std::vector<wargame::Override> entries;  // every one recorded, in order
};
// Checks every assignment (the team, each lever on its menu, each setting among its settings, no
// lever twice) before recording any; all are recorded together, or none.
OverrideResult override_move(const OverrideRequest& request);
OverrideResult override_moves(wargame::GameFolder& game, const std::string& team,
                              const std::vector<std::string>& assignments, const std::string& note);
OverrideResult remove_override(const RemoveRequest& request);
OverrideResult remove_override(wargame::GameFolder& game, std::size_t index);

// --- advance and undo ------------------------------------------------------------------------

struct AdvanceRequest {
  std::string game;
  bool force = false;  // adjudicate although some teams have not submitted
};
struct AdvanceResult {
  TurnReport turn;  // the turn adjudicated
  std::int64_t members = 0;
  std::vector<Indicator> everyone_sees;  // the public indicators after it
  GameClock clock;                       // after it
};
AdvanceResult advance_turn(const AdvanceRequest& request);
AdvanceResult advance_turn(wargame::GameFolder& game, bool force);

struct UndoRequest {
  std::string game;
  bool discard_open = false;  // go back although the open turn has entries, discarding them
};
// One entry of the open turn that undo --discard-open threw away.
struct DiscardedEntry {
  std::string kind;    // "moves", "inject" or "override"
  std::string team;    // moves and overrides: whose
  std::string detail;  // "hawkishness 0.8, outreach 0.9", an inject's title, "outreach 0.3: why"
};
struct UndoResult {
  int reopened_turn = 0;
  int discarded_turn = 0;  // the open turn thrown away, if it had entries (0: none)
  std::vector<DiscardedEntry> discarded;
};
UndoResult undo_turn(const UndoRequest& request);
UndoResult undo_turn(wargame::GameFolder& game, bool discard_open);

// --- replay and report -----------------------------------------------------------------------

struct TurnReplay {
  int turn = 0;
  bool same = true;  // every number recomputed equals the log's
};
struct ReplayResult {
  bool start_same = true;
  std::vector<TurnReplay> turns;  // every adjudicated turn
  int differing() const;          // the start and turns whose numbers differ
};
// Recomputes every adjudicated turn from the log and compares the numbers.
ReplayResult replay(const GameRequest& request);

struct ReportRequest {
  std::string game;
  // A debrief before the game is over is the facilitator's (it reveals the secret moves of the
  // turns played): without this, a game not over is refused. It never shows the open turn's
  // pending entries.
  bool facilitator = false;
  // A counterfactual instead of the definition's: this team's levers follow this scenario.
  std::string counterfactual_team, counterfactual_scenario;
  // The secret moves folded away (report.html), left out (a projected copy before they are
  // revealed) or shown.
  wargame::SecretMoves secret_moves = wargame::SecretMoves::folded;
};
struct ReportResult {
  std::vector<OutputFile> files;  // report.html and report.md
};
// The debrief; its counterfactual, if any, is adjudicated here.
ReportResult report(const ReportRequest& request);
// In a game already open (the classroom server's); `request.game` is not read.
ReportResult report(const wargame::GameFolder& game, const ReportRequest& request);

}  // namespace steppe::app
