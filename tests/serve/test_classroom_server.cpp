// The web classroom in process: the examples/classroom game served on a free port, and every
// endpoint called over HTTP with every token — a team sees its own briefing and nothing of
// another team's secret settings, pending moves, budget or spending; the projector only what
// every team sees; no token nothing. Moves are checked against the rules and saved before they
// are acknowledged; the event stream announces every change.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "app/wargame.hpp"
#include "engine/io/wargame_files.hpp"
#include "serve/classroom.hpp"
#include "serve/http_server.hpp"
#include "serve/join_sheet.hpp"
#include "support.hpp"

// After Eigen (through the headers above): httplib.h includes <resolv.h>, whose macro `_res`
// breaks Eigen's templates (a parameter of that name) when it comes first.
#include <httplib.h>

using namespace steppe;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> team_ids = {"MNG", "CHN", "RUS", "USA"};

// The classroom example served on 127.0.0.1 at a free port until the object goes.
struct ServedClassroom {
  fs::path folder;
  std::unique_ptr<serve::Classroom> classroom;
  std::unique_ptr<serve::HttpServer> server;
  int port = 0;
  std::thread thread;

  explicit ServedClassroom(const std::string& name) : folder(testing::fresh_folder("serve-" + name) / "game") {
    app::new_game({.file = testing::source_path("examples/classroom/game.yaml").string(), .folder = folder.string()});
    start();
  }
  void start() {
    classroom = std::make_unique<serve::Classroom>(folder);
    server = std::make_unique<serve::HttpServer>(*classroom);
    port = server->bind("127.0.0.1", 0);
    thread = std::thread([this] { server->serve(); });
  }
  void stop() {
    server->stop();
    thread.join();
    server.reset();
    classroom.reset();
  }
  ~ServedClassroom() {
    if (server) stop();
  }
  const serve::Tokens& tokens() const { return classroom->tokens(); }
  std::string token(const std::string& who) const {
    return who == "facilitator" ? tokens().facilitator()
           : who == "projector" ? tokens().projector()
                                : tokens().team(who);
  }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(30));
    return client;
  }
  static httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  httplib::Result get(const std::string& path, const std::string& token) const {
    return client().Get(path.c_str(), bearer(token));
  }
  httplib::Result post(const std::string& path, const std::string& token, const json& body) const {
    return client().Post(path.c_str(), bearer(token), body.dump(), "application/json");
  }
  json view(const std::string& who) const {
    const auto result = get("/api/view", token(who));
    REQUIRE(result);
    REQUIRE(result->status == 200);
    return json::parse(result->body);
  }
};

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

json body_of(const httplib::Result& result) {
  REQUIRE(result);
  return json::parse(result->body);
}

// Every key path in `document` with its value, for reading what a response holds.
void walk(const json& document, const std::string& path,
          const std::function<void(const std::string&, const json&)>& visit) {
  visit(path, document);
  if (document.is_object())
    for (const auto& [key, value] : document.items()) walk(value, path + "." + key, visit);
  else if (document.is_array())
    for (std::size_t index = 0; index < document.size(); ++index) walk(document[index], path + "[]", visit);
}

