// `steppe serve` as a class would meet it, the real binary in a process of its own: SIGKILL'd
// while teams submit and while a turn is adjudicated, then started again. No acknowledged move
// is lost (an acknowledgement means the move was saved), the restarted server carries on with
// the same links, and the game replays identically; Ctrl-C stops it with the game saved.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "cli_support.hpp"

// After Eigen (through the headers above): httplib.h includes <resolv.h>, whose macro `_res`
// breaks Eigen's templates (a parameter of that name) when it comes first.
#include <httplib.h>

using namespace steppe::cli_testing;
using nlohmann::json;

extern char** environ;

namespace {

// `steppe serve GAME --port 0` running until killed; its address read from what it prints.
class Server {
 public:
  explicit Server(const fs::path& game) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string binary = STEPPE_BINARY, game_text = game.string();
    std::vector<char*> argv = {
        const_cast<char*>(binary.c_str()), const_cast<char*>("serve"), const_cast<char*>(game_text.c_str()),
        const_cast<char*>("--port"),       const_cast<char*>("0"),     nullptr};
    REQUIRE(::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    // The first line: "serving TITLE at http://127.0.0.1:PORT/ ...".
    std::string line;
    char byte = 0;
    while (::read(out[0], &byte, 1) == 1 && byte != '\n') line += byte;
    ::close(out[0]);
    std::smatch match;
    REQUIRE(std::regex_search(line, match, std::regex(R"(http://127\.0\.0\.1:(\d+)/)")));
    port_ = std::stoi(match[1]);
    const json tokens = read_json(game / "tokens.json");
    facilitator_ = tokens["facilitator"];
    teams_ = tokens["teams"].get<std::map<std::string, std::string>>();
  }
  ~Server() {
    if (pid_ > 0) stop(SIGKILL);
  }
  // Sends `signal` and waits for the server to exit; its exit status as the shell reports it.
  int stop(int signal) {
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  httplib::Result post(const std::string& path, const std::string& token, const json& body) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(std::chrono::seconds(60));
    return client.Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
  }
  json view(const std::string& token) const {
    httplib::Client client("127.0.0.1", port_);
    const auto result = client.Get("/api/view", {{"Authorization", "Bearer " + token}});
    REQUIRE(result);
    REQUIRE(result->status == 200);
    return json::parse(result->body);
  }
  const std::string& facilitator() const { return facilitator_; }
  const std::string& team(const std::string& id) const { return teams_.at(id); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string facilitator_;
  std::map<std::string, std::string> teams_;
};

// A classroom game in a fresh folder, its adjudication made slow by `members`.
fs::path new_classroom_game(const std::string& name, int members) {
  const fs::path folder = scratch(name);
  std::string definition = read_text_file(root_folder() / "examples/classroom/game.yaml");
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = definition.find(from);
    REQUIRE(at != std::string::npos);
    definition.replace(at, from.size(), to);
  };
  replace("members: 200", "members: " + std::to_string(members));
  replace("scenario: world.yaml", "scenario: " + (root_folder() / "examples/classroom/world.yaml").string());
  replace("scenario: ../../scenarios/calibrated.yaml",
          "scenario: " + (root_folder() / "scenarios/calibrated.yaml").string());
  write_text_file(folder / "game.yaml", definition);
  REQUIRE(
      run_steppe({"wargame", "new", (folder / "game.yaml").string(), "--dir", (folder / "game").string()}).exit_code ==
      0);
  return folder / "game";
}

// The settings a team's page shows it holding on each lever.
std::map<std::string, double> holdings(const json& view) {
  std::map<std::string, double> held;
  for (const json& line : view["briefing"]["menu"]["levers"]) held[line["lever"]] = line["holding"];
  return held;
}

}  // namespace

TEST_CASE("steppe serve: SIGKILL while four teams submit loses no acknowledged move, and restarted it carries on",
          "[cli]") {
  const fs::path game = new_classroom_game("serve-kill-submit", 200);
  // Each team alternates between two affordable settings of one lever, as fast as it can.
  const std::map<std::string, std::pair<std::string, std::vector<double>>> plays = {
      {"MNG", {"outreach", {0.3, 0.6}}},
      {"CHN", {"inducements", {0.2, 0.5}}},
      {"RUS", {"inducements", {0.1, 0.3}}},
      {"USA", {"air_link", {0.0, 1.0}}}};
  std::mutex mutex;
  std::map<std::string, std::optional<double>> acknowledged, in_flight;
  for (const int round : {1, 2, 3}) {
    INFO("round " << round);
    Server server(game);
    std::atomic<bool> stop{false};
    std::atomic<int> acknowledgements{0};
    std::vector<std::thread> teams;
    for (const auto& [team, play] : plays)
      teams.emplace_back([&, team = team, play = play] {
        for (std::size_t index = 0; !stop; ++index) {
          const double setting = play.second[index % 2];
          {
            const std::lock_guard lock(mutex);
            in_flight[team] = setting;
          }
          const auto result =
              server.post("/api/moves", server.team(team), {{"turn", 1}, {"moves", {{play.first, setting}}}});
          if (!result) return;  // the server is gone
          const std::lock_guard lock(mutex);
          if (result->status == 200) acknowledged[team] = setting, ++acknowledgements;
        }
      });
    while (acknowledgements < 20 * round) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.stop(SIGKILL);
    stop = true;
    for (std::thread& thread : teams) thread.join();

    // Restarted on the same folder: every team holds what it was last told was saved — or the
    // move it was sending when the server died, if that one reached the disk first.
    Server restarted(game);
    CHECK(restarted.team("MNG") == read_json(game / "tokens.json")["teams"]["MNG"]);
    for (const auto& [team, play] : plays) {
      INFO(team);
      const json view = restarted.view(restarted.team(team));
      REQUIRE(acknowledged[team]);
      const double held = holdings(view).at(play.first);
      CHECK(view["briefing"]["submitted"] == true);
      CHECK((held == *acknowledged[team] || held == *in_flight[team]));
    }
    restarted.stop(SIGKILL);
  }
  CHECK(run_steppe({"wargame", "status", game.string()}).exit_code == 0);
}

