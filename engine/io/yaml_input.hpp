// Reading YAML input with positions: every value of a scenario or sweep file is read through
// these, so that any mistake is reported as file:line:column, the key path ("levers.USA.air_link")
// and a plain message (an InputError). Shared by the scenario and sweep loaders.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/distribution.hpp"
#include "engine/errors.hpp"

namespace steppe {

// A YAML node with its file and position (for the error mark) and its key path from the root
// ("levers.USA.air_link"), so that any value can be rejected with a precise message.
struct Located {
  YAML::Node node;
  std::string file;
  YAML::Mark mark;
  std::string path;
  std::shared_ptr<const std::string> text;  // the file's bytes, to count columns in characters
};

// The one YAML document of a file's bytes, as the root of its key paths; a syntax error or a
// second document is an InputError at its position. `what` names the file's kind in messages
// ("a scenario file").
Located parse_yaml_document(const std::string& file, std::shared_ptr<const std::string> bytes, const std::string& what);
// Reads and parses a file, or throws an InputError naming it ("cannot read game definition: ...").
Located load_yaml_file(const std::string& file, const std::string& what);

// Input files are read whole into memory: the cap keeps a mistaken path (a disk image, a log)
// from filling it (docs/scenario-format.md, Limits).
constexpr std::uintmax_t max_input_file_bytes = std::uintmax_t{16} << 20;
// The bytes of an input file (a scenario, a file it extends, a sweep file, a game definition, a
// moves file, a CSV to discover in): every one is read here. It must be a regular file (not a
// folder, a device such as /dev/zero, or a named pipe) of at most `max_bytes`, and UTF-8;
// otherwise an InputError naming it, at `named_at` when another file names this one (an
// `extends:` value), else at the file itself. `what` names the file's kind in messages
// ("scenario file").
std::string read_input_file(const std::filesystem::path& file, const std::string& what,
                            const Located* named_at = nullptr, std::uintmax_t max_bytes = max_input_file_bytes);

// A node inside `within`'s file.
Located locate(const YAML::Node& node, const Located& within, const std::string& path);
// A value typed on the command line (`--set`, `--months`): no position, `source` names the flag.
Located command_line(const std::string& source, const std::string& path, const std::string& text);
// file:line:column of a yaml-cpp position (0-based line and byte column), the column counted in
// characters of `text` (the file's bytes, when known).
SourceMark mark_in(const std::string& file, const std::string* text, int line, int byte_column);
SourceMark source_mark(const Located& at);
[[noreturn]] void fail(const Located& at, const std::string& message);
std::string join_path(const std::string& parent, const std::string& key);
// How a value of the wrong kind reads in an error: "a map", "a list", "nothing", "'abc'".
std::string describe(const YAML::Node& node);

// One `key: value` of a map; both halves carry the entry's key path.
struct Entry {
  std::string name;
  Located key;
  Located value;
};

// The entries of a map in written order; a repeated key is an error.
std::vector<Entry> entries(const Located& map);
// Appends the items of a list to `merged`, numbering them on from the items already there.
void append_items(std::vector<Located>& merged, const Located& list);

// A map with a fixed set of keys (the root, an event, a ramp...): any other key is an error.
class Fields {
 public:
  Fields(const Located& map, const std::vector<std::string>& known);
  const std::vector<Entry>& all() const { return entries_; }
  std::optional<Located> get(const std::string& name) const;
  Located require(const std::string& name) const;

 private:
  Located map_;
  std::vector<Entry> entries_;
};

constexpr double unbounded = std::numeric_limits<double>::max();

std::string read_text(const Located& at);
// One finite number within [min, max].
double read_number(const Located& at, double min, double max);
// A count such as `months` or `seed`: a whole number within [min, max].
std::uint64_t read_whole_number(const Located& at, std::uint64_t min, std::uint64_t max);
bool read_bool(const Located& at);
YearMonth read_date(const Located& at);
// Exactly `count` numbers written as a list.
std::vector<double> read_numbers(const Located& list, std::size_t count);
std::vector<double> read_number_list(const Located& list);
// `{uniform: [a, b]}`, `{normal: {mean, sd}}`, `{triangular: [low, mode, high]}`,
// `{beta: {alpha, beta, range}}` or `{discrete: {values, weights}}`, within [lower, upper].
Distribution read_distribution(const Located& at, double lower, double upper);

}  // namespace steppe