// What `viewer` (a team's id, or "projector") may see and nothing more, anywhere in `document`.
void check_nothing_secret_of_others(const json& document, const std::string& viewer, const ServedClassroom& served,
                                    const std::string& where) {
  INFO(viewer << " in " << where);
  const std::string text = document.dump();
  for (const char* who : {"facilitator", "projector", "MNG", "CHN", "RUS", "USA"})
    CHECK(text.find(served.token(who)) == std::string::npos);  // no token is ever sent back
  const bool team = viewer != "projector";
  walk(document, "", [&](const std::string& path, const json& value) {
    INFO("at " << path);
    // A budget or a cost is only ever the viewer's own menu's (or its own submit's answer).
    if (path.ends_with(".budget") || path.ends_with(".cost")) {
      CHECK(team);
      CHECK((path.starts_with(".briefing.menu") || path == ".budget" || path == ".cost"));
    }
    if (path.ends_with(".menu") && !value.is_null()) CHECK(path == ".briefing.menu");
    if (path.ends_with(".secret_moves[]")) CHECK(value.at("team") == viewer);
    if (path.ends_with(".spent"))
      for (const auto& [spender, amount] : value.items()) CHECK(spender == viewer);
    if (path == ".briefing.team") CHECK(value.at("id") == viewer);
    // The facilitator's parts of a view.
    CHECK_FALSE((path == ".open_turn" || path == ".deck" || path == ".menus" || path.ends_with(".overrides")));
    if (path.ends_with(".indicators[]") && value.at("exact") == true && value.at("public") == false)
      CHECK(value.at("actor") == viewer);
  });
  if (!team) CHECK(document.value("role", "projector") == "projector");
}

// Every endpoint a page may call, with `who`'s token: the bodies of its answers.
std::vector<std::pair<std::string, json>> every_answer(const ServedClassroom& served, const std::string& who) {
  std::vector<std::pair<std::string, json>> answers;
  const std::string token = served.token(who);
  const auto keep = [&](const std::string& what, const httplib::Result& result) {
    REQUIRE(result);
    answers.emplace_back(what + " → " + std::to_string(result->status), json::parse(result->body));
  };
  keep("GET /api/view", served.get("/api/view", token));
  const auto debrief = served.client().Get(("/debrief?token=" + token).c_str());
  REQUIRE(debrief);
  CHECK(debrief->status == 403);  // the game is not over: the debrief is the facilitator's
  for (const std::string& team : team_ids)
    keep("GET /api/teams/" + team + "/view", served.get("/api/teams/" + team + "/view", token));
  keep("POST /api/injects", served.post("/api/injects", token, {{"card", "border_squeeze"}}));
  keep("POST /api/overrides",
       served.post("/api/overrides", token, {{"team", "RUS"}, {"levers", {{"hawkishness", 0.8}}}, {"note", "n"}}));
  keep("POST /api/undo", served.post("/api/undo", token, {{"discard_open", true}}));
  keep("POST /api/reveal", served.post("/api/reveal", token, {{"reveal", true}}));
  keep("POST /api/advance", served.post("/api/advance", token, {{"force", true}}));
  keep("POST /api/timer", served.post("/api/timer", token, {{"action", "start"}, {"seconds", 60}}));
  return answers;
}

}  // namespace

TEST_CASE("serve: every endpoint with every team's token shows no other team's secrets, open turn and adjudicated") {
  ServedClassroom served("secrets");
  // Each team moves, secret levers among them; MNG and CHN before the check, so pending moves exist.
  REQUIRE(served.post("/api/moves", served.token("CHN"), {{"turn", 1}, {"moves", {{"hawkishness", 0.8}}}})->status ==
          200);
  REQUIRE(served.post("/api/moves", served.token("MNG"), {{"turn", 1}, {"moves", {{"concession_threshold", 0.3}}}})
              ->status == 200);
  for (const int adjudicated : {0, 1}) {
    INFO("after " << adjudicated << " adjudicated turns");
    for (const std::string& team : team_ids)
      for (const auto& [what, answer] : every_answer(served, team))
        check_nothing_secret_of_others(answer, team, served, what);
    for (const auto& [what, answer] : every_answer(served, "projector"))
      check_nothing_secret_of_others(answer, "projector", served, what);
    if (adjudicated == 0) {
      REQUIRE(
          served.post("/api/moves", served.token("RUS"), {{"turn", 1}, {"moves", {{"hawkishness", 0.2}}}})->status ==
          200);
      REQUIRE(served.post("/api/moves", served.token("USA"), {{"turn", 1}, {"moves", json::object()}})->status == 200);
      REQUIRE(served.post("/api/advance", served.token("facilitator"), json::object())->status == 200);
      REQUIRE(
          served.post("/api/moves", served.token("RUS"), {{"turn", 2}, {"moves", {{"hawkishness", 0.5}}}})->status ==
          200);
    }
  }
  // The facilitator sees what the teams may not: every secret move, the open turn, each team's page.
  const json facilitator = served.view("facilitator");
  CHECK(facilitator["role"] == "facilitator");
  REQUIRE(facilitator["briefing"]["last_turn"]["secret_moves"].size() == 3);
  CHECK(facilitator["briefing"]["last_turn"]["spent"].size() == 4);
  const json russia = body_of(served.get("/api/teams/RUS/view", served.token("facilitator")));
  CHECK(russia["submitted"] == true);
  for (const json& line : russia["menu"]["levers"])
    if (line["lever"] == "hawkishness") CHECK(line["holding"] == 0.5);
}

