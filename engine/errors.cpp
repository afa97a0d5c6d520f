#include "engine/errors.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "engine/text.hpp"

namespace steppe {

std::string SourceMark::to_string() const {
  if (file.empty()) return "<input>";
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

static std::string format_input_error(const SourceMark& mark, const std::string& key_path, const std::string& message) {
  if (key_path.empty()) return fmt::format("{}: error: {}", mark.to_string(), message);
  return fmt::format("{}: error: {}: {}", mark.to_string(), shortened(key_path), message);
}

InputError::InputError(SourceMark mark, std::string key_path, std::string message)
    : std::runtime_error(format_input_error(mark, key_path, message)),
      mark_(std::move(mark)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

std::string shortened(std::string_view text) {
  constexpr std::size_t shown = 60, longest = 80;
  const std::size_t length = utf8_length(text);
  if (length <= longest) return std::string(text);
  return fmt::format("{}… ({} characters)", text.substr(0, utf8_prefix(text, shown)), length);
}

namespace {

// Optimal string alignment distance, case-insensitive: a transposition counts as one edit. Two
// words whose lengths differ by more than `limit` are at least that far apart and are not
// compared; otherwise three rows of the table are kept, so that memory is the candidate's length
// whatever the word's.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);  // rows i - 2, i - 1, i
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  // A plausible typo is at most a third of the word (two edits for a short one) away.
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate, best_distance - 1);
    // A suggestion must keep something of the word: "x" is no typo of "dt".
    if (distance < best_distance && distance < word.size()) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string unknown_name_message(const std::string& what, const std::string& word,
                                 const std::vector<std::string>& candidates) {
  const std::string suggestion = closest_match(word, candidates);
  if (suggestion.empty()) return fmt::format("unknown {} '{}'", what, shortened(word));
  return fmt::format("unknown {} '{}', did you mean '{}'?", what, shortened(word), suggestion);
}

std::string unknown_name_message(const std::string& what, const std::string& word,
                                 const std::vector<std::string>& candidates, const std::string& plural) {
  return fmt::format("{} ({}: {})", unknown_name_message(what, word, candidates), plural, fmt::join(candidates, ", "));
}

}  // namespace steppe
