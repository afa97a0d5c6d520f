#include "serve/classroom.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "app/json.hpp"
#include "app/wargame.hpp"

namespace steppe::serve {

namespace fs = std::filesystem;
using app::json::Audience;
using nlohmann::json;

namespace {

const char* role_name(Role role) {
  switch (role) {
    case Role::facilitator:
      return "facilitator";
    case Role::projector:
      return "projector";
    case Role::team:
      return "team";
  }
  return "";
}

// A field of a request body, of the type asked for.
template <typename T>
T field(const json& request, const char* name, std::optional<T> otherwise = std::nullopt) {
  if (!request.is_object()) throw BadRequest("the request must be a JSON object");
  const auto found = request.find(name);
  if (found == request.end() || found->is_null()) {
    if (otherwise) return *otherwise;
    throw BadRequest(fmt::format("the request needs \"{}\"", name));
  }
  try {
    return found->get<T>();
  } catch (const json::exception&) {
    throw BadRequest(fmt::format("\"{}\" has the wrong type", name));
  }
}

// A whole-number field from `least` to `most` (JSON has only numbers: 1e10 or 2.5 must not reach
// an int).
int whole_number(const json& request, const char* name, int least, int most,
                 std::optional<int> otherwise = std::nullopt) {
  const double value = field<double>(request, name, otherwise ? std::optional<double>(*otherwise) : std::nullopt);
  if (!(value >= least && value <= most) || value != static_cast<double>(static_cast<long long>(value)))
    throw BadRequest(fmt::format("\"{}\" must be a whole number from {} to {}", name, least, most));
  return static_cast<int>(value);
}

}  // namespace

Classroom::Classroom(const fs::path& game)
    : game_(wargame::GameFolder::open(game, true)),
      tokens_(Tokens::load_or_create(game, game_.definition().team_ids())) {}

void Classroom::require_facilitator(const Holder& holder) const {
  if (holder.role != Role::facilitator) throw Forbidden("only the facilitator may do this");
}

void Classroom::changed() {
  ++version_;
  change_.notify_all();
}

json Classroom::timer_json() const {
  switch (timer_.state) {
    case TurnTimer::State::stopped:
      return {{"state", "stopped"}};
    case TurnTimer::State::paused:
      return {{"state", "paused"}, {"remaining", timer_.remaining_seconds}};
    case TurnTimer::State::running: {
      const std::chrono::duration<double> left = timer_.ends - std::chrono::steady_clock::now();
      return {{"state", "running"}, {"remaining", std::max(0.0, left.count())}};
    }
  }
  return nullptr;
}

// Every turn with its dates, whether it was played, and the injects announced in it (those of the
// open turn stay the facilitator's until it is adjudicated).
json Classroom::timeline() const {
  const wargame::GameLog& log = game_.log();
  json turns = json::array();
  for (int turn = 1; turn <= definition().turns; ++turn) {
    json entry = {{"turn", turn},
                  {"dates", wargame::turn_dates(definition(), turn)},
                  {"first_month", definition().first_month(turn)},
                  {"played", turn <= log.adjudicated_turns()},
                  {"injects", json::array()}};
    if (turn <= log.adjudicated_turns())
      for (const wargame::Inject& inject : log.turns[static_cast<std::size_t>(turn - 1)].injects)
        entry["injects"].push_back(inject.title);
    turns.push_back(std::move(entry));
  }
  return turns;
}

json Classroom::view(const Holder& holder) {
  const std::lock_guard lock(mutex_);
  const wargame::Team* team = holder.role == Role::team ? definition().find_team(holder.team) : nullptr;
  const Audience audience = holder.role == Role::facilitator ? Audience::facilitator
                            : holder.role == Role::team      ? Audience::team
                                                             : Audience::everyone;
  json document = {{"role", role_name(holder.role)},
                   {"version", version_},
                   {"timer", timer_json()},
                   {"timeline", timeline()},
                   {"briefing", app::json::briefing(app::brief(game_, team), audience)}};
  // Who has moved — never what, nor anyone's budget, except to the facilitator.
  const wargame::Turn* open = game_.log().open_turn();
  json teams = json::array();
  for (const wargame::Team& entry : definition().teams)
    teams.push_back({{"id", entry.id},
                     {"name", entry.name},
                     {"submitted", open && open->moves.contains(entry.id)},
                     {"computer", entry.computer != nullptr}});
  document["teams"] = std::move(teams);
  document["debrief"] = {{"open", holder.role == Role::facilitator || !open}, {"revealed", revealed_}};
  if (holder.role == Role::facilitator) {
    json injects = json::array(), overrides = json::array(), deck = json::array();
    if (open) {
      for (const wargame::Inject& inject : open->injects) injects.push_back(app::json::inject(inject));
      for (const wargame::Override& entry : open->overrides) overrides.push_back(app::json::override_entry(entry));
    }
    for (const auto& [name, inject] : definition().deck) deck.push_back(app::json::inject(inject));
    // Each team's menu, for overrides: the levers and the settings they may take.
    json menus = json::object();
    for (const wargame::Team& entry : definition().teams) {
      json levers = json::array();
      for (const wargame::MenuItem& item : entry.menu) {
        json settings = json::array();
        for (const auto& [setting, cost] : item.costs) settings.push_back(setting);
        levers.push_back({{"lever", item.lever}, {"settings", settings}});
      }
      menus[entry.id] = std::move(levers);
    }
    document["open_turn"] = {{"injects", injects}, {"overrides", overrides}};
    document["deck"] = std::move(deck);
    document["menus"] = std::move(menus);
  }
  return document;
}

json Classroom::team_view(const Holder& holder, const std::string& id) {
  require_facilitator(holder);
  const std::lock_guard lock(mutex_);
  const wargame::Team* team = definition().find_team(id);
  if (!team) throw BadRequest(fmt::format("no team {} in this game", id));
  return app::json::briefing(app::brief(game_, team), Audience::team);
}

json Classroom::submit(const Holder& holder, const json& request) {
  if (holder.role != Role::team) throw Forbidden("only a team submits moves");
  wargame::Submission submission{.team = holder.team, .turn = whole_number(request, "turn", 1, 1 << 20)};
  for (const auto& [lever, setting] : field<std::map<std::string, double>>(request, "moves"))
    submission.moves.push_back({lever, setting});
  const std::lock_guard lock(mutex_);
  const wargame::Team& team = *definition().find_team(holder.team);
  const app::Moves moves = wargame::check_submission(definition(), game_.log(), team, submission);
  const app::SubmitResult result = app::record_moves(game_, team, moves);
  changed();
  return {{"turn", result.turn},
          {"replaced", result.replaced},
          {"moves", app::moves_text(result.moves)},
          {"cost", result.cost},
          {"budget", result.budget}};
}

json Classroom::inject(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const bool removing = request.is_object() && request.contains("remove");
  const bool card = request.is_object() && request.contains("card");
  wargame::AdHocInject ad_hoc;
  if (!removing && !card) {
    using Texts = std::vector<std::string>;
    ad_hoc = {.title = field<std::string>(request, "title", std::string()),
              .jumps = field<Texts>(request, "jumps", Texts{}),
              .levers = field<Texts>(request, "levers", Texts{}),
              .events = field<Texts>(request, "events", Texts{}),
              .months = whole_number(request, "months", 0, 6000, 0)};
    if (ad_hoc.jumps.empty() && ad_hoc.levers.empty() && ad_hoc.events.empty())
      throw BadRequest("an inject needs a card, or jumps, levers or events");
  }
  const std::lock_guard lock(mutex_);
  const app::InjectResult result =
      removing ? app::remove_inject(game_, static_cast<std::size_t>(whole_number(request, "remove", 0, 1 << 20)))
      : card   ? app::inject_card(game_, field<std::string>(request, "card"))
               : app::inject_ad_hoc(game_, ad_hoc);
  changed();
  return {{"turn", result.turn}, {"title", result.inject.title}, {"removed", removing}};
}

json Classroom::override_levers(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const bool removing = request.is_object() && request.contains("remove");
  std::vector<std::string> assignments;
  std::string team, note;
  if (!removing) {
    team = field<std::string>(request, "team");
    note = field<std::string>(request, "note", std::string());
    for (const auto& [lever, setting] : field<std::map<std::string, double>>(request, "levers"))
      assignments.push_back(fmt::format("{}={}", lever, setting));
    if (assignments.empty()) throw BadRequest("say which levers to override: \"levers\"");
  }
  const auto index = removing ? static_cast<std::size_t>(whole_number(request, "remove", 0, 1 << 20)) : 0;
  const std::lock_guard lock(mutex_);
  const app::OverrideResult result =
      removing ? app::remove_override(game_, index) : app::override_moves(game_, team, assignments, note);
  changed();
  json entries = json::array();
  for (const wargame::Override& entry : result.entries) entries.push_back(app::json::override_entry(entry));
  return {{"turn", result.turn}, {"overrides", entries}, {"removed", removing}};
}

json Classroom::advance(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const bool force = field<bool>(request, "force", false);
  const std::lock_guard lock(mutex_);
  const app::AdvanceResult result = app::advance_turn(game_, force);
  timer_ = {};
  changed();
  return {{"turn", result.turn.turn}, {"clock", app::json::clock(result.clock)}};
}

json Classroom::undo(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const bool discard_open = field<bool>(request, "discard_open", false);
  const std::lock_guard lock(mutex_);
  const app::UndoResult result = app::undo_turn(game_, discard_open);
  timer_ = {};
  changed();
  json discarded = json::array();
  for (const app::DiscardedEntry& entry : result.discarded)
    discarded.push_back({{"kind", entry.kind}, {"team", entry.team}, {"detail", entry.detail}});
  return {{"reopened_turn", result.reopened_turn}, {"discarded", discarded}};
}

json Classroom::timer(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const auto action = field<std::string>(request, "action");
  const double seconds = field<double>(request, "seconds", 0.0);
  if (!(seconds >= 0 && seconds <= 24 * 3600)) throw BadRequest("\"seconds\" must be from 0 to 86400");
  const std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  const auto in = [&](double span) {
    return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(span));
  };
  const double remaining = timer_.state == TurnTimer::State::running
                               ? std::chrono::duration<double>(timer_.ends - now).count()
                               : timer_.remaining_seconds;
  if (action == "start") {
    if (seconds <= 0) throw BadRequest("say how long the turn's timer runs: \"seconds\"");
    timer_ = {TurnTimer::State::running, in(seconds), 0};
  } else if (action == "pause") {
    if (timer_.state != TurnTimer::State::running) throw BadRequest("the timer is not running");
    timer_ = {TurnTimer::State::paused, {}, std::max(0.0, remaining)};
  } else if (action == "resume") {
    if (timer_.state != TurnTimer::State::paused) throw BadRequest("the timer is not paused");
    timer_ = {TurnTimer::State::running, in(remaining), 0};
  } else if (action == "extend") {
    if (timer_.state == TurnTimer::State::stopped) throw BadRequest("the timer is not running");
    if (timer_.state == TurnTimer::State::running)
      timer_.ends = in(std::max(0.0, remaining) + seconds);
    else
      timer_.remaining_seconds += seconds;
  } else if (action == "stop") {
    timer_ = {};
  } else {
    throw BadRequest(fmt::format("unknown timer action \"{}\" (start, pause, resume, extend or stop)", action));
  }
  changed();
  return timer_json();
}