TEST_CASE("serve: no token or an unknown one is 401 on every endpoint, a role's forbidden action 403") {
  ServedClassroom served("unauthorized");
  httplib::Client client = served.client();
  for (const char* path : {"/api/view", "/api/teams/CHN/view", "/api/events"}) {
    INFO(path);
    CHECK(client.Get(path)->status == 401);
    CHECK(served.get(path, std::string(32, '0'))->status == 401);
    CHECK(served.get(path, served.token("CHN") + "0")->status == 401);
  }
  CHECK(client.Get("/api/events?token=0123")->status == 401);
  for (const char* path : {"/api/moves", "/api/injects", "/api/overrides", "/api/advance", "/api/undo", "/api/timer"}) {
    INFO(path);
    CHECK(client.Post(path, "{}", "application/json")->status == 401);
    CHECK(served.post(path, "not a token", json::object())->status == 401);
  }
  CHECK(served.post("/api/advance", served.token("USA"), json::object())->status == 403);
  CHECK(served.post("/api/injects", served.token("projector"), {{"card", "border_squeeze"}})->status == 403);
  CHECK(served.post("/api/moves", served.token("facilitator"), {{"turn", 1}, {"moves", json::object()}})->status ==
        403);
  CHECK(served.get("/api/teams/MNG/view", served.token("CHN"))->status == 403);
  // The page itself is public: it holds no secret and asks for its view with the token.
  const auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("/classroom.js") != std::string::npos);
  CHECK(client.Get("/classroom.js")->status == 200);
}

TEST_CASE("serve: a move against the rules is 409 with the rule's message and nothing is recorded") {
  ServedClassroom served("refused");
  const std::string china = served.token("CHN");
  const auto game_file = served.folder / "game.json";
  const std::string before = read_file(game_file);
  // Over budget: every lever at its dearest setting.
  const auto over =
      served.post("/api/moves", china,
                  {{"turn", 1}, {"moves", {{"hawkishness", 0.8}, {"inducements", 0.8}, {"direct_pressure", 0.2}}}});
  CHECK(over->status == 409);
  CHECK_THAT(body_of(over)["error"].get<std::string>(), Catch::Contains("budget"));
  const auto not_on_menu = served.post("/api/moves", china, {{"turn", 1}, {"moves", {{"hawkishness", 0.3}}}});
  CHECK(not_on_menu->status == 409);
  const auto not_its_lever = served.post("/api/moves", china, {{"turn", 1}, {"moves", {{"air_link", 1}}}});
  CHECK(not_its_lever->status == 409);
  const auto wrong_turn = served.post("/api/moves", china, {{"turn", 2}, {"moves", json::object()}});
  CHECK(wrong_turn->status == 409);
  CHECK(served.post("/api/moves", china, {{"moves", json::object()}})->status == 400);
  for (const json& turn : {json(1e10), json(1.5), json(-1), json("1")})
    CHECK(served.post("/api/moves", china, {{"turn", turn}, {"moves", json::object()}})->status == 400);
  CHECK(served.post("/api/injects", served.token("facilitator"), {{"remove", -1}})->status == 400);
  CHECK(served.post("/api/moves", china, {{"turn", 1}, {"moves", {{"hawkishness", "high"}}}})->status == 400);
  const auto not_json =
      served.client().Post("/api/moves", ServedClassroom::bearer(china), "{turn: 1", "application/json");
  CHECK(not_json->status == 400);
  CHECK(read_file(game_file) == before);
  CHECK(served.view("CHN")["briefing"]["submitted"] == false);
}

