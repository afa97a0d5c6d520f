// The fuzz targets' scratch folder and input file (tests/fuzz/fuzz_support.hpp).
#include "tests/fuzz/fuzz_support.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace steppe::fuzz {

namespace fs = std::filesystem;

fs::path source_dir() { return STEPPE_SOURCE_DIR; }

namespace {

// TMPDIR/steppe-fuzz-PID/a/b/c: the folder inputs are written to.
fs::path make_scratch() {
  const fs::path root = fs::temp_directory_path() / ("steppe-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path inputs = root / "a" / "b" / "c";
  fs::create_directories(inputs);
  for (const fs::path& level : {root, root / "a", root / "a" / "b"})
    for (const char* folder : {"scenarios", "examples", "models"})
      fs::create_directory_symlink(source_dir() / folder, level / folder);
  for (const char* folder : {"scenarios", "examples/sweeps", "examples/classroom"})
    for (const fs::directory_entry& entry : fs::directory_iterator(source_dir() / folder))
      if (entry.path().extension() == ".yaml" && !fs::exists(inputs / entry.path().filename()))
        fs::create_symlink(entry.path(), inputs / entry.path().filename());
  // Links are removed, never followed (std::filesystem::remove_all).
  static const fs::path removed_at_exit = root;
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(removed_at_exit, ignored);
  });
  return inputs;
}

}  // namespace

fs::path write_input(const std::uint8_t* data, std::size_t size, const std::string& name) {
  static const fs::path inputs = make_scratch();
  const fs::path file = inputs / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) throw std::runtime_error("steppe fuzz: cannot write " + file.string());
  return file;
}

}  // namespace steppe::fuzz
