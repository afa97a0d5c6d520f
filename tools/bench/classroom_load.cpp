// steppe_classroom_bench: the web classroom under load, measured, never asserted (issue 18;
// docs/performance.md, "The web classroom under load").
//
// It makes a fresh game from examples/classroom/game.yaml (`steppe wargame new`), serves it with
// `steppe serve GAME --port 0` as a child process, and plays it as a class would:
// - N pages (default 40: the facilitator's, the projector's and the rest spread over the four
//   teams) each hold an /api/events stream and fetch /api/view on every change, as the browser
//   page does;
// - the four teams submit valid moves from their menus over and over (two settings of one lever
//   that both fit the budget, alternately), and every submit's latency (request → 200, which
//   means saved durably) is recorded, those that overlapped an adjudication among them;
// - the facilitator advances each turn once every team has moved and the turn has been open a
//   while, and the time from the advance request until every page has fetched a view showing the
//   new turn is recorded.
// It prints a table (with the machine's core count) and exits 0; 1 when the run itself failed
// (the server did not start, an advance was refused, a page never learned of a turn). Usage:
//   build/release/tools/steppe_classroom_bench [--clients 40] [--turns 6] [--turn-seconds 3]
//                                              [--submit-pause-ms 100] [--steppe PATH]
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

// Last: httplib.h includes <resolv.h>, whose macros clash with names in other headers.
#include <httplib.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// How long the benchmark waits for something that should happen in well under a second before it
// calls the run failed: long enough that a machine busy with other work does not trip it.
constexpr std::chrono::seconds give_up_after{60};

double milliseconds(Clock::duration span) { return std::chrono::duration<double, std::milli>(span).count(); }

struct Options {
  int clients = 40;
  int turns = 6;
  double turn_seconds = 3;
  int submit_pause_ms = 100;
  std::string steppe;
  std::string game_definition = STEPPE_SOURCE_DIR "/examples/classroom/game.yaml";
  bool keep_game = false;
};

// --- the server, a child process ------------------------------------------------------------

// The steppe binary: --steppe, else the one beside this program (a build tree or an install puts
// them together), else the one this program was built with.
std::string find_steppe(const std::string& given) {
  if (!given.empty()) return given;
  std::error_code error;
  const fs::path beside = fs::read_symlink("/proc/self/exe", error).parent_path() / "steppe";
  if (!error && fs::exists(beside)) return beside.string();
  return STEPPE_BINARY;
}

// Starts `arguments` with its standard output into a pipe (returned through `output`) or
// /dev/null. The child gets SIGTERM if this program dies, so that no server outlives a killed run.
pid_t start_process(const std::vector<std::string>& arguments, int* output) {
  int pipe_ends[2] = {-1, -1};
  if (output && ::pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("cannot fork");
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent died before the line above
    const int out = output ? pipe_ends[1] : ::open("/dev/null", O_WRONLY);
    ::dup2(out, STDOUT_FILENO);
    std::vector<char*> argv;
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (output) {
    ::close(pipe_ends[1]);
    *output = pipe_ends[0];
  }
  return child;
}

int wait_for_exit(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Server {
  pid_t pid = -1;
  int output = -1;
  int port = 0;
  std::thread drain;  // reads what the server prints after its join links, so that it never blocks
  std::string printed;

  // Starts `steppe serve GAME --port 0` and reads the port it found from the line
  // "serving TITLE at http://127.0.0.1:PORT/ ...".
  void start(const std::string& steppe, const fs::path& game) {
    pid = start_process({steppe, "serve", game.string(), "--port", "0"}, &output);
    const std::regex serving_line(R"(serving .* at http://127\.0\.0\.1:([0-9]+)/)");
    const auto deadline = Clock::now() + give_up_after;
    std::string text;
    std::smatch found;
    while (!std::regex_search(text, found, serving_line)) {
      pollfd ready{output, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || ::poll(&ready, 1, static_cast<int>(left)) <= 0)
        throw std::runtime_error("steppe serve printed no address in time; it printed:\n" + text);
      char buffer[4096];
      const ssize_t size = ::read(output, buffer, sizeof buffer);
      if (size <= 0) throw std::runtime_error("steppe serve stopped before serving; it printed:\n" + text);
      text.append(buffer, static_cast<std::size_t>(size));
    }
    port = std::stoi(found[1]);
    printed = text;
    drain = std::thread([this] {
      char buffer[4096];
      for (ssize_t size; (size = ::read(output, buffer, sizeof buffer)) > 0;)
        printed.append(buffer, static_cast<std::size_t>(size));
    });
  }

  // SIGTERM, as Ctrl-C would stop it, and its exit status (143: stopped by the signal).
  int stop() {
    if (pid < 0) return -1;
    ::kill(pid, SIGTERM);
    const int status = wait_for_exit(pid);
    pid = -1;
    if (drain.joinable()) drain.join();
    ::close(output);
    return status;
  }
  ~Server() {
    if (pid >= 0) stop();
  }
};

// The classroom's tokens, as `steppe serve` keeps them in GAME/tokens.json.
struct Tokens {
  std::string facilitator, projector;
  std::map<std::string, std::string> teams;  // team id → token
};

Tokens read_tokens(const fs::path& game) {
  std::ifstream in(game / "tokens.json");
  const json document = json::parse(in);
  return {document.at("facilitator"), document.at("projector"),
          document.at("teams").get<std::map<std::string, std::string>>()};
}

// Ensemble members per adjudication, as the game definition declares them (for the table).
std::string members_of(const fs::path& definition) {
  std::ifstream in(definition);
  const std::regex members_line(R"(^members:\s*([0-9]+))");
  std::smatch found;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, found, members_line)) return found[1];
  return "the model's default";
}