TEST_CASE("serve: an acknowledged move is in game.json, and a restarted server has it and the same tokens") {
  ServedClassroom served("durable");
  const std::string usa = served.token("USA");
  const auto answer = served.post("/api/moves", usa, {{"turn", 1}, {"moves", {{"air_link", 1.0}}}});
  REQUIRE(answer->status == 200);
  CHECK(body_of(answer)["moves"] == "air_link 1");
  // Read by another opener, as a second process would: the move is on disk.
  CHECK(app::game_status({served.folder.string()}).teams.back().submitted);
  served.stop();
  served.start();
  CHECK(served.token("USA") == usa);
  const json view = served.view("USA");
  CHECK(view["briefing"]["submitted"] == true);
  struct stat file {};
  REQUIRE(::stat((served.folder / "tokens.json").c_str(), &file) == 0);
  CHECK((file.st_mode & 0777) == 0600);
  CHECK(std::regex_match(usa, std::regex("[0-9a-f]{32}")));
}

TEST_CASE("serve: the event stream announces a submission, an inject and the timer within a second") {
  ServedClassroom served("events");
  std::mutex mutex;
  std::vector<std::string> events;
  httplib::Client listener = served.client();
  std::atomic<bool> done{false};
  std::thread stream([&] {
    listener.Get(("/api/events?token=" + served.token("projector")).c_str(), [&](const char* data, std::size_t size) {
      const std::lock_guard lock(mutex);
      events.emplace_back(data, size);
      return !done.load();
    });
  });
  const auto changes = [&] {
    const std::lock_guard lock(mutex);
    int count = 0;
    for (const std::string& chunk : events)
      for (std::size_t at = chunk.find("event: change"); at != std::string::npos;
           at = chunk.find("event: change", at + 1))
        ++count;
    return count;
  };
  const auto wait_for = [&](int count) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (changes() < count && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return changes();
  };
  // CHECK, not REQUIRE: the stream's thread must be joined below whatever happens.
  CHECK(wait_for(1) == 1);  // on connecting
  CHECK(served.post("/api/moves", served.token("MNG"), {{"turn", 1}, {"moves", json::object()}})->status == 200);
  CHECK(wait_for(2) == 2);
  CHECK(served.post("/api/injects", served.token("facilitator"), {{"card", "border_squeeze"}})->status == 200);
  CHECK(wait_for(3) == 3);
  CHECK(served.post("/api/timer", served.token("facilitator"), {{"action", "start"}, {"seconds", 600}})->status == 200);
  CHECK(wait_for(4) == 4);
  done = true;
  served.stop();  // closes the stream
  stream.join();
}

TEST_CASE("serve: the turn timer starts, pauses, resumes, extends and stops, and a new turn stops it") {
  ServedClassroom served("timer");
  const std::string facilitator = served.token("facilitator");
  const auto timer = [&](const json& request) {
    const auto result = served.post("/api/timer", facilitator, request);
    REQUIRE(result);
    return std::make_pair(result->status, json::parse(result->body));
  };
  CHECK(served.view("MNG")["timer"]["state"] == "stopped");
  CHECK(timer({{"action", "pause"}}).first == 400);
  auto [status, started] = timer({{"action", "start"}, {"seconds", 600}});
  CHECK(status == 200);
  CHECK(started["state"] == "running");
  CHECK(started["remaining"].get<double>() == Approx(600).margin(1));
  const json paused = timer({{"action", "pause"}}).second;
  CHECK(paused["state"] == "paused");
  CHECK(timer({{"action", "extend"}, {"seconds", 60}}).second["remaining"].get<double>() ==
        Approx(paused["remaining"].get<double>() + 60).margin(0.01));
  CHECK(served.view("projector")["timer"]["state"] == "paused");
  CHECK(timer({{"action", "resume"}}).second["state"] == "running");
  CHECK(timer({{"action", "rewind"}}).first == 400);
  CHECK(timer({{"action", "start"}, {"seconds", -5}}).first == 400);
  REQUIRE(served.post("/api/advance", facilitator, {{"force", true}})->status == 200);
  CHECK(served.view("USA")["timer"]["state"] == "stopped");
}