json Classroom::reveal(const Holder& holder, const json& request) {
  require_facilitator(holder);
  const bool reveal = field<bool>(request, "reveal");
  const std::lock_guard lock(mutex_);
  revealed_ = reveal;
  changed();
  return {{"revealed", revealed_}};
}

std::string Classroom::debrief(const Holder& holder) {
  const std::lock_guard lock(mutex_);
  const bool facilitator = holder.role == Role::facilitator;
  if (!facilitator && game_.log().open_turn()) throw Forbidden("the debrief opens once the game is over");
  const app::ReportResult report = app::report(game_, {.facilitator = facilitator,
                                                       .secret_moves = facilitator ? wargame::SecretMoves::folded
                                                                       : revealed_ ? wargame::SecretMoves::shown
                                                                                   : wargame::SecretMoves::left_out});
  for (const app::OutputFile& file : report.files)
    if (file.name == "report.html") return app::content_of(file);
  throw std::logic_error("the report has no report.html");
}

std::uint64_t Classroom::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  change_.wait_for(lock, timeout, [&] { return version_ != seen || closed_; });
  return version_;
}

std::uint64_t Classroom::version() {
  const std::lock_guard lock(mutex_);
  return version_;
}

void Classroom::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  change_.notify_all();
}

bool Classroom::closed() {
  const std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace steppe::serve