// --- what is measured -----------------------------------------------------------------------

struct Submit {
  std::string team;
  Clock::time_point sent, answered;
  int status = 0;  // 0: no answer at all
  std::string refusal;
};

struct Advance {
  int turn = 0;
  Clock::time_point sent, answered;
  std::optional<Clock::time_point> all_pages_updated;
};

// Times are compared across threads, so everything is recorded under one lock.
struct Record {
  std::mutex mutex;
  std::condition_variable page_updated;
  std::vector<Submit> submits;
  std::vector<double> view_milliseconds;
  int view_failures = 0, stream_reconnects = 0;
  // For each page, when it first fetched a view in which N turns had been played (index N).
  std::vector<std::vector<std::optional<Clock::time_point>>> shown;
  // Teams with an accepted move in each turn: the facilitator waits for all four.
  std::map<int, std::set<std::string>> moved;
  std::condition_variable team_moved;
  std::string thread_failure;  // what stopped a page or a team, when something did
};

// Runs a page's or a team's loop, keeping what stops it for the report instead of ending the
// program from a thread.
template <typename Loop>
void keeping_failure(Record& record, const std::string& who, Loop loop) {
  try {
    loop();
  } catch (const std::exception& error) {
    const std::lock_guard lock(record.mutex);
    if (record.thread_failure.empty()) record.thread_failure = who + ": " + error.what();
  }
}

double percentile(std::vector<double> values, double rank) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(std::ceil(rank / 100 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(index, 1, values.size()) - 1];
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// A connection set up as a browser's is: kept alive between requests, and with Nagle's algorithm
// off (TCP_NODELAY). httplib's client otherwise sends a POST's headers and body in two writes,
// the body waits for the server's delayed acknowledgement of the headers, and every submit would
// take some 40 ms more than the server spends on it.
void like_a_browser(httplib::Client& client) {
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_read_timeout(give_up_after);  // longer than the event stream's comments apart (15 s)
}

// --- a page: its event stream, and its view fetched on every change -------------------------

struct Page {
  std::string who, token;
  std::size_t index = 0;
};

void run_page(const Page& page, int port, Record& record, std::atomic<bool>& stopping,
              std::vector<std::unique_ptr<httplib::Client>>& streams) {
  httplib::Client& stream = *streams[page.index];
  httplib::Client fetcher("127.0.0.1", port);
  like_a_browser(fetcher);

  const auto fetch_view = [&] {
    const auto sent = Clock::now();
    const auto result = fetcher.Get("/api/view", bearer(page.token));
    const auto answered = Clock::now();
    if (!result || result->status != 200) {
      if (stopping) return;
      const std::lock_guard lock(record.mutex);
      ++record.view_failures;
      return;
    }
    const json clock = json::parse(result->body).at("briefing").at("clock");
    const auto played = clock.at("played").get<std::size_t>();
    const std::lock_guard lock(record.mutex);
    record.view_milliseconds.push_back(milliseconds(answered - sent));
    auto& shown = record.shown[page.index];
    for (std::size_t turn = 0; turn <= played && turn < shown.size(); ++turn)
      if (!shown[turn]) shown[turn] = answered;
    record.page_updated.notify_all();
  };

  // The stream carries "event: change\ndata: VERSION\n\n" messages (and ": still here" comments);
  // several may come in one chunk, and one view answers them all, as the page does.
  for (bool first = true; !stopping; first = false) {
    if (!first) {
      {
        const std::lock_guard lock(record.mutex);
        ++record.stream_reconnects;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));  // the stream's "retry: 1000"
    }
    std::string unread;
    stream.Get("/api/events?token=" + page.token, [&](const char* data, std::size_t size) {
      unread.append(data, size);
      bool changed = false;
      for (std::size_t end; (end = unread.find("\n\n")) != std::string::npos; unread.erase(0, end + 2))
        changed = changed || unread.substr(0, end).find("event: change") != std::string::npos;
      if (changed && !stopping) fetch_view();
      return !stopping.load();
    });
  }
}