TEST_CASE(
    "serve: the facilitator adds and removes injects and overrides of several levers, and undo says what it discards") {
  ServedClassroom served("facilitator");
  const std::string facilitator = served.token("facilitator");
  const auto post = [&](const std::string& path, const json& body, int status = 200) {
    const auto result = served.post(path, facilitator, body);
    REQUIRE(result);
    INFO(result->body);
    CHECK(result->status == status);
    return json::parse(result->body);
  };
  post("/api/injects", {{"card", "border_squeeze"}});
  post("/api/injects", {{"card", "affront"}});
  CHECK(post("/api/injects", {{"remove", 0}})["title"] == "Border squeeze");
  post("/api/injects", {{"remove", 5}}, 409);
  post("/api/injects", {{"card", "no_such_card"}}, 400);
  // Made up on the spot, as `wargame inject` takes it; a bad name is refused with a hint.
  const json ad_hoc = post("/api/injects", {{"title", "Drone incident"},
                                            {"jumps", {"system.tension=0.1"}},
                                            {"levers", {"CHN.direct_pressure=0.05"}},
                                            {"months", 2}});
  CHECK(ad_hoc["title"] == "Drone incident");
  CHECK_THAT(post("/api/injects", {{"jumps", {"system.tenson=0.1"}}}, 400)["error"].get<std::string>(),
             Catch::Contains("tension"));
  post("/api/injects", {{"title", "nothing"}}, 400);
  post("/api/injects", {{"remove", 1}});
  const json overridden =
      post("/api/overrides",
           {{"team", "CHN"}, {"levers", {{"hawkishness", 0.2}, {"inducements", 0.8}}}, {"note", "doctrine"}});
  REQUIRE(overridden["overrides"].size() == 2);
  CHECK(overridden["overrides"][0]["note"] == "doctrine");
  // All or nothing: one setting off the menu refuses both.
  post("/api/overrides", {{"team", "CHN"}, {"levers", {{"hawkishness", 0.8}, {"inducements", 0.33}}}}, 400);
  post("/api/overrides", {{"team", "CHN"}, {"levers", json::object()}}, 400);
  json view = served.view("facilitator");
  REQUIRE(view["open_turn"]["injects"].size() == 1);
  CHECK(view["open_turn"]["injects"][0]["title"] == "An affront");
  REQUIRE(view["open_turn"]["overrides"].size() == 2);
  post("/api/overrides", {{"remove", 1}});
  CHECK(served.view("facilitator")["open_turn"]["overrides"].size() == 1);

  post("/api/undo", json::object(), 409);  // nothing adjudicated yet
  post("/api/advance", {{"force", true}});
  REQUIRE(served.post("/api/moves", served.token("USA"), {{"turn", 2}, {"moves", {{"air_link", 1.0}}}})->status == 200);
  post("/api/injects", {{"card", "affront"}});
  post("/api/undo", {{"discard_open", false}}, 409);  // turn 2 has entries: they are not thrown away unasked
  const json undone = post("/api/undo", {{"discard_open", true}});
  CHECK(undone["reopened_turn"] == 1);
  std::set<std::string> kinds;
  for (const json& entry : undone["discarded"]) kinds.insert(entry["kind"].get<std::string>());
  CHECK(kinds == std::set<std::string>{"moves", "inject"});
  view = served.view("facilitator");
  CHECK(view["briefing"]["clock"]["open_turn"] == 1);
  CHECK(view["open_turn"]["injects"].size() == 1);  // turn 1's own entries are back
}

