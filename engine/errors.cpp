#include "engine/errors.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace steppe {

std::string SourceMark::to_string() const {
  if (file.empty()) return "<input>";
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

static std::string format_input_error(const SourceMark& mark, const std::string& key_path, const std::string& message) {
  if (key_path.empty()) return fmt::format("{}: error: {}", mark.to_string(), message);
  return fmt::format("{}: error: {}: {}", mark.to_string(), key_path, message);
}

InputError::InputError(SourceMark mark, std::string key_path, std::string message)
    : std::runtime_error(format_input_error(mark, key_path, message)),
      mark_(std::move(mark)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

namespace {

// Optimal string alignment distance, case-insensitive: a transposition counts as one edit.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
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
  if (suggestion.empty()) return fmt::format("unknown {} '{}'", what, word);
  return fmt::format("unknown {} '{}', did you mean '{}'?", what, word, suggestion);
}

}  // namespace steppe