TEST_CASE(
    "steppe serve: SIGKILL during an adjudication leaves the turn open or adjudicated whole, and the game replays",
    "[cli]") {
  // 100,000 members (the most a game may have): an adjudication takes half a second or more, long
  // enough to be cut short.
  const fs::path game = new_classroom_game("serve-kill-advance", 100000);
  int killed_unanswered = 0;
  for (const double delay : {0.1, 0.3, 30.0}) {
    INFO("killed " << delay << " s into Advance");
    int open_turn = 0;
    bool answered_before_kill = false;
    {
      Server server(game);
      open_turn = server.view(server.facilitator())["briefing"]["clock"]["open_turn"];
      for (const std::string team : {"MNG", "CHN", "RUS", "USA"})
        REQUIRE(
            server.post("/api/moves", server.team(team), {{"turn", open_turn}, {"moves", json::object()}})->status ==
            200);
      std::atomic<bool> answered{false};
      std::thread advance([&] {
        server.post("/api/advance", server.facilitator(), {{"force", false}});
        answered = true;
      });
      const auto kill_at = std::chrono::steady_clock::now() + std::chrono::duration<double>(delay);
      while (!answered && std::chrono::steady_clock::now() < kill_at)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      answered_before_kill = answered;
      killed_unanswered += answered ? 0 : 1;
      server.stop(SIGKILL);
      advance.join();
    }
    Server restarted(game);
    const json view = restarted.view(restarted.facilitator());
    const int now_open = view["briefing"]["clock"]["open_turn"];
    CHECK((now_open == open_turn || now_open == open_turn + 1));
    if (answered_before_kill) CHECK(now_open == open_turn + 1);  // acknowledged: the turn was saved whole
    if (now_open == open_turn)                                   // not adjudicated: every move still in
      for (const json& team : view["teams"]) CHECK(team["submitted"] == true);
    restarted.stop(SIGTERM);
    const RunResult replay = run_steppe({"wargame", "replay", game.string()});
    CHECK(replay.exit_code == 0);
    CHECK_THAT(replay.out, Catch::Contains("every number is the same"));
  }
  CHECK(killed_unanswered > 0);  // at least one kill came mid-adjudication
}

TEST_CASE("steppe serve: Ctrl-C or SIGTERM closes the classroom with the game saved, exit 128 + the signal", "[cli]") {
  const fs::path game = new_classroom_game("serve-stop", 200);
  for (const int signal : {SIGINT, SIGTERM}) {
    Server server(game);
    REQUIRE(server.post("/api/moves", server.team("USA"), {{"turn", 1}, {"moves", {{"air_link", 1.0}}}})->status ==
            200);
    CHECK(server.stop(signal) == 128 + signal);
    CHECK(run_steppe({"wargame", "status", game.string()}).out.find("submitted") != std::string::npos);
  }
  // The join sheet, the tokens and the game's log (every secret move) are the facilitator's alone.
  for (const char* file : {"game.json", "game.json.bak"})
    CHECK((fs::status(game / file).permissions() & (fs::perms::group_read | fs::perms::others_read)) ==
          fs::perms::none);
  // Opened to a group by the facilitator, it stays so through the next save.
  fs::permissions(game / "game.json", fs::perms::group_read | fs::perms::group_write, fs::perm_options::add);
  {
    Server server(game);
    REQUIRE(server.post("/api/moves", server.team("MNG"), {{"turn", 1}, {"moves", json::object()}})->status == 200);
    server.stop(SIGTERM);
  }
  CHECK((fs::status(game / "game.json").permissions() & fs::perms::group_read) == fs::perms::group_read);
  CHECK((fs::status(game / "join.html").permissions() & fs::perms::others_read) == fs::perms::none);
  CHECK((fs::status(game / "tokens.json").permissions() & fs::perms::group_read) == fs::perms::none);
}
