// The classroom wargame's rules, apart from any front end (files, terminal, a later web
// classroom): teams hold levers of their actor chosen from a menu within a budget, the
// facilitator adds injects and overrides, and each turn is adjudicated by running the model as
// a small ensemble through the stepping API. Everything here is plain data and pure functions of
// it: a game is its definition plus its log of turns, and every number it shows is recomputed
// from those, so a replay, an undo and a counterfactual are the same computation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/controllers.hpp"
#include "engine/scenario.hpp"

namespace steppe::wargame {

// A rule of the game broken by a move, an inject or a command (over budget, turn closed...):
// the message says what and why; front ends print it and exit with 2.
class GameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One lever on a team's menu: the settings it may take and what each costs per turn held.
struct MenuItem {
  std::string lever;  // short name, e.g. "hawkishness"
  int lever_slot = -1;
  std::map<double, double> costs;  // setting → cost per turn it is held
  bool visible = true;             // revealed to every team once the turn is adjudicated
  double starting_value = 0;       // the scenario's value at month 0 (always on the menu)
};

struct Budget {
  double per_turn = 0;
  double carry_over = 0;  // the share of unspent budget kept for the next turn
  double max_bank = 0;    // the most that can be carried over
};

// What a team's brief asks of it, by which the debrief scores it: a state variable it wants
// higher or lower, weighted against its other objectives.
struct Objective {
  int slot = -1;
  std::string variable;  // the slot's name, e.g. "MNG.autonomy"
  bool higher_is_better = true;
  double weight = 1;
};

struct Team {
  std::string id;  // the actor it plays, e.g. "CHN"
  std::string name;
  int actor = -1;  // index into the layout's actors
  Budget budget;
  std::vector<MenuItem> menu;
  std::vector<Objective> objectives;
  // Set when the computer plays the team (`played_by: computer`): the controller whose moves it
  // makes when each turn opens (computer_moves); null when people play it.
  std::shared_ptr<const Controller> computer;
  const MenuItem* find(const std::string& lever) const;
};

// Something the facilitator adds to a turn: levers held for some months, jumps to state
// variables and model events, all from the turn's first month.
struct Inject {
  std::string name;  // the deck card, or "" for an ad hoc inject
  std::string title;
  std::string text;
  std::vector<std::pair<int, double>> levers;  // (lever slot, value) held for `months`
  int months = 0;
  std::vector<std::pair<int, double>> jumps;  // (state slot, delta)
  std::vector<ModelEventFiring> events;
};

// Which team's levers a counterfactual replaces, and by which scenario's schedules.
struct Counterfactual {
  std::string team;
  std::shared_ptr<const Scenario> scenario;
  std::string label;  // e.g. the scenario file's name
};

struct Definition {
  std::string title;
  std::shared_ptr<const Scenario> scenario;  // its horizon is turns × turn_months
  int turns = 8;
  int turn_months = 3;
  std::int64_t members = 200;
  std::vector<std::string> public_variables;  // variable names everyone sees exactly
  double intelligence_noise = 0.05;
  int intelligence_lag_months = 3;
  // The noise of an estimate of a state variable that tracks a secret lever (the third_neighbor
  // model's engagement.LEVER, declared per lever), in steps of that lever's settings (the smallest
  // gap between two of them): by default one, so that a team cannot tell two neighbouring
  // settings apart with confidence from one turn's estimate. Per lever ("USA.air_link") or for
  // every secret lever.
  double secret_lever_steps = 1;
  std::map<std::string, double> lever_steps;
  std::vector<Team> teams;
  std::map<std::string, Inject> deck;
  std::optional<Counterfactual> counterfactual;
  // xxh64 of the definition file's bytes and its scenarios' content hashes: what a game is
  // pinned to once play begins.
  std::string content_hash;

