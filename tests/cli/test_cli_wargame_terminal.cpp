// `steppe wargame play` on a real terminal (a tmux pane, driven with send-keys and read with
// capture-pane) and `steppe wargame report` rendered by a real browser (headless Chromium).
// tmux and Chromium are installed by tools/install-deps; without them these tests fail.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <thread>

#include "cli_support.hpp"

using namespace steppe::cli_testing;
using Catch::Matchers::Contains;

namespace {

struct ShellResult {
  int exit_code = -1;
  std::string out;  // stdout only; a command redirects its stderr itself
};

ShellResult shell(const std::string& command) {
  ShellResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[65536];
  for (std::size_t read; (read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.out.append(buffer, read);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

// The tests need these programs; they fail (not skip) without them.
void require_program(const std::string& program) {
  if (shell("command -v " + program + " >/dev/null 2>&1").exit_code != 0)
    FAIL(program << " is not installed (tools/install-deps installs it); this test needs it");
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

// A private tmux server (its own socket) with one session at a time, 200×60. It reads the pane
// like expect(1): each expect() waits for a text after the one found before, in the pane's
// whole output (scrollback included, wrapped lines joined) — or anywhere, once the program
// cleared the scrollback (the text found before is gone). The server and everything running in
// it end with this object, also when a check fails.
class Tmux {
 public:
  explicit Tmux(const fs::path& folder)
      : socket_("steppe-test-" + std::to_string(::getpid()) + "-" + std::to_string(++servers_)),
        config_(folder / "tmux.conf") {
    // Enough scrollback for the whole session: expect() counts on the output only growing.
    write_text_file(config_, "set-option -g history-limit 100000\n");
  }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;
  ~Tmux() {
    shell(tmux() + " kill-server >/dev/null 2>&1");
    std::error_code error;
    if (fs::path(socket_path_).filename() == socket_) fs::remove(socket_path_, error);  // tmux leaves its socket behind
  }

  // Runs `command` (a shell command) in a new detached session in `cwd`.
  void start(const std::string& session, const std::string& command, const fs::path& cwd) {
    session_ = session;
    consumed_ = 0;
    found_.clear();
    const ShellResult started = shell(tmux() + " new-session -d -s " + session + " -x 200 -y 60 -c " +
                                      shell_quote(cwd.string()) + " " + shell_quote(command) + " 2>&1");
    INFO("tmux new-session printed: " << started.out);
    REQUIRE(started.exit_code == 0);
    if (socket_path_.empty()) {
      socket_path_ = shell(tmux() + " display-message -p '#{socket_path}' 2>/dev/null").out;
      if (!socket_path_.empty() && socket_path_.back() == '\n') socket_path_.pop_back();
    }
  }

  // Types a line and presses Enter.
  void type(const std::string& line) {
    if (!line.empty()) send("-l " + shell_quote(line));
    send("Enter");
  }
  void press(const std::string& key) { send(key); }

  // What the pane shows now (the screen the class sees).
  std::string screen() const { return shell(tmux() + " capture-pane -p -t " + session_ + " 2>&1").out; }
  // Everything the pane has shown, scrollback included.
  std::string output() const { return shell(tmux() + " capture-pane -p -J -S - -t " + session_ + " 2>&1").out; }

  // Waits (polling every 50 ms, up to 15 s) until `text` appears after what earlier calls found;
  // returns the output from there up to and including `text`.
  std::string expect(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    std::string pane;
    while (true) {
      pane = output();
      // The scrollback was cleared: what was found before is no longer where it was.
      if (consumed_ > 0 &&
          (pane.size() < consumed_ || pane.compare(consumed_ - found_.size(), found_.size(), found_) != 0))
        consumed_ = 0;
      if (const auto at = pane.find(text, consumed_); at != std::string::npos) {
        const std::string part = pane.substr(consumed_, at + text.size() - consumed_);
        consumed_ = at + text.size();
        found_ = text;
        return part;
      }
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string shown = screen();
    shown.erase(shown.find_last_not_of(" \n") + 1);
    FAIL("waited 15 s for \"" << text << "\" in tmux session " << session_ << "; the screen shows:\n" << shown);
    return {};
  }

 private:
  std::string tmux() const { return "env -u TMUX tmux -L " + socket_ + " -f " + shell_quote(config_.string()); }
  void send(const std::string& keys) {
    const ShellResult sent = shell(tmux() + " send-keys -t " + session_ + " " + keys + " 2>&1");
    INFO("tmux send-keys " << keys << " printed: " << sent.out);
    REQUIRE(sent.exit_code == 0);
  }

  static inline int servers_ = 0;
  std::string socket_;
  fs::path config_;
  std::string socket_path_;
  std::string session_;
  std::size_t consumed_ = 0;
  std::string found_;  // the text expect() found last, which ends at consumed_
};

const std::string move_prompt = "move: a lever's number and a setting (e.g. '2 0.8'), or 'done':";
const std::string facilitator_prompt = "or Enter to adjudicate:";

// The characters of a "since start" chart cell (each block character is three bytes of UTF-8).
std::vector<std::string> blocks_of(const std::string& cell) {
  static const std::vector<std::string> blocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::vector<std::string> found;
  for (std::size_t at = 0; at < cell.size(); at += 3) {
    const std::string block = cell.substr(at, 3);
    if (std::find(blocks.begin(), blocks.end(), block) == blocks.end()) return {};
    found.push_back(block);
  }
  return found;
}

std::string team_status(const fs::path& game, const std::string& team) {
  const RunResult status = run_steppe({"wargame", "status", game.string()});
  REQUIRE(status.exit_code == 0);
  const std::vector<std::string> row = table_row(status.out, team);
  return row.size() >= 3 ? row[2] : "(no row for " + team + " in:\n" + status.out + ")";
}

}  // namespace

TEST_CASE(
    "wargame play in a terminal: four teams move (refused moves re-prompt), an inject, results that hide secret "
    "moves, then play resumes at the next turn and Ctrl-D keeps what was submitted",
    "[cli][tmux]") {
  require_program("tmux");
  const fs::path folder = scratch("wargame-terminal-play");
  const fs::path game = folder / "game";
  const RunResult created =
      run_steppe({"wargame", "new", "examples/classroom/game.yaml", "--dir", game.string()}, root_folder());
  INFO("steppe wargame new: " << created.err);
  REQUIRE(created.exit_code == 0);

  Tmux tmux(folder);
  // The pane stays after play ends, showing its exit status.
  const std::string play = shell_quote(STEPPE_BINARY) + " wargame play " + shell_quote(game.string()) +
                           "; echo \"EXITED $?\"; exec sleep 600";
  tmux.start("first", play, root_folder());

  // Mongolia: a move, a setting that is not on the menu, a line that is not a move.
  tmux.expect("Turn 1 of 8 (2025-01 to 2025-03). Pass the keyboard to Mongolia (MNG) and press Enter.");
  tmux.type("");
  const std::string briefing = tmux.expect(move_prompt);
  CHECK_THAT(briefing, Contains("Mongolia (MNG) — turn 1 of 8 (2025-01 to 2025-03)"));
  CHECK_THAT(briefing, Contains("≈"));  // other actors' hidden variables are estimates
  CHECK(table_row(briefing, "#") ==
        std::vector<std::string>{"#", "lever", "holding", "settings (cost per turn)", "seen by others"});
  CHECK(table_row(briefing, "1") ==
        std::vector<std::string>{"1", "outreach", "0.6", "0.3 (1)", "0.6 (3)", "0.9 (5)", "yes"});
  CHECK_THAT(briefing, Contains("budget this turn 12; these settings cost 10"));
  tmux.type("1 0.3");
  std::string menu = tmux.expect(move_prompt);
  CHECK(table_row(menu, "1").at(2) == "0.3");
  CHECK_THAT(menu, Contains("budget this turn 12; these settings cost 8"));
  tmux.type("1 0.5");
  menu = tmux.expect(move_prompt);
  CHECK_THAT(menu, Contains("not allowed: outreach 0.5 is not a setting on the menu"));
  CHECK(table_row(menu, "1").at(2) == "0.3");  // the refused move changed nothing
  CHECK_THAT(menu, Contains("these settings cost 8"));
  tmux.type("9 0.3");
  CHECK_THAT(tmux.expect(move_prompt), Contains("type a number from 1 to 4 and a setting, or 'done'"));
  tmux.type("done");

  // China: a secret move, a move over budget (refused), a public move. The screen and the
  // terminal's scrollback were cleared: China cannot scroll back to Mongolia's briefing and moves.
  tmux.expect("Pass the keyboard to China (CHN) and press Enter.");
  {
    const std::string scrollback = tmux.output();
    CHECK(scrollback.find("Mongolia (MNG) — turn 1 of 8") == std::string::npos);
    CHECK(scrollback.find("budget this turn 12") == std::string::npos);
    CHECK(scrollback.find("not allowed: outreach 0.5") == std::string::npos);
  }
  tmux.type("");
  CHECK_THAT(tmux.expect(move_prompt), Contains("budget this turn 10; these settings cost 5"));
  tmux.type("1 0.8");  // hawkishness, secret
  CHECK_THAT(tmux.expect(move_prompt), Contains("these settings cost 6"));
  tmux.type("3 0.2");  // direct_pressure 0.2 costs 10
  menu = tmux.expect(move_prompt);
  CHECK_THAT(menu, Contains("not allowed: over budget"));
  CHECK_THAT(menu, Contains("these settings cost 6"));
  CHECK(table_row(menu, "3").at(2) == "0");
  tmux.type("2 0.8");  // inducements
  CHECK_THAT(tmux.expect(move_prompt), Contains("these settings cost 8"));
  tmux.type("done");

  tmux.expect("Pass the keyboard to Russia (RUS) and press Enter.");
  tmux.type("");
  tmux.expect(move_prompt);
  tmux.type("2 0.6");  // inducements
  CHECK_THAT(tmux.expect(move_prompt), Contains("these settings cost 6"));
  tmux.type("done");

  tmux.expect("Pass the keyboard to United States (USA) and press Enter.");
  tmux.type("");
  tmux.expect(move_prompt);
  tmux.type("20 1");  // framing, public
  tmux.expect(move_prompt);
  tmux.type("1 0.8");  // pme, not seen by others
  CHECK_THAT(tmux.expect(move_prompt), Contains("these settings cost 10"));
  tmux.type("done");

  // The facilitator plays a card of the deck, then adjudicates.
  tmux.expect("Turn 1: every team has moved.");
  tmux.expect(facilitator_prompt);
  tmux.type("inject border_crisis");
  tmux.expect("inject: Crisis near the border");
  tmux.expect(facilitator_prompt);
  tmux.type("");
  const std::string results = tmux.expect("Press Enter for the next turn.");
  const std::string projector = tmux.screen();
  for (const std::string& shown : {results, projector}) {
    CHECK_THAT(shown, Contains("Turn 1 (2025-01 to 2025-03)\n"));
    CHECK_THAT(shown, Contains("  inject: Crisis near the border"));
    CHECK_THAT(shown, Contains("  MNG outreach 0.6 → 0.3\n"));
    CHECK_THAT(shown, Contains("  CHN inducements 0.5 → 0.8\n"));
    CHECK_THAT(shown, Contains("  RUS inducements 0.3 → 0.6\n"));
    CHECK_THAT(shown, Contains("  USA framing 0.2 → 1\n"));
    CHECK_THAT(shown, Contains("  CHN made 1 move no one else saw\n"));
    CHECK_THAT(shown, Contains("  USA made 1 move no one else saw\n"));
    CHECK(shown.find("hawkishness") == std::string::npos);  // secret: not by name
    CHECK(shown.find("pme") == std::string::npos);
    CHECK_THAT(shown, Contains("what everyone sees now (median of 200 runs, 90% range, change this turn):"));
    // The block chart, one character per month from the start: the crisis raised the tension.
    const std::vector<std::string> tension = table_row(shown, "system");
    REQUIRE(tension.size() == 6);
    CHECK(tension[1] == "tension");
    const std::vector<std::string> chart = blocks_of(tension[5]);
    REQUIRE(chart.size() == 4);
    CHECK(chart.front() == "▁");
    CHECK(chart.back() != "▁");
  }
  // The screen and the scrollback were cleared for the results: the last team's menu is not on the
  // projector, nor a scroll away.
  CHECK(projector.find("seen by others") == std::string::npos);
  CHECK(projector.find("budget this turn") == std::string::npos);
  CHECK(tmux.output().find("budget this turn") == std::string::npos);

  // Everything is saved while play waits for Enter.
  const RunResult status = run_steppe({"wargame", "status", game.string()});
  REQUIRE(status.exit_code == 0);
  CHECK_THAT(status.out, Contains("turn 2 of 8 (2025-04 to 2025-06), 1 played"));
  for (const std::string team : {"MNG", "CHN", "RUS", "USA"}) CHECK(team_status(game, team) == "waiting");
  nlohmann::json saved = read_json(game / "game.json");
  REQUIRE(saved["turns"].size() == 2);
  CHECK(saved["turns"][0]["adjudicated"] == true);
  CHECK(saved["turns"][0]["moves"] == nlohmann::json::parse(R"({"MNG": {"outreach": 0.3},
                                                                  "CHN": {"hawkishness": 0.8, "inducements": 0.8},
                                                                  "RUS": {"inducements": 0.6},
                                                                  "USA": {"framing": 1, "pme": 0.8}})"));
  REQUIRE(saved["turns"][0]["injects"].size() == 1);
  CHECK(saved["turns"][0]["injects"][0]["title"] == "Crisis near the border");
  std::vector<std::string> actions;
  for (const auto& entry : saved["history"]) actions.push_back(entry["action"]);
  CHECK(actions == std::vector<std::string>{"new", "submit", "submit", "submit", "submit", "inject", "advance"});

  // Ctrl-D at "Press Enter" ends play at once, normally.
  tmux.press("C-d");
  tmux.expect("EXITED 0");

  // Play again: it resumes at turn 2 with the first team. Mongolia moves and is done; Ctrl-D
  // at China's turn stops play, and Mongolia's moves are kept.
  tmux.start("second", play, root_folder());
  const std::string resumed =
      tmux.expect("Turn 2 of 8 (2025-04 to 2025-06). Pass the keyboard to Mongolia (MNG) and press Enter.");
  CHECK(resumed.find("Turn 1") == std::string::npos);
  tmux.type("");
  CHECK_THAT(tmux.expect(move_prompt), Contains("budget this turn 14; these settings cost 8"));  // 2 carried over
  tmux.type("1 0.9");
  CHECK_THAT(tmux.expect(move_prompt), Contains("these settings cost 12"));
  tmux.type("done");
  tmux.expect("Pass the keyboard to China (CHN) and press Enter.");
  tmux.press("C-d");
  tmux.expect("EXITED 0");
  CHECK(team_status(game, "MNG") == "submitted");
  for (const std::string team : {"CHN", "RUS", "USA"}) CHECK(team_status(game, team) == "waiting");
  saved = read_json(game / "game.json");
  REQUIRE(saved["turns"].size() == 2);
  CHECK(saved["turns"][1]["adjudicated"] == false);
  CHECK(saved["turns"][1]["moves"] == nlohmann::json::parse(R"({"MNG": {"outreach": 0.9}})"));

  // And again: Mongolia has moved, so play starts with China; Ctrl-D there submits nothing.
  tmux.start("third", play, root_folder());
  const std::string first_prompt = tmux.expect("and press Enter.");
  CHECK_THAT(first_prompt, Contains("Turn 2 of 8 (2025-04 to 2025-06). Pass the keyboard to China (CHN)"));
  CHECK(first_prompt.find("Mongolia") == std::string::npos);
  tmux.press("C-d");
  tmux.expect("EXITED 0");
  CHECK(read_json(game / "game.json")["turns"][1]["moves"] == nlohmann::json::parse(R"({"MNG": {"outreach": 0.9}})"));
}

namespace {

// Runs headless Chromium on a file; returns its stdout (stderr, full of harmless warnings about
// D-Bus and the like, goes to a file). Root needs --no-sandbox.
ShellResult chromium(const fs::path& folder, const std::string& arguments, const fs::path& page) {
  return shell("cd " + shell_quote(folder.string()) +
               " && timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
               "--user-data-dir=" +
               shell_quote((folder / "chromium-profile").string()) + " " + arguments + " " +
               shell_quote("file://" + page.string()) + " 2>>" +
               shell_quote((folder / "chromium-stderr.txt").string()));
}

}  // namespace

TEST_CASE(
    "wargame report renders in headless Chromium: a drawn chart per indicator and for spending, every section, "
    "nothing loaded from the network",
    "[cli][browser]") {
  require_program("chromium");
  const fs::path folder = scratch("wargame-terminal-report");
  const fs::path game = folder / "game";
  const auto wargame = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "wargame");
    const RunResult result = run_steppe(args, root_folder());
    INFO("steppe " << args[1] << ": " << result.out << result.err);
    REQUIRE(result.exit_code == 0);
    return result;
  };
  wargame({"new", "examples/classroom/game.yaml", "--dir", game.string()});
  write_text_file(folder / "mongolia.yaml", "team: MNG\nturn: 1\nmoves:\n  outreach: 0.3\n");
  write_text_file(folder / "no-change.yaml", "moves:\n");
  // Turn 1: a move and an inject; turn 2: no moves; turn 3: adjudicated before anyone moved.
  wargame({"inject", game.string(), "border_crisis"});
  wargame({"submit", game.string(), "--team", "MNG", (folder / "mongolia.yaml").string()});
  for (const std::string team : {"CHN", "RUS", "USA"})
    wargame({"submit", game.string(), "--team", team, (folder / "no-change.yaml").string()});
  wargame({"advance", game.string()});
  for (const std::string team : {"MNG", "CHN", "RUS", "USA"})
    wargame({"submit", game.string(), "--team", team, (folder / "no-change.yaml").string()});
  wargame({"advance", game.string()});
  wargame({"advance", game.string(), "--force"});
  CHECK(wargame({"report", game.string(), "--facilitator"}).out ==
        "wrote " + (game / "report").string() + "/ : report.html, report.md\n");
  const fs::path page = game / "report" / "report.html";
  const std::string html = read_text_file(page);

  // Self-contained: nothing to fetch, so it reads the same with no network.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  const std::regex remote(R"((src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//)", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, remote));

  // The page as the browser built it.
  const ShellResult dumped = chromium(folder, "--dump-dom", page);
  INFO("chromium's stderr:\n" << read_text_file(folder / "chromium-stderr.txt"));
  REQUIRE(dumped.exit_code == 0);
  const std::string& dom = dumped.out;
  REQUIRE_THAT(dom, Contains("</html>"));
  const std::size_t charts = count_of(dom, "<figure id=\"chart-");
  CHECK(charts >= 5);
  CHECK(count_of(dom, "<svg") == charts);
  CHECK(charts == count_of(html, "<figure id=\"chart-"));
  CHECK_THAT(dom, Contains("<figure id=\"chart-spending\">"));
  CHECK_THAT(dom, Contains("<figure id=\"chart-tension\">"));
  // Every chart has its marks: lines for the indicators, two bars a team (spent, budget) for spending.
  for (auto at = dom.find("<figure id=\"chart-"); at != std::string::npos;
       at = dom.find("<figure id=\"chart-", at + 1)) {
    const std::string figure = dom.substr(at, dom.find("</figure>", at) - at);
    INFO(figure.substr(0, figure.find('>') + 1));
    CHECK(count_of(figure, "<svg") == 1);
    if (figure.rfind("<figure id=\"chart-spending\"", 0) == 0) {
      CHECK(count_of(figure, "<rect") >= 1 + 4 * 2);
      for (const std::string team : {">Mongolia<", ">China<", ">Russia<", ">United States<"})
        CHECK_THAT(figure, Contains(team));
    } else {
      CHECK((figure.find("<path") != std::string::npos || figure.find("<polyline") != std::string::npos));
    }
  }
  for (const std::string heading : {"Timeline", "Indicators", "Spending", "Counterfactual"})
    CHECK(std::regex_search(dom, std::regex("<h2[^>]*>\\s*" + heading)));
  CHECK_THAT(dom, Contains("outreach 0.6 → 0.3"));
  CHECK_THAT(dom, Contains("Crisis near the border"));

  // A screenshot of the page: a PNG of the window's size, with something drawn on it.
  const fs::path picture = folder / "report.png";
  const ShellResult shot =
      chromium(folder, "--screenshot=" + shell_quote(picture.string()) + " --window-size=1200,3000", page);
  REQUIRE(shot.exit_code == 0);
  REQUIRE(fs::is_regular_file(picture));
  const std::string png = read_text_file(picture);
  CHECK(png.size() > 50000);
  REQUIRE(png.size() > 24);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  const auto big_endian = [&](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t byte = at; byte < at + 4; ++byte) value = value << 8 | static_cast<unsigned char>(png[byte]);
    return value;
  };
  CHECK(big_endian(16) == 1200);
  CHECK(big_endian(20) == 3000);
}
