#include "engine/io/yaml_input.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>

#include "engine/distribution.hpp"
#include "engine/scenario.hpp"
#include "engine/text.hpp"

namespace steppe {

namespace {

// Where each document of a YAML text starts, read from the parser's events without building
// nodes (every other event is ignored).
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp (0.7) parses a ',' outside a flow collection at a document's top level (",a: 1",
// "[1],") as an empty document that does not consume it, again and again: YAML::LoadAll would
// collect empty documents until memory runs out. Found by fuzzing (tests/fuzz); the parser is
// run first without building nodes, and a document that starts where the one before it started
// is that ','.
void refuse_stray_comma(const std::string& file, const std::string& bytes) {
  std::istringstream input(bytes);
  YAML::Parser parser(input);
  DocumentStarts starts;
  while (parser.HandleNextDocument(starts)) {
    const std::vector<YAML::Mark>& marks = starts.marks;
    if (marks.size() >= 2 && marks.back().pos == marks[marks.size() - 2].pos)
      throw InputError(mark_in(file, &bytes, marks.back().line, marks.back().column), "",
                       "unexpected ',' outside a [list] or {map}");
  }
}

}  // namespace

Located parse_yaml_document(const std::string& file, std::shared_ptr<const std::string> bytes,
                            const std::string& what) {
  YAML::Node root;
  try {
    refuse_stray_comma(file, *bytes);
    // A second document in the file would be ignored by YAML::Load: refuse it instead.
    const std::vector<YAML::Node> documents = YAML::LoadAll(*bytes);
    if (documents.size() > 1)
      throw InputError(mark_in(file, bytes.get(), documents[1].Mark().line, documents[1].Mark().column), "",
                       fmt::format("{} holds one YAML document; this is a second one", what));
    if (!documents.empty()) root = documents.front();
  } catch (const YAML::ParserException& error) {
    throw InputError(mark_in(file, bytes.get(), error.mark.line, error.mark.column), "", error.msg);
  }
  return Located{root, file, root.Mark(), "", std::move(bytes)};
}

namespace {

// What a path that is not a regular file is, for the message.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

// Why `file` cannot be read as an input file, or "" with its bytes in `bytes`.
std::string read_regular_file(const std::filesystem::path& file, const std::string& what, std::uintmax_t max_bytes,
                              std::string& bytes) {
  const auto too_large = [&](std::uintmax_t size) {
    constexpr std::uintmax_t megabyte = std::uintmax_t{1} << 20;
    return fmt::format("it is {} MB; {}s are limited to {} MB", (size + megabyte - 1) / megabyte, what,
                       max_bytes / megabyte);
  };
  struct stat status {};
  // Checked before opening: opening a named pipe would wait for a writer.
  if (::stat(file.c_str(), &status) != 0) return std::generic_category().message(errno);
  if (!S_ISREG(status.st_mode)) return fmt::format("it is {}, not a regular file", kind_of(status.st_mode));
  if (static_cast<std::uintmax_t>(status.st_size) > max_bytes) return too_large(status.st_size);
  const int descriptor = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (descriptor < 0) return std::generic_category().message(errno);
  std::string reason;
  // Checked again on what was opened, in case the path changed in between.
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) reason = "it is not a regular file";
  // A file whose size stat does not tell (/proc) is read up to one byte past the cap.
  char buffer[1 << 16];
  while (reason.empty()) {
    const ssize_t count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) reason = std::generic_category().message(errno);
    if (count <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(count));
    if (bytes.size() > max_bytes) reason = too_large(bytes.size());
  }
  ::close(descriptor);
  return reason;
}

}  // namespace

std::string read_input_file(const std::filesystem::path& file, const std::string& what, const Located* named_at,
                            std::uintmax_t max_bytes) {
  std::string bytes;
  const std::string reason = read_regular_file(file, what, max_bytes, bytes);
  if (reason.empty()) {
    // Text that is not UTF-8 would pass every check and break the JSON written at the end of a
    // run: refused where it is. (A file with a UTF-16 or UTF-32 byte-order mark is converted by
    // yaml-cpp.)
    const bool wide = bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF") ||
                      bytes.starts_with(std::string_view("\0\0\xFE\xFF", 4));
    if (const auto invalid = first_invalid_utf8(bytes); invalid && !wide) {
      const std::string_view before = std::string_view(bytes).substr(0, *invalid);
      const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
      const std::size_t start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
      throw InputError(mark_in(file.string(), &bytes, line, static_cast<int>(*invalid - start)), "",
                       fmt::format("is not valid UTF-8 (byte 0x{:02X}); save the {} as UTF-8",
                                   static_cast<unsigned char>(bytes[*invalid]), what));
    }
    return bytes;
  }
  // A file named by another is best reported where it is named.
  if (named_at) fail(*named_at, fmt::format("cannot read {} '{}': {}", what, file.string(), reason));
  throw InputError({file.string()}, "", fmt::format("cannot read {}: {}", what, reason));
}