  const Team* find_team(const std::string& id) const;
  bool is_public(const std::string& variable) const;
  std::vector<std::string> team_ids() const;
  int first_month(int turn) const { return (turn - 1) * turn_months; }  // turns count from 1
};

// The ensemble's distribution of one state slot at one month.
struct Band {
  double p05 = 0, p50 = 0, p95 = 0, mean = 0;
  bool operator==(const Band&) const = default;
};

// Months first_month..last_month of a run (month m: the state after m steps), every state slot.
struct Bands {
  int first_month = 0;
  std::vector<std::vector<Band>> months;  // [month - first_month][state slot]
  const Band& at(int month, int slot) const { return months.at(month - first_month).at(slot); }
  bool operator==(const Bands&) const = default;
};

struct Override {
  std::string team, lever;
  double value = 0;
  std::string note;
};

// One turn of the log. A team's moves are the settings it changes; levers it does not name
// keep their setting from the turn before.
struct Turn {
  int number = 1;
  std::map<std::string, std::map<std::string, double>> moves;  // team → lever → setting
  std::vector<Override> overrides;
  std::vector<Inject> injects;
  bool adjudicated = false;
  bool forced = false;  // adjudicated before every team had submitted
  Bands results;        // months first_month+1 .. first_month+turn_months, when adjudicated
};

// A game's log: every turn so far (the last one open unless the game is over) and the state
// before the first turn.
struct GameLog {
  Bands initial;  // month 0
  std::vector<Turn> turns;
  // Turns adjudicated so far (the open turn, if any, is the next).
  int adjudicated_turns() const;
  const Turn* open_turn() const;  // null when the game is over
  Turn* open_turn();
};

// A budget or a cost as people read it: at most two decimals, without trailing zeros ("11.67",
// "1.5", "10").
std::string amount_text(double value);

// The months a turn covers, as dates: "2025-04 to 2025-06".
std::string turn_dates(const Definition& definition, int turn);
// The scenario's own dated notes (elections...) that fall in a turn, which every team knows of.
std::vector<TimelineNote> scheduled_in_turn(const Definition& definition, int turn);

// Why nothing more can be played: "the game is over: all 8 turns were played".
std::string game_over(const Definition& definition);

// The band of a state slot at a month played so far (0: the start).
const Band& band_at(const Definition& definition, const GameLog& log, int month, int slot);

// What a team holds on each menu lever in `turn` (the turn's moves and overrides on top of the
// settings held before): lever → setting.
std::map<std::string, double> held_settings(const GameLog& log, const Team& team, int turn);
// The cost per turn of holding `settings` (every menu lever; missing ones at their starting
// value). Throws GameError for a setting not on the menu.
double upkeep(const Team& team, const std::map<std::string, double>& settings);

// A lever an inject holds in some months of a turn, over whatever a team set it to: the model
// runs the inject's value in those months, and the team whose menu has the lever is not charged
// for it then.
struct InjectHold {
  std::string inject;  // the inject's title
  std::string actor, lever;
  bool on_menu = false;                 // on the menu of the team playing `actor`
  bool visible = true;                  // the lever is seen by others (public on the menu, or on no menu)
  double value = 0;                     // what the inject holds it at
  int first_month = 0, last_month = 0;  // the months of the turn it holds it (a month m runs m → m+1)
};
// The levers injects hold in `turn`, from this turn's injects and earlier ones still running.
std::vector<InjectHold> inject_holds(const Definition& definition, const GameLog& log, int turn);
// What a team pays in `turn`: each setting it holds costs its upkeep for the months it is in
// force, so the months an inject holds the lever are not charged. A team's moves must still be
// affordable at the full upkeep (check_moves): the facilitator may add or remove injects until
// the turn is adjudicated.
double charged_upkeep(const Definition& definition, const GameLog& log, const Team& team, int turn);
// The budget a team has in `turn`: its per-turn budget plus what it carried over (carry_over ×
// what it was not charged the turn before, at most max_bank).
double available_budget(const Definition& definition, const GameLog& log, const Team& team, int turn);

// Checks a team's moves for the open turn against the rules — each lever on the team's menu,
// each setting among its settings, the settings held affordable within the turn's budget —
// and throws GameError naming the first problem. `moves` are lever → setting.
void check_moves(const Definition& definition, const GameLog& log, const Team& team,
                 const std::map<std::string, double>& moves);

// A team's moves as a file (or a form) submits them, before the rules are checked: what it says
// of itself, and its moves as written, in order.
struct SubmittedMove {
  std::string lever;  // "hawkishness", or with the actor: "CHN.hawkishness"
  double setting = 0;
};
struct Submission {
  std::optional<std::string> team;  // the team it says it is from, if it says
  std::optional<int> turn;          // the turn it says it is for, if it says
  std::vector<SubmittedMove> moves;
  // It lists nothing at all (`moves:` left empty): the team keeps every setting, and what they
  // cost is not checked against the budget (an empty list of moves, `moves: {}`, is checked).
  bool keeps_everything = false;
};

// A rule a submission breaks, with the part of it that breaks the rule, so that a front end can
// point there (a moves file reports it at the key or value, engine/io/wargame_files.hpp).
class SubmissionError : public GameError {
 public:
  enum class Part {
    whole,     // the submission as a whole (the game is over)
    team,      // the team it names
    turn,      // the turn it names
    moves,     // its moves together (over budget)
    lever,     // moves[move]'s lever
    setting,   // moves[move]'s setting
    repeated,  // moves[move]'s lever, which moves[first] names too
  };
  SubmissionError(Part part, std::size_t move, const std::string& message, std::size_t first = 0)
      : GameError(message), part_(part), move_(move), first_(first) {}
  Part part() const { return part_; }
  std::size_t move() const { return move_; }
  std::size_t first() const { return first_; }

