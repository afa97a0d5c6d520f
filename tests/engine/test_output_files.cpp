// Writing results without leaving anything half-written (engine/io/output_files.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/io/output_files.hpp"
#include "engine/io/streamed_text.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("OutputFolder creates a missing folder, nested", "[output]") {
  const fs::path root = fresh_folder("output-create");
  const fs::path folder = root / "a" / "b" / "c";
  REQUIRE_FALSE(fs::exists(folder));
  OutputFolder output(folder);
  CHECK(fs::is_directory(folder));
  CHECK(output.path() == folder);
  CHECK(names_in(folder).empty());
  fs::remove_all(root);
}

TEST_CASE("OutputFolder accepts an existing folder and keeps what is in it", "[output]") {
  const fs::path folder = fresh_folder("output-existing");
  std::ofstream(folder / "keep.txt") << "old";
  {
    OutputFolder output(folder);
    output.add("new.txt", "new");
    output.commit();
  }
  CHECK(names_in(folder) == std::vector<std::string>{"keep.txt", "new.txt"});
  CHECK(read_all(folder / "keep.txt") == "old");
  fs::remove_all(folder);
}

TEST_CASE("OutputFolder add writes temporaries only and commit renames them into place", "[output]") {
  const fs::path folder = fresh_folder("output-commit");
  OutputFolder output(folder);
  output.add("summary.csv", "a,b\n1,2\n");
  output.add("run.json", "{\"x\": 1}");
  output.add("empty.txt", "");

  // Before commit: no file under its final name.
  CHECK_FALSE(fs::exists(folder / "summary.csv"));
  CHECK_FALSE(fs::exists(folder / "run.json"));
  CHECK_FALSE(fs::exists(folder / "empty.txt"));

  const std::vector<fs::path> written = output.commit();
  CHECK(written == std::vector<fs::path>{folder / "summary.csv", folder / "run.json", folder / "empty.txt"});
  // Exactly the final files, no temporaries left over.
  CHECK(names_in(folder) == std::vector<std::string>{"empty.txt", "run.json", "summary.csv"});
  CHECK(read_all(folder / "summary.csv") == "a,b\n1,2\n");
  CHECK(read_all(folder / "run.json") == "{\"x\": 1}");
  CHECK(read_all(folder / "empty.txt").empty());
  fs::remove_all(folder);
}

TEST_CASE("OutputFolder commit replaces files of an earlier run", "[output]") {
  const fs::path folder = fresh_folder("output-replace");
  std::ofstream(folder / "summary.csv") << "stale content that is longer than the new one";
  {
    OutputFolder output(folder);
    output.add("summary.csv", "fresh");
    CHECK(read_all(folder / "summary.csv") == "stale content that is longer than the new one");
    output.commit();
  }
  CHECK(read_all(folder / "summary.csv") == "fresh");
  CHECK(names_in(folder) == std::vector<std::string>{"summary.csv"});
  fs::remove_all(folder);
}

TEST_CASE("OutputFolder destroyed without commit leaves no files at all", "[output]") {
  const fs::path folder = fresh_folder("output-abandon");
  {
    OutputFolder output(folder);
    output.add("summary.csv", "a,b\n");
    output.add("chart.svg", "<svg/>");
    CHECK_FALSE(names_in(folder).empty());  // the temporaries exist while the command works
  }
  CHECK(names_in(folder).empty());
  fs::remove_all(folder);
}

TEST_CASE("OutputFolder destroyed by an exception before commit leaves no files", "[output]") {
  const fs::path folder = fresh_folder("output-throw");
  try {
    OutputFolder output(folder);
    output.add("summary.csv", "a,b\n");
    throw std::runtime_error("the run failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(names_in(folder).empty());
  fs::remove_all(folder);
}

TEST_CASE("OutputFolder under a regular file is an InputError naming the folder", "[output]") {
  const fs::path root = fresh_folder("output-under-file");
  const fs::path file = root / "not_a_folder";
  std::ofstream(file) << "x";
  const fs::path folder = file / "results";
  try {
    OutputFolder output(folder);
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    CHECK(error.mark().file == folder.string());
    CHECK(error.key_path() == "--out");
    CHECK(std::string(error.what()).find(folder.string()) != std::string::npos);
  }
  // A path that is itself a regular file is no folder either.
  CHECK_THROWS_AS(OutputFolder(file), InputError);
  CHECK(read_all(file) == "x");
  fs::remove_all(root);
}

TEST_CASE("OutputFolder: adding the same name twice commits the last content", "[output]") {
  // Both adds write the same temporary; it is renamed once, with the last content.
  const fs::path folder = fresh_folder("output-twice");
  {
    OutputFolder output(folder);
    output.add("summary.csv", "first");
    output.add("summary.csv", "second");
    CHECK_NOTHROW(output.commit());
  }
  CHECK(read_all(folder / "summary.csv") == "second");
  CHECK(names_in(folder) == std::vector<std::string>{"summary.csv"});
  fs::remove_all(folder);
}

TEST_CASE("a check before commit that throws leaves an output folder and a durable file as they were", "[output]") {
  struct Stopped {};
  const fs::path folder = fresh_folder("output-before-commit");
  write_durably(folder / "game.json", "old\n");
  set_before_commit([] { throw Stopped{}; });
  {
    OutputFolder out(folder);
    out.add("a.csv", "new\n");
    CHECK_THROWS_AS(out.commit(), Stopped);
  }
  CHECK_THROWS_AS(write_durably(folder / "game.json", "new\n"), Stopped);
  set_before_commit(nullptr);
  CHECK(names_in(folder) == std::vector<std::string>{"game.json"});
  CHECK(read_all(folder / "game.json") == "old\n");

  write_durably(folder / "game.json", "new\n");  // with no check, as before
  CHECK(read_all(folder / "game.json") == "new\n");
}

TEST_CASE("write_rows_in_order writes every row once, in order, for any number of chunks", "[output]") {
  // Rows of different lengths, so that a chunk out of place or a row twice changes the text.
  const auto row_text = [](std::int64_t row) { return std::to_string(row) + std::string(row % 7, 'x') + "\n"; };
  for (const std::int64_t rows_per_chunk : {1, 64, 2048})
    for (const std::int64_t rows : {0, 1, 63, 64, 65, 2047, 2048, 2049, 20'000}) {
      std::string expected;
      for (std::int64_t row = 0; row < rows; ++row) expected += row_text(row);
      std::ostringstream out;
      write_rows_in_order(out, rows, rows_per_chunk,
                          [&](fmt::memory_buffer& text, std::int64_t first, std::int64_t last) {
                            CHECK(last - first <= rows_per_chunk);
                            for (std::int64_t row = first; row < last; ++row) {
                              const std::string line = row_text(row);
                              text.append(line.data(), line.data() + line.size());
                            }
                          });
      CHECK(out.str() == expected);
    }
}
