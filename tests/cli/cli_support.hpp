// Helpers of the command-line tests: run the real `steppe` binary (STEPPE_BINARY) in a folder,
// capture its stdout, stderr and exit status, and read back the files it writes.
#pragma once

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace steppe::cli_testing {

namespace fs = std::filesystem;
using steppe::testing::fresh_folder;
using steppe::testing::source_path;

// Starts `command` (its first word a program's path) in `cwd` without waiting for it: stdin from
// /dev/null, stdout and stderr to the files named (made or emptied), and `environment` (NAME,
// VALUE pairs) set besides the test's. Returns its process id, for kill() and waitpid().
inline pid_t start_process(std::vector<std::string> command, const fs::path& cwd, const fs::path& stdout_file,
                           const fs::path& stderr_file,
                           const std::vector<std::pair<std::string, std::string>>& environment = {}) {
  std::vector<char*> pointers;
  for (std::string& word : command) pointers.push_back(word.data());
  pointers.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {  // file descriptors only: stdio would write out the test's buffered output again
    const int in = ::open("/dev/null", O_RDONLY), out = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644),
              err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(cwd.c_str()) != 0)
      ::_exit(127);
    for (const auto& [name, value] : environment)
      if (::setenv(name.c_str(), value.c_str(), 1) != 0) ::_exit(127);
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
  return pid;
}

struct RunResult {
  int exit_code = -1;  // the exit status; 128 + signal when the binary was killed by a signal
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string read_text_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text_file(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// The folder the command-line tests run in: tests/cli, so that fixtures are named "bad/NAME.yaml"
// and the shipped scenarios "../../scenarios/NAME.yaml".
inline fs::path cli_folder() { return source_path("tests/cli"); }

// A fresh empty folder for one test's outputs (unique to this process and `name`).
inline fs::path scratch(const std::string& name) { return fresh_folder("cli-" + name); }

// Removes this process's scratch folders when the test binary exits (keeps them when the
// environment has STEPPE_KEEP_TEST_FILES, to look at what a failing test left).
struct ScratchCleanup {
  ScratchCleanup() = default;
  ScratchCleanup(const ScratchCleanup&) = delete;
  ScratchCleanup& operator=(const ScratchCleanup&) = delete;
  ~ScratchCleanup() {
    if (std::getenv("STEPPE_KEEP_TEST_FILES")) return;
    const std::string prefix = "steppe-test-" + std::to_string(::getpid()) + "-cli-";
    std::error_code error;
    std::vector<fs::path> folders;
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(error), error))
      if (entry.path().filename().string().rfind(prefix, 0) == 0) folders.push_back(entry.path());
    for (const fs::path& folder : folders) fs::remove_all(folder, error);
  }
};
inline ScratchCleanup scratch_cleanup;