Located load_yaml_file(const std::string& file, const std::string& what) {
  return parse_yaml_document(file, std::make_shared<const std::string>(read_input_file(file, what)), what);
}

Located locate(const YAML::Node& node, const Located& within, const std::string& path) {
  return {node, within.file, node.Mark(), path, within.text};
}

// A value typed on the command line (`--set`, `--months`): no position, `source` names the flag.
Located command_line(const std::string& source, const std::string& path, const std::string& text) {
  return {YAML::Node(text), source, YAML::Mark::null_mark(), path, nullptr};
}

// yaml-cpp counts lines and byte columns from 0; people count characters from 1, and a line may
// hold multi-byte UTF-8 text (an em dash in a note) before the mistake.
SourceMark mark_in(const std::string& file, const std::string* text, int line, int byte_column) {
  int column = byte_column + 1;
  if (text) {
    std::size_t start = 0;
    for (int skipped = 0; skipped < line && start != std::string::npos; ++skipped) {
      start = text->find('\n', start);
      if (start != std::string::npos) ++start;
    }
    if (start != std::string::npos) {
      const auto end = std::min(text->size(), start + static_cast<std::size_t>(byte_column));
      column = 1 + static_cast<int>(utf8_length(std::string_view(*text).substr(start, end - start)));
    }
  }
  return {file, line + 1, column};
}

SourceMark source_mark(const Located& at) {
  if (at.mark.is_null()) return {at.file, 0, 0};
  return mark_in(at.file, at.text.get(), at.mark.line, at.mark.column);
}

[[noreturn]] void fail(const Located& at, const std::string& message) {
  throw InputError(source_mark(at), at.path, message);
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// How a value of the wrong kind reads in an error: "a map", "a list", "nothing", "'abc'".
std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return fmt::format("'{}'", shortened(node.Scalar()));
  return "nothing";
}

// The entries of a map in written order. yaml-cpp keeps both halves of a repeated key, and
// silently taking either would hide a mistake, so a repeated key is an error.
std::vector<Entry> entries(const Located& map) {
  if (!map.node.IsMap()) fail(map, fmt::format("expected a map, got {}", describe(map.node)));
  std::vector<Entry> result;
  std::set<std::string> seen;
  for (const auto& pair : map.node) {
    Located key = locate(pair.first, map, map.path);
    if (!pair.first.IsScalar()) fail(key, fmt::format("expected a name as key, got {}", describe(pair.first)));
    const std::string name = pair.first.Scalar();
    key.path = join_path(map.path, name);
    if (!seen.insert(name).second) fail(key, fmt::format("duplicate key '{}'", shortened(name)));
    Located value = locate(pair.second, map, key.path);
    // An empty value gets the position of whatever follows it; its key is where to look.
    if (pair.second.IsNull()) value.mark = key.mark;
    result.push_back({name, std::move(key), std::move(value)});
  }
  return result;
}

// Appends the items of a list to `merged`, numbering them on from the items already there: lists
// that extended files append to keep one numbering, the one Network::build reports too.
void append_items(std::vector<Located>& merged, const Located& list) {
  if (!list.node.IsSequence()) fail(list, fmt::format("expected a list, got {}", describe(list.node)));
  for (const auto& item : list.node) {
    Located located = locate(item, list, fmt::format("{}[{}]", list.path, merged.size()));
    if (item.IsNull()) located.mark = list.mark;
    merged.push_back(std::move(located));
  }
}

Fields::Fields(const Located& map, const std::vector<std::string>& known) : map_(map), entries_(entries(map)) {
  for (const Entry& entry : entries_)
    if (std::find(known.begin(), known.end(), entry.name) == known.end())
      fail(entry.key, unknown_name_message("key", entry.name, known, "keys"));
}

std::optional<Located> Fields::get(const std::string& name) const {
  for (const Entry& entry : entries_)
    if (entry.name == name) return entry.value;
  return std::nullopt;
}

Located Fields::require(const std::string& name) const {
  if (auto value = get(name)) return *value;
  fail(map_, fmt::format("missing '{}'", name));
}

// ----- Scalars --------------------------------------------------------------------------------