// --- a team: valid moves, submitted over and over -------------------------------------------

// Two settings of one lever that both fit the budget, given what the team holds on its other
// levers: submitting them in turn is always a valid move and always a change.
struct MovePlan {
  std::string lever;
  std::vector<double> settings;
};

MovePlan plan_moves(const json& menu) {
  const double budget = menu.at("budget"), cost_held = menu.at("cost");
  for (const json& line : menu.at("levers")) {
    // Only this lever is ever moved, so what the others hold costs what the menu says minus this
    // lever's share.
    double cost_of_holding = 0;
    std::vector<std::pair<double, double>> fitting;  // cost, setting
    for (const json& option : line.at("settings"))
      if (option.at("setting") == line.at("holding")) cost_of_holding = option.at("cost");
    for (const json& option : line.at("settings"))
      if (cost_held - cost_of_holding + option.at("cost").get<double>() <= budget + 1e-9)
        fitting.emplace_back(option.at("cost"), option.at("setting"));
    if (fitting.size() < 2) continue;
    std::sort(fitting.begin(), fitting.end());
    return {line.at("lever"), {fitting[0].second, fitting[1].second}};
  }
  throw std::runtime_error("no lever on the menu has two settings within the budget");
}

void run_team(const std::string& team, const std::string& token, int port, const Options& options,
              std::atomic<int>& announced_turn, Record& record, std::atomic<bool>& stopping) {
  httplib::Client client("127.0.0.1", port);
  like_a_browser(client);
  int open_turn = 0;
  MovePlan plan;
  std::size_t next = 0;
  // The team's page: which turn is open and what its menu holds now.
  const auto look = [&] {
    const auto result = client.Get("/api/view", bearer(token));
    if (!result || result->status != 200) return false;
    const json briefing = json::parse(result->body).at("briefing");
    if (briefing.at("clock").at("open_turn").is_null()) return false;  // the game is over
    open_turn = briefing.at("clock").at("open_turn");
    plan = plan_moves(briefing.at("menu"));
    return true;
  };
  while (!stopping) {
    if (open_turn != announced_turn && !look()) return;
    const json request = {{"turn", open_turn}, {"moves", {{plan.lever, plan.settings[next++ % 2]}}}};
    Submit submit{.team = team, .sent = Clock::now()};
    const auto result = client.Post("/api/moves", bearer(token), request.dump(), "application/json");
    submit.answered = Clock::now();
    if (result) {
      submit.status = result->status;
      if (result->status != 200) submit.refusal = json::parse(result->body).value("error", result->body);
    }
    {
      const std::lock_guard lock(record.mutex);
      if (submit.status == 200) record.moved[open_turn].insert(team);
      record.submits.push_back(std::move(submit));
    }
    record.team_moved.notify_all();
    // A refusal means the turn closed while the move waited (or the menu changed): look again.
    if (!result || result->status != 200) open_turn = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(options.submit_pause_ms));
  }
}

// --- the table ------------------------------------------------------------------------------

std::string figure(double value) { return std::isnan(value) ? "—" : fmt::format("{:.1f}", value); }

void print_latencies(const std::string& what, const std::vector<double>& values) {
  fmt::print("  {:<44} {:>6} {:>9} {:>9} {:>9}\n", what, values.size(), figure(percentile(values, 50)),
             figure(percentile(values, 99)),
             figure(values.empty() ? NAN : *std::max_element(values.begin(), values.end())));
}