 private:
  Part part_;
  std::size_t move_;
  std::size_t first_;
};

// Checks a team's submission for the open turn against the rules — it names this team and the
// open turn, if any; each lever is the team's own and on its menu, each setting within the
// lever's range and among the menu's settings; the settings held are affordable (check_moves) —
// and returns its moves as lever → setting, or throws SubmissionError at the first rule broken.
std::map<std::string, double> check_submission(const Definition& definition, const GameLog& log, const Team& team,
                                               const Submission& submission);

// Runs the game from month 0 through `through_turn` under the log's moves, overrides and
// injects, as an ensemble of definition.members members, and returns the bands of months
// 0..the turn's last month. With `counterfactual`, that team's actor follows the
// counterfactual scenario's lever schedules instead of its moves.
Bands adjudicate(const Definition& definition, const GameLog& log, int through_turn,
                 const Counterfactual* counterfactual = nullptr);
// The moves of a team the computer plays (Team::computer) for the open turn, from what its
// briefing shows (the game's fog of war, the medians of its view): a doctrine's settings (its
// rules' modes carried over the turns so far, for hysteresis), or the lookahead's best affordable
// combination of its menu's settings, scored by the model from that view (the status quo when
// none does better). Levers it already holds at the setting are not named, and settings it cannot
// afford are not made: it keeps them. new_game and advance make these moves as each turn opens.
std::map<std::string, double> computer_moves(const Definition& definition, const GameLog& log, const Team& team);

// Adjudicates the open turn into the log and opens the next (unless the game is over). Without
// `force`, refuses while some team has not submitted.
void advance(const Definition& definition, GameLog& log, bool force);
// Reopens the last adjudicated turn, dropping its results. Refuses when there is none, and when
// the open turn already has entries unless `discard_open`.
void undo(GameLog& log, bool discard_open);
// A fresh log: the initial bands and turn 1 open.
GameLog new_game(const Definition& definition);

// The standard deviation of an estimate of a state slot: the definition's intelligence noise, or
// for a slot that tracks a secret lever on a team's menu (a variable the model declares per
// lever), at least secret_lever_steps (or the lever's own lever_steps) × the smallest gap
// between the lever's settings.
double estimate_noise(const Definition& definition, int slot);

// How a viewer sees one state slot after the last adjudicated turn.
struct IndicatorView {
  int slot = -1;
  bool exact = true;  // false: an intelligence estimate
  Band now;           // exact: the ensemble band now; estimate: p50 holds the estimate
  double before = 0;  // the same a turn earlier (the median, or the earlier estimate)
  int as_of_month = 0;
};
// A team's briefing (`team` null: the facilitator's, which sees everything): its own actor and
// the public variables exactly, other actors' other variables as estimates — the median of
// intelligence_lag_months ago plus noise drawn from the game's seed, so the same briefing shows
// the same numbers every time it is printed.
std::vector<IndicatorView> briefing(const Definition& definition, const GameLog& log, const Team* team);

// What everyone sees of a turn once it is adjudicated: moves of visible levers, and how many
// secret moves each team made.
struct PublicMove {
  std::string team, lever;
  double from = 0, to = 0;
  bool overridden = false;
};
struct TurnSummary {
  std::vector<PublicMove> visible;
  std::vector<PublicMove> secret;       // shown to the facilitator only
  std::vector<InjectHold> holds;        // levers injects held this turn (secret ones: the facilitator's)
  std::map<std::string, double> spent;  // team → what it was charged this turn (charged_upkeep)
};
TurnSummary summarize_turn(const Definition& definition, const GameLog& log, int turn);

// A team's score over the turns played: each objective's median from the start to the last
// adjudicated month, its change as a share of the variable's range signed so that better is
// positive, and the weighted mean of those (0: nothing moved; +1: every objective went from one
// end of its range to the better end).
struct ObjectiveScore {
  Objective objective;
  double start = 0, end = 0;
  double score = 0;  // the signed share of the range
};
struct TeamScore {
  std::string team;
  std::vector<ObjectiveScore> objectives;
  double total = 0;  // the weighted mean of the objectives' scores (0 when it has none)
};
std::vector<TeamScore> score_teams(const Definition& definition, const GameLog& log);
// Who wants a state slot which way, in plain words for a chart: "higher is better for Mongolia;
// lower is better for China"; empty when no team's objectives name it.
std::string objective_label(const Definition& definition, int slot);

}  // namespace steppe::wargame