TEST_CASE("serve: the debrief is the facilitator's until the game is over, its secret moves shown when revealed") {
  ServedClassroom served("debrief");
  const std::string facilitator = served.token("facilitator");
  const auto debrief = [&](const std::string& who) {
    const auto result = served.client().Get(("/debrief?token=" + served.token(who)).c_str());
    REQUIRE(result);
    return std::make_pair(result->status, result->body);
  };
  REQUIRE(served.post("/api/moves", served.token("CHN"), {{"turn", 1}, {"moves", {{"hawkishness", 0.8}}}})->status ==
          200);
  REQUIRE(served.post("/api/advance", facilitator, {{"force", true}})->status == 200);
  CHECK(debrief("CHN").first == 403);
  CHECK(debrief("projector").first == 403);
  CHECK(served.client().Get("/debrief")->status == 401);
  // One policy, the debrief's own: its styles are inline (a second, stricter header would block them).
  const auto headers = served.client().Get(("/debrief?token=" + facilitator).c_str());
  REQUIRE(headers);
  CHECK(headers->get_header_value_count("Content-Security-Policy") == 1);
  CHECK_THAT(headers->get_header_value("Content-Security-Policy"), Catch::Contains("style-src 'unsafe-inline'"));
  const auto [status, folded] = debrief("facilitator");
  CHECK(status == 200);
  CHECK(folded.find("<details id=\"secret-moves\">") != std::string::npos);
  CHECK(folded.find("hawkishness 0.5 → 0.8") != std::string::npos);
  CHECK(served.view("facilitator")["debrief"]["open"] == true);
  CHECK(served.view("USA")["debrief"]["open"] == false);
  for (int turn = 2; turn <= 8; ++turn)
    REQUIRE(served.post("/api/advance", facilitator, {{"force", true}})->status == 200);
  // Over: everyone may open it; the secret moves stay out until the facilitator reveals them.
  for (const std::string who : {"projector", "MNG"}) {
    const auto [over_status, page] = debrief(who);
    CHECK(over_status == 200);
    CHECK(page.find("hawkishness") == std::string::npos);
    CHECK(page.find("## Objectives") == std::string::npos);
    CHECK(page.find("<h2>Objectives</h2>") != std::string::npos);
  }
  CHECK(served.post("/api/reveal", served.token("MNG"), {{"reveal", true}})->status == 403);
  REQUIRE(served.post("/api/reveal", facilitator, {{"reveal", true}})->status == 200);
  CHECK(served.view("projector")["debrief"]["revealed"] == true);
  const std::string revealed = debrief("projector").second;
  CHECK(revealed.find("<details id=\"secret-moves\" open>") != std::string::npos);
  CHECK(revealed.find("hawkishness 0.5 → 0.8") != std::string::npos);
}

TEST_CASE("serve: the join sheet has a card with a QR code per link, the facilitator's marked to keep") {
  const std::string svg = serve::qr_svg("http://127.0.0.1:8080/#0123456789abcdef0123456789abcdef", 180);
  CHECK(svg.starts_with("<svg"));
  CHECK(svg.find("<path d=\"M") != std::string::npos);
  const std::string sheet = serve::join_sheet_html(
      "A <game>", {{"Mongolia (MNG)", "http://h:1/#aa"}, {"Facilitator", "http://h:1/#bb", true}});
  CHECK(sheet.find("A &lt;game&gt;") != std::string::npos);
  CHECK(sheet.find("http://h:1/#aa") != std::string::npos);
  CHECK(sheet.find("Keep this one") != std::string::npos);
  std::size_t codes = 0;
  for (std::size_t at = sheet.find("<svg"); at != std::string::npos; at = sheet.find("<svg", at + 1)) ++codes;
  CHECK(codes == 2);
}