int run(const Options& options) {
  const std::string steppe = find_steppe(options.steppe);
  char folder_template[] = "/tmp/steppe-classroom-bench-XXXXXX";
  if (!::mkdtemp(folder_template)) throw std::runtime_error("cannot make a temporary folder");
  const fs::path game = fs::path(folder_template) / "game";
  const int made = wait_for_exit(
      start_process({steppe, "wargame", "new", options.game_definition, "--dir", game.string()}, nullptr));
  if (made != 0) throw std::runtime_error(fmt::format("steppe wargame new exited {}", made));

  Server server;
  server.start(steppe, game);
  const Tokens tokens = read_tokens(game);

  // The pages: the facilitator's and the projector's, and the rest spread over the teams, as
  // in a class where every student has the team's page open.
  std::vector<Page> pages;
  pages.push_back({"facilitator", tokens.facilitator, 0});
  if (options.clients > 1) pages.push_back({"projector", tokens.projector, 1});
  std::vector<std::string> team_ids;
  for (const auto& [team, token] : tokens.teams) team_ids.push_back(team);
  for (std::size_t index = pages.size(); index < static_cast<std::size_t>(options.clients); ++index) {
    const std::string& team = team_ids[(index - 2) % team_ids.size()];
    pages.push_back({team, tokens.teams.at(team), index});
  }

  Record record;
  record.shown.assign(pages.size(), std::vector<std::optional<Clock::time_point>>(options.turns + 1));
  std::atomic<bool> stopping{false};
  std::atomic<int> announced_turn{1};
  std::vector<std::unique_ptr<httplib::Client>> streams;
  for (std::size_t index = 0; index < pages.size(); ++index) {
    streams.push_back(std::make_unique<httplib::Client>("127.0.0.1", server.port));
    like_a_browser(*streams.back());
  }
  std::vector<std::thread> page_threads;
  for (const Page& page : pages)
    page_threads.emplace_back([&, page] {
      keeping_failure(record, "a page of " + page.who, [&] { run_page(page, server.port, record, stopping, streams); });
    });

  std::string failure;
  const auto all_pages_show = [&](int played) {
    std::unique_lock lock(record.mutex);
    std::optional<Clock::time_point> last;
    const bool all = record.page_updated.wait_for(lock, give_up_after, [&] {
      last.reset();
      for (const auto& shown : record.shown) {
        if (!shown[played]) return false;
        last = std::max(last.value_or(*shown[played]), *shown[played]);
      }
      return true;
    });
    return all ? last : std::nullopt;
  };
  if (!all_pages_show(0)) failure = "not every page fetched its first view";

  std::vector<std::thread> team_threads;
  for (const auto& [team, token] : tokens.teams)
    team_threads.emplace_back([&, team, token] {
      keeping_failure(record, team + " submitting",
                      [&] { run_team(team, token, server.port, options, announced_turn, record, stopping); });
    });

  // The facilitator: each turn open for a while, and until every team has moved, then advanced.
  httplib::Client facilitator("127.0.0.1", server.port);
  like_a_browser(facilitator);
  std::vector<Advance> advances;
  for (int turn = 1; turn <= options.turns && failure.empty(); ++turn) {
    std::this_thread::sleep_for(std::chrono::duration<double>(options.turn_seconds));
    {
      std::unique_lock lock(record.mutex);
      if (!record.team_moved.wait_for(lock, give_up_after,
                                      [&] { return record.moved[turn].size() == tokens.teams.size(); })) {
        failure = fmt::format("not every team had a move accepted in turn {}", turn);
        break;
      }
    }
    Advance advance{.turn = turn, .sent = Clock::now()};
    const auto result =
        facilitator.Post("/api/advance", bearer(tokens.facilitator), json{{"force", false}}.dump(), "application/json");
    advance.answered = Clock::now();
    if (!result || result->status != 200) {
      failure =
          fmt::format("advancing turn {} failed: {}", turn, result ? result->body : httplib::to_string(result.error()));
      break;
    }
    announced_turn = turn + 1;
    advance.all_pages_updated = all_pages_show(turn);
    if (!advance.all_pages_updated) failure = fmt::format("not every page showed turn {} as played", turn);
    advances.push_back(advance);
  }

  stopping = true;
  for (std::thread& thread : team_threads) thread.join();
  const int server_exit = server.stop();  // closes every event stream
  for (auto& stream : streams) stream->stop();
  for (std::thread& thread : page_threads) thread.join();
  if (options.keep_game)
    fmt::print("the game is kept in {}\n", game.string());
  else
    fs::remove_all(folder_template);
  if (failure.empty() && !record.thread_failure.empty()) failure = record.thread_failure;

  // --- the figures ---
  std::vector<double> all_submits, accepted, overlapping, overlapping_accepted, advance_times, update_times;
  int unanswered = 0;
  std::map<std::string, int> refusals;
  for (const Submit& submit : record.submits) {
    const double took = milliseconds(submit.answered - submit.sent);
    const bool overlapped = std::any_of(advances.begin(), advances.end(), [&](const Advance& advance) {
      return submit.sent < advance.answered && submit.answered > advance.sent;
    });
    if (submit.status == 0) {
      ++unanswered;
      continue;
    }
    all_submits.push_back(took);
    if (submit.status == 200) accepted.push_back(took);
    if (overlapped) overlapping.push_back(took);
    if (overlapped && submit.status == 200) overlapping_accepted.push_back(took);
    if (submit.status != 200) ++refusals[fmt::format("{} {}", submit.status, submit.refusal)];
  }
  for (const Advance& advance : advances) {
    advance_times.push_back(milliseconds(advance.answered - advance.sent));
    if (advance.all_pages_updated) update_times.push_back(milliseconds(*advance.all_pages_updated - advance.sent));
  }
  std::map<std::string, int> page_mix;
  for (const Page& page : pages) ++page_mix[page.who];
  std::string mix;
  for (const auto& [who, count] : page_mix) mix += fmt::format("{}{} {}", mix.empty() ? "" : ", ", who, count);

  fmt::print("steppe_classroom_bench: the web classroom under load\n");
  fmt::print("machine: {} cores; server: {} serve (a child process, 127.0.0.1:{})\n",
             std::thread::hardware_concurrency(), steppe, server.port);
  fmt::print("game: {}, {} members per adjudication\n", options.game_definition, members_of(options.game_definition));
  fmt::print("pages: {} (event stream + view on every change): {}\n", pages.size(), mix);
  fmt::print(
      "turns advanced: {} of {}; each open {:.1f} s with {} teams submitting, {} ms between a team's submits\n\n",
      advances.size(), options.turns, options.turn_seconds, tokens.teams.size(), options.submit_pause_ms);
  fmt::print("  {:<44} {:>6} {:>9} {:>9} {:>9}\n", "milliseconds", "count", "p50", "p99", "max");
  print_latencies("submit, request → answer (all)", all_submits);
  print_latencies("submit, request → 200 (saved durably)", accepted);
  print_latencies("submit overlapping an adjudication (all)", overlapping);
  print_latencies("submit overlapping an adjudication, 200", overlapping_accepted);
  print_latencies("view fetched by a page", record.view_milliseconds);
  print_latencies("advance, request → 200 (adjudication)", advance_times);
  print_latencies(fmt::format("advance → all {} pages show the new turn", pages.size()), update_times);
  fmt::print("\n  {:>4} {:>14} {:>24}\n", "turn", "advance ms", "all pages updated ms");
  for (const Advance& advance : advances)
    fmt::print("  {:>4} {:>14.1f} {:>24}\n", advance.turn, milliseconds(advance.answered - advance.sent),
               advance.all_pages_updated ? figure(milliseconds(*advance.all_pages_updated - advance.sent)) : "never");
  fmt::print("\n");
  for (const auto& [refusal, count] : refusals) fmt::print("refused {} times: {}\n", count, refusal);
  if (unanswered + record.view_failures + record.stream_reconnects > 0)
    fmt::print("unanswered submits: {}; failed view fetches: {}; event streams reconnected: {}\n", unanswered,
               record.view_failures, record.stream_reconnects);
  const double submit_p99 = percentile(all_submits, 99);
  const double slowest_update =
      update_times.empty() ? NAN : *std::max_element(update_times.begin(), update_times.end());
  fmt::print("aim p99 submit under 50 ms: {} ({} ms); aim all pages updated within 1 s: {} ({} ms at most)\n",
             submit_p99 < 50 ? "met" : "missed", figure(submit_p99), slowest_update < 1000 ? "met" : "missed",
             figure(slowest_update));
  fmt::print("the server exited {} on SIGTERM\n", server_exit);
  if (!failure.empty()) {
    fmt::print(stderr, "steppe_classroom_bench failed: {}\n", failure);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app("The web classroom under load: pages on event streams, teams submitting, turns advanced");
  app.add_option("--clients", options.clients, "Pages connected, each on an event stream (at least 2)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000));
  app.add_option("--turns", options.turns, "Turns to advance (the example game has 8)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--turn-seconds", options.turn_seconds, "How long each turn is open before it is advanced")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--submit-pause-ms", options.submit_pause_ms, "Pause between one team's submits")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  app.add_option("--steppe", options.steppe, "The steppe binary (default: beside this program)");
  app.add_option("--game", options.game_definition, "The game definition")->capture_default_str();
  app.add_flag("--keep-game", options.keep_game, "Keep the game folder played (and print where it is)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options);
  } catch (const std::exception& error) {
    fmt::print(stderr, "steppe_classroom_bench failed: {}\n", error.what());
    return 1;
  }
}
