// Input that is too deep, too large or not a file at all (issue 17): a long `extends:` chain, a
// device, a folder, a named pipe, a file past the size cap. Each exits 2 with one message naming
// the file, quickly, and writes nothing.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "cli/cli_support.hpp"

namespace {

using namespace steppe::cli_testing;

// Files chain0.yaml ... chain{hops-1}.yaml in `folder`, each extending the next, the last
// extending the shipped baseline: `hops` levels of `extends:`.
fs::path write_chain(const fs::path& folder, int hops) {
  for (int index = 0; index < hops; ++index) {
    const std::string base =
        index + 1 < hops ? fmt::format("chain{}.yaml", index + 1) : source_path("scenarios/baseline.yaml").string();
    write_text_file(folder / fmt::format("chain{}.yaml", index), fmt::format("extends: {}\n", base));
  }
  return folder / "chain0.yaml";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// ----- extends: depth ------------------------------------------------------------------------------

TEST_CASE("a scenario may extend 64 levels deep", "[cli][bad][extends][limits]") {
  const fs::path folder = scratch("chain-64");
  const RunResult result = run_steppe({"validate", write_chain(folder, 64).string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a 65th level of extends exits 2 at that extends key with the chain", "[cli][bad][extends][limits]") {
  const fs::path folder = scratch("chain-65");
  write_chain(folder, 65);
  const RunResult deep = run_steppe({"validate", "chain0.yaml"}, folder);
  INFO(deep.err);
  CHECK(deep.exit_code == 2);
  CHECK(lines_of(deep.err).size() == 1);
  CHECK_THAT(deep.err, Catch::StartsWith("chain64.yaml:1:10: error: extends: more than 64 levels deep (chain0.yaml -> "
                                         "chain1.yaml -> chain2.yaml -> … -> chain63.yaml -> chain64.yaml -> "));
  CHECK_THAT(deep.err, Catch::EndsWith("scenarios/baseline.yaml)\n"));
}

TEST_CASE("a chain of 2,000 extends exits 2 quickly, without a crash", "[cli][bad][extends][limits]") {
  const fs::path folder = scratch("chain-2000");
  write_chain(folder, 2000);
  const auto start = std::chrono::steady_clock::now();
  const fs::path out = folder / "out";
  const RunResult result = run_steppe({"run", "chain0.yaml", "--out", out.string()}, folder);
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("more than 64 levels deep"));
  CHECK(seconds_since(start) < 5);
  CHECK_FALSE(fs::exists(out));
}

// ----- Only regular files, of at most 16 MB -------------------------------------------------------------

TEST_CASE("a device, a folder or a named pipe as the scenario exits 2: not a regular file",
          "[cli][bad][files][limits]") {
  const fs::path folder = scratch("not-regular");
  const fs::path pipe = folder / "pipe.yaml";
  REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
  for (const std::string& file : {std::string("/dev/zero"), folder.string(), pipe.string()}) {
    for (const std::string command : {"validate", "run"}) {
      INFO("steppe " << command << " " << file);
      const RunResult result = command == "validate" ? run_steppe({"validate", file})
                                                     : run_steppe({"run", file, "--out", (folder / "out").string()});
      CHECK(result.exit_code == 2);
      CHECK(lines_of(result.err).size() == 1);
      CHECK_THAT(result.err, Catch::StartsWith(file + ": error: cannot read scenario file: it is "));
      CHECK_THAT(result.err, Catch::Contains("not a regular file"));
    }
  }
  CHECK_FALSE(fs::exists(folder / "out"));
}

TEST_CASE("extends of a device, /proc/self/mem or a named pipe exits 2 at the extends value",
          "[cli][bad][files][extends][limits]") {
  const fs::path folder = scratch("extends-not-regular");
  REQUIRE(::mkfifo((folder / "pipe.yaml").c_str(), 0600) == 0);
  for (const std::string base : {"/dev/zero", "/proc/self/mem", "pipe.yaml", "."}) {
    INFO("extends: " << base);
    write_text_file(folder / "scenario.yaml", "extends: " + base + "\n");
    const RunResult result = run_steppe({"validate", "scenario.yaml"}, folder);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(lines_of(result.err).size() == 1);
    CHECK_THAT(result.err, Catch::StartsWith("scenario.yaml:1:10: error: extends: cannot read scenario file '"));
    // /proc/self/mem calls itself a regular file of 0 bytes; reading it fails.
    if (base != "/proc/self/mem") CHECK_THAT(result.err, Catch::Contains("not a regular file"));
  }
}

TEST_CASE("a scenario file over 16 MB exits 2 with its size and the limit", "[cli][bad][files][limits]") {
  const fs::path folder = scratch("too-large");
  write_text_file(folder / "large.yaml", "# " + std::string(17 << 20, 'x') + "\n");
  const RunResult result = run_steppe({"validate", "large.yaml"}, folder);
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "large.yaml: error: cannot read scenario file: it is 18 MB; scenario files are limited to 16 MB\n");
  write_text_file(folder / "small.yaml", "extends: large.yaml\n");
  CHECK(run_steppe({"validate", "small.yaml"}, folder).err ==
        "small.yaml:1:10: error: extends: cannot read scenario file 'large.yaml': it is 18 MB; scenario files are "
        "limited to 16 MB\n");
}

TEST_CASE("a game definition or moves file that is a device exits 2: not a regular file",
          "[cli][bad][files][wargame][limits]") {
  const fs::path folder = scratch("wargame-not-regular");
  const RunResult create = run_steppe({"wargame", "new", "/dev/zero", "--dir", (folder / "none").string()});
  INFO(create.err);
  CHECK(create.exit_code == 2);
  CHECK_THAT(create.err, Catch::StartsWith("/dev/zero: error: cannot read ") && Catch::Contains("not a regular file"));
  CHECK_FALSE(fs::exists(folder / "none"));

  const fs::path game = folder / "game";
  REQUIRE(run_steppe({"wargame", "new", "../../scenarios/baseline.yaml", "--dir", game.string()}).exit_code == 0);
  const RunResult submit = run_steppe({"wargame", "submit", game.string(), "--team", "USA", "/dev/zero"});
  INFO(submit.err);
  CHECK(submit.exit_code == 2);
  CHECK_THAT(submit.err, Catch::StartsWith(
                             "/dev/zero: error: cannot read moves file: it is a character device, not a regular file"));
}

// ----- Huge unknown names ------------------------------------------------------------------------------

TEST_CASE("a 5 MB unknown model name exits 2 fast with a short message", "[cli][bad][limits]") {
  // "Did you mean" once compared it in a table of 150 bytes per character (751 MB) and echoed it.
  const fs::path folder = scratch("huge-name");
  write_text_file(folder / "huge.yaml", "model: " + std::string(5'000'000, 'm') + "\nstart: 2025-01\nmonths: 12\n");
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_steppe({"validate", "huge.yaml"}, folder);
  CHECK(seconds_since(start) < 5);
  CHECK(result.exit_code == 2);
  CHECK(result.err.size() < 300);
  CHECK_THAT(result.err, Catch::StartsWith("huge.yaml:1:8: error: model: unknown model '" + std::string(60, 'm') +
                                           "… (5000000 characters)'"));
}

TEST_CASE("a --set of a 100,000-character unknown name exits 2 in a moment", "[cli][bad][set][limits]") {
  const fs::path folder = scratch("huge-set");
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_steppe(
      {"run", "../../scenarios/baseline.yaml", "--set", std::string(100'000, 'x') + "=1", "--out", folder.string()});
  CHECK(seconds_since(start) < 3);  // it took 13.5 s; 0.02 s now, more on a loaded machine
  CHECK(result.exit_code == 2);
  CHECK(result.err.size() < 300);
  CHECK_THAT(result.err, Catch::Contains("… (100000 characters)"));
  CHECK(folder_entries(folder).empty());
}

TEST_CASE("text that is not UTF-8 is refused at its line and column before anything runs", "[cli][bad][utf8]") {
  const fs::path folder = scratch("utf8");
  write_text_file(folder / "bad.yaml",
                  "extends: " + source_path("scenarios/baseline.yaml").string() + "\ntitle: \"Caf\xFF\"\n");
  for (const std::string command : {"validate", "run"}) {
    INFO(command);
    std::vector<std::string> args = {command, (folder / "bad.yaml").string()};
    if (command == std::string("run")) args.insert(args.end(), {"--out", (folder / "out").string()});
    const RunResult result = run_steppe(args);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err,
               Catch::Contains((folder / "bad.yaml").string() + ":2:12: error: is not valid UTF-8 (byte 0xFF)"));
    CHECK_FALSE(fs::exists(folder / "out"));
  }
  // In a file that another extends: reported in that file, where the byte is.
  write_text_file(folder / "child.yaml", "extends: bad.yaml\n");
  const RunResult child = run_steppe({"validate", (folder / "child.yaml").string()});
  CHECK(child.exit_code == 2);
  CHECK_THAT(child.err, Catch::Contains("bad.yaml:2:12: error: is not valid UTF-8"));
}

TEST_CASE("a command-line argument that is not UTF-8 exits 2 naming the option", "[cli][bad][utf8]") {
  const fs::path folder = scratch("utf8-argument");
  const RunResult result = run_steppe(
      {"run", source_path("scenarios/baseline.yaml").string(), "--out", (folder / "out\xFF").string(), "-q"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--out argument 4 is not valid UTF-8 (byte 0xFF"));
  CHECK(folder_entries(folder).empty());
}

TEST_CASE("a scenario saved as UTF-16 with a byte-order mark still loads", "[cli][utf8]") {
  const fs::path folder = scratch("utf16");
  const std::string text = "extends: " + source_path("scenarios/baseline.yaml").string() + "\ntitle: Caf\u00e9\n";
  std::string wide = "\xFF\xFE";  // UTF-16LE; the text is ASCII but for é (U+00E9)
  for (const char c : std::string_view(text)) {
    wide += c;
    wide += '\0';
  }
  const auto at = wide.find(std::string("\xC3\0\xA9\0", 4));
  REQUIRE(at != std::string::npos);
  wide.replace(at, 4, std::string("\xE9\0", 2));
  write_text_file(folder / "wide.yaml", wide);
  const RunResult result = run_steppe({"validate", (folder / "wide.yaml").string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a scenario's sweep section is checked by validate and run, not only by sweep", "[cli][bad][sweep]") {
  const fs::path folder = scratch("sweep-section");
  const std::string head = "extends: " + source_path("scenarios/baseline.yaml").string() +
                           "\nuncertainties:\n  USA.trust: {uniform: [0.3, 0.7]}\n";
  write_text_file(folder / "unknown.yaml", head + "sweep: {design: latin_hypercube, samples: 10, bogus_key: 1}\n");
  write_text_file(folder / "design.yaml", head + "sweep: {design: latin_hypercub, samples: 10}\n");
  for (const std::string command : {"validate", "run"}) {
    INFO(command);
    const RunResult unknown = run_steppe({command, (folder / "unknown.yaml").string()}, folder);
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown.yaml:4:") && Catch::Contains("sweep.bogus_key"));
    const RunResult design = run_steppe({command, (folder / "design.yaml").string()}, folder);
    CHECK(design.exit_code == 2);
    CHECK_THAT(design.err, Catch::Contains("did you mean 'latin_hypercube'"));
  }
  CHECK(folder_entries(folder) == std::vector<std::string>{"design.yaml", "unknown.yaml"});  // run wrote nothing
  // A shipped sweep file is a valid scenario.
  CHECK(run_steppe({"validate", source_path("examples/sweeps/ishigami.yaml").string()}).exit_code == 0);
}