// Runs `steppe ARGS...` in `cwd` with stdin from /dev/null; stdout and stderr go to files in a
// scratch folder and come back whole. `shell_prefix` runs first in the same shell (e.g. a ulimit).
// `shell_prefix` runs before everything (e.g. "export X=1; "); `launcher` goes right before the
// binary (e.g. "mpirun -n 2 ").
inline RunResult run_steppe(const std::vector<std::string>& args, const fs::path& cwd = cli_folder(),
                            const std::string& shell_prefix = "", const std::string& launcher = "") {
  static int calls = 0;
  const fs::path capture = scratch("capture-" + std::to_string(++calls));
  std::string command = shell_prefix;
  command += "cd ";
  command += shell_quote(cwd.string());
  command += " && ";
  command += launcher;
  command += shell_quote(STEPPE_BINARY);
  for (const std::string& arg : args) {
    command += ' ';
    command += shell_quote(arg);
  }
  command += " </dev/null >";
  command += shell_quote((capture / "stdout").string());
  command += " 2>";
  command += shell_quote((capture / "stderr").string());
  const int status = std::system(command.c_str());
  RunResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (status != -1 && WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  result.out = read_text_file(capture / "stdout");
  result.err = read_text_file(capture / "stderr");
  fs::remove_all(capture);
  return result;
}

// The names in a folder (files and folders, hidden ones included), sorted.
inline std::vector<std::string> folder_entries(const fs::path& folder) {
  std::vector<std::string> names;
  if (!fs::is_directory(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(line);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!line.empty() && line.back() == separator) parts.emplace_back();
  return parts;
}

// One row of trajectories.csv.
struct CsvRow {
  std::string date;
  std::string member;
  std::string actor;
  std::string variable;
  std::string value_text;
  double value = 0;
  std::string kind;  // state, lever or derived in an explained run's file (`--explain`); else empty
};

struct Csv {
  std::string header;
  std::vector<CsvRow> rows;
  bool well_formed = true;  // every row has five fields (six with `kind`) and a value that parses completely

  // The values of ACTOR.variable in date order.
  std::vector<double> series(const std::string& actor, const std::string& variable) const {
    std::vector<double> values;
    for (const CsvRow& row : rows)
      if (row.actor == actor && row.variable == variable) values.push_back(row.value);
    return values;
  }
  std::vector<std::string> dates() const {
    std::vector<std::string> dates;
    for (const CsvRow& row : rows)
      if (dates.empty() || dates.back() != row.date) dates.push_back(row.date);
    return dates;
  }
};

inline Csv csv_of_text(const std::string& text) {
  Csv csv;
  const std::vector<std::string> lines = lines_of(text);
  if (lines.empty()) return csv;
  csv.header = lines.front();
  const std::size_t columns = split(csv.header, ',').size();
  for (std::size_t index = 1; index < lines.size(); ++index) {
    const std::vector<std::string> fields = split(lines[index], ',');
    if (fields.size() != columns || columns < 5) {
      csv.well_formed = false;
      continue;
    }
    CsvRow row{fields[0], fields[1], fields[2], fields[3], fields[4], 0, columns > 5 ? fields[5] : ""};
    char* end = nullptr;
    row.value = std::strtod(row.value_text.c_str(), &end);
    if (row.value_text.empty() || end != row.value_text.c_str() + row.value_text.size()) csv.well_formed = false;
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

inline Csv read_csv(const fs::path& file) { return csv_of_text(read_text_file(file)); }

// One side of a comparison's CSV (led by a scenario column): the header and that side's rows,
// without the scenario column, as the side's own run writes them.
inline std::string side_of(const fs::path& file, const std::string& label) {
  std::string text;
  const std::vector<std::string> lines = lines_of(read_text_file(file));
  for (std::size_t index = 0; index < lines.size(); ++index)
    if (index == 0 && lines[0].starts_with("scenario,"))
      text += lines[0].substr(std::string("scenario,").size()) + "\n";
    else if (lines[index].starts_with(label + ","))
      text += lines[index].substr(label.size() + 1) + "\n";
  return text;
}

// The shipped scenarios are run from the source root, so they are named as a user would.
// A hint steppe printed ("steppe sweep ... --resume", maybe after a cd) with `steppe` made the
// binary under test, to run as a user would paste it.
inline std::string runnable(const std::string& hint) {
  return std::regex_replace(hint, std::regex("(^|&& )steppe sweep "), "$1" + shell_quote(STEPPE_BINARY) + " sweep ");
}

inline fs::path root_folder() { return source_path("."); }

inline nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_text_file(file)); }

// The cells of the table row that starts with `first` (cells are separated by 2+ spaces).
inline std::vector<std::string> table_row(const std::string& text, const std::string& first) {
  const std::regex separator(" {2,}");
  for (const std::string& line : lines_of(text)) {
    std::vector<std::string> cells;
    for (std::sregex_token_iterator it(line.begin(), line.end(), separator, -1), end; it != end; ++it)
      if (!it->str().empty()) cells.push_back(*it);
    if (!cells.empty() && cells.front() == first) return cells;
  }
  return {};
}

// Starts `steppe ARGS...` in the background from `cwd` (the source root by default), sends it
// `signal` (INT by default) after `delay` seconds, and waits for it. Reports whether the process was still running when
// signalled.
struct Interrupted {
  int exit_code = -1;
  bool signalled_while_running = false;
  std::string out, err;
  double seconds = 0;  // from start to exit
};

inline Interrupted interrupt_after(const std::vector<std::string>& args, const std::string& delay,
                                   const std::string& name, const std::string& signal = "INT",
                                   const fs::path& cwd = root_folder()) {
  const fs::path work = scratch("interrupt-" + name);
  std::string command = shell_quote(STEPPE_BINARY);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  const auto quoted = [&](const char* file) { return shell_quote((work / file).string()); };
  const std::string script = fmt::format(
      "cd {} || exit 99\n"
      "{} </dev/null >{} 2>{} &\n"
      "pid=$!\n"
      "sleep {}\n"
      "kill -{} $pid; echo $? >{}\n"
      "wait $pid; echo $? >{}\n",
      shell_quote(cwd.string()), command, quoted("stdout"), quoted("stderr"), delay, signal, quoted("kill"),
      quoted("status"));
  write_text_file(work / "script.sh", script);
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(fmt::format("sh {}", quoted("script.sh")).c_str());
  Interrupted result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(status == 0);
  result.signalled_while_running = read_text_file(work / "kill") == "0\n";
  result.exit_code = std::stoi(read_text_file(work / "status"));
  result.out = read_text_file(work / "stdout");
  result.err = read_text_file(work / "stderr");
  return result;
}

}  // namespace steppe::cli_testing