std::string read_text(const Located& at) {
  if (!at.node.IsScalar()) fail(at, fmt::format("expected text, got {}", describe(at.node)));
  return at.node.Scalar();
}

// Every real number of a scenario is read here: one finite number within [min, max].
double read_number(const Located& at, double min, double max) {
  const auto value = at.node.IsScalar() ? parse_number(at.node.Scalar()) : std::nullopt;
  if (!value) fail(at, fmt::format("expected a number, got {}", describe(at.node)));
  if (!std::isfinite(*value)) fail(at, fmt::format("expected a finite number, got {}", describe(at.node)));
  if (*value < min || *value > max) fail(at, fmt::format("value {} is outside [{}, {}]", *value, min, max));
  return *value;
}

// A count such as `months` or `seed`: a whole number within [min, max].
std::uint64_t read_whole_number(const Located& at, std::uint64_t min, std::uint64_t max) {
  std::string_view text = at.node.IsScalar() ? std::string_view(at.node.Scalar()) : "";
  if (text.starts_with('+')) text.remove_prefix(1);
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (!at.node.IsScalar() || error != std::errc() || stop != end)
    fail(at, fmt::format("expected a non-negative whole number, got {}", describe(at.node)));
  if (value < min || value > max) fail(at, fmt::format("value {} is outside [{}, {}]", value, min, max));
  return value;
}

bool read_bool(const Located& at) {
  bool value = false;
  if (!at.node.IsScalar() || !YAML::convert<bool>::decode(at.node, value))
    fail(at, fmt::format("expected true or false, got {}", describe(at.node)));
  return value;
}

YearMonth read_date(const Located& at) {
  const std::string text = read_text(at);
  const auto date = YearMonth::parse(text);
  if (!date) fail(at, fmt::format("invalid date '{}', expected YYYY-MM", shortened(text)));
  return *date;
}

// Two numbers `[a, b]` (or three with `count` 3) of a distribution written as a list.
std::vector<double> read_numbers(const Located& list, std::size_t count) {
  if (!list.node.IsSequence() || list.node.size() != count)
    fail(list, fmt::format("expected a list of {} numbers, got {}", count, describe(list.node)));
  std::vector<double> numbers;
  for (std::size_t index = 0; index < count; ++index)
    numbers.push_back(
        read_number(locate(list.node[index], list, fmt::format("{}[{}]", list.path, index)), -unbounded, unbounded));
  return numbers;
}

std::vector<double> read_number_list(const Located& list) {
  if (!list.node.IsSequence()) fail(list, fmt::format("expected a list of numbers, got {}", describe(list.node)));
  return read_numbers(list, list.node.size());
}

Distribution read_distribution(const Located& written, double lower, double upper) {
  const Fields fields(written, {"uniform", "normal", "triangular", "beta", "discrete"});
  std::vector<std::pair<std::string, Located>> given;
  for (const char* kind : {"uniform", "normal", "triangular", "beta", "discrete"})
    if (auto at = fields.get(kind)) given.emplace_back(kind, *at);
  if (given.size() != 1) fail(written, "expected exactly one of uniform, normal, triangular, beta or discrete");
  const auto& [kind, at] = given.front();
  std::string error;
  std::optional<Distribution> distribution;
  if (kind == "uniform") {
    const auto bounds = read_numbers(at, 2);
    distribution = Distribution::uniform(bounds[0], bounds[1], lower, upper, error);
  } else if (kind == "triangular") {
    const auto points = read_numbers(at, 3);
    distribution = Distribution::triangular(points[0], points[1], points[2], lower, upper, error);
  } else if (kind == "normal") {
    const Fields normal(at, {"mean", "sd"});
    distribution = Distribution::normal(read_number(normal.require("mean"), -unbounded, unbounded),
                                        read_number(normal.require("sd"), -unbounded, unbounded), lower, upper, error);
  } else if (kind == "beta") {
    const Fields beta(at, {"alpha", "beta", "range"});
    const auto range = beta.get("range") ? read_numbers(*beta.get("range"), 2) : std::vector<double>{lower, upper};
    distribution = Distribution::beta(read_number(beta.require("alpha"), -unbounded, unbounded),
                                      read_number(beta.require("beta"), -unbounded, unbounded), range[0], range[1],
                                      lower, upper, error);
  } else {
    const Fields discrete(at, {"values", "weights"});
    const auto weights = discrete.get("weights") ? read_number_list(*discrete.get("weights")) : std::vector<double>{};
    distribution = Distribution::discrete(read_number_list(discrete.require("values")), weights, lower, upper, error);
  }
  if (!distribution) fail(at, error);
  return *distribution;
}

}  // namespace steppe
