// A wargame being served to a class: the game folder held open as its single writer, the
// classroom's tokens, the turn timer, and a version number that changes with everything a page
// shows, so that pages waiting on it (Server-Sent Events) refetch their view. Every view is made
// for its holder — a team sees its own briefing under fog of war, the projector what every team
// sees, the facilitator everything — from the wargame's use cases (app/wargame.hpp) and their
// JSON (app/json.hpp); every action is one of those use cases. No HTTP here (serve/http_server
// turns requests into these calls); nothing here decides a rule of the game.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/io/wargame_files.hpp"
#include "serve/tokens.hpp"

namespace steppe::serve {

// A request the classroom cannot act on as written (a missing field, a number that is text):
// the page is told why, nothing is recorded.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A holder asking for what its role may not do or see (a team advancing the turn).
class Forbidden : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The facilitator's countdown for the open turn. It closes nothing by itself: when it runs out
// the facilitator advances (or forces) the turn.
struct TurnTimer {
  enum class State { stopped, running, paused };
  State state = State::stopped;
  std::chrono::steady_clock::time_point ends;  // running: when it reaches zero
  double remaining_seconds = 0;                // paused: what is left
};

class Classroom {
 public:
  // Opens the game for change (its lock is held until the classroom closes) and its tokens.
  explicit Classroom(const std::filesystem::path& game);

  const wargame::Definition& definition() const { return game_.definition(); }
  const Tokens& tokens() const { return tokens_; }
  // The holder of a token, or nothing.
  std::optional<Holder> holder(std::string_view token) const { return tokens_.holder(token); }

  // What `holder`'s page shows now: the clock and timer, who has submitted, the briefing as the
  // holder may see it, the turns' timeline with the injects announced so far; for the
  // facilitator also the open turn's injects and overrides and the inject deck.
  nlohmann::json view(const Holder& holder);
  // The facilitator's look at a team's page: the briefing as that team sees it, with its
  // pending moves on its menu.
  nlohmann::json team_view(const Holder& holder, const std::string& team);

  // A team's moves for the open turn, {"turn": N, "moves": {lever: setting}}: checked against
  // the rules and saved durably before this returns (a GameError says which rule it breaks).
  nlohmann::json submit(const Holder& holder, const nlohmann::json& request);
  // The facilitator's actions: an inject card from the deck ({"card": NAME}), one made up on the
  // spot ({"title": T, "jumps": ["ACTOR.VARIABLE=DELTA"...], "levers": ["ACTOR.LEVER=VALUE"...],
  // "months": N, "events": ["KIND:ACTOR"...]}, as `wargame inject` takes them) and removing one
  // of the open turn's ({"remove": INDEX from 0}); overrides of a team's levers with a note
  // ({"team": ID, "levers": {lever: setting}, "note": TEXT}) and removing one ({"remove":
  // INDEX}); advancing the turn ({"force": bool}); undoing the last ({"discard_open": bool},
  // answered with what was discarded); the timer ({"action": "start"|"pause"|"resume"|"extend"|
  // "stop", "seconds": S}).
  nlohmann::json inject(const Holder& holder, const nlohmann::json& request);
  nlohmann::json override_levers(const Holder& holder, const nlohmann::json& request);
  nlohmann::json advance(const Holder& holder, const nlohmann::json& request);
  nlohmann::json undo(const Holder& holder, const nlohmann::json& request);
  nlohmann::json timer(const Holder& holder, const nlohmann::json& request);
  // Whether the debrief shows the teams' secret moves to everyone ({"reveal": bool}); the
  // facilitator's copy always has them, folded away.
  nlohmann::json reveal(const Holder& holder, const nlohmann::json& request);
  // The debrief (report.html) for `holder`: the facilitator's at any time; everyone's once the
  // game is over, the secret moves left out until revealed.
  std::string debrief(const Holder& holder);

  // The version of what pages show; waits until it differs from `seen` (a change), the
  // classroom closes, or `timeout` passes, and returns it.
  std::uint64_t wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout);
  std::uint64_t version();
  // Wakes every waiter for good (the server is stopping).
  void close();
  bool closed();

 private:
  void require_facilitator(const Holder& holder) const;
  void changed();  // under the lock: a new version, waiters woken
  nlohmann::json timer_json() const;
  nlohmann::json timeline() const;

  std::mutex mutex_;
  std::condition_variable change_;
  wargame::GameFolder game_;
  Tokens tokens_;
  TurnTimer timer_;
  std::uint64_t version_ = 1;
  bool revealed_ = false;
  bool closed_ = false;
};

}  // namespace steppe::serve
