// Typed errors for steppe.
//
// InputError is the one recoverable failure a user can cause: bad YAML, an unknown key, an
// out-of-range value, a missing file. It carries where the problem is (file:line:column) and
// which key path led there, so every front end can print one clear message and exit with 2.
// Invariant violations inside the engine are not InputErrors; they are bugs and throw
// std::logic_error.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace steppe {

// A position in a source file; line and column are 1-based, 0 when unknown.
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;

  std::string to_string() const;  // "file:line:column", or as much of it as is known
};

class InputError : public std::runtime_error {
 public:
  InputError(SourceMark mark, std::string key_path, std::string message);

  const SourceMark& mark() const { return mark_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  SourceMark mark_;
  std::string key_path_;
  std::string message_;
};

// A value as an error message shows it: whole when short, else its first 60 characters and
// "… (N characters)", so that a mistaken 5 MB value does not fill the screen.
std::string shortened(std::string_view text);

// The candidate closest to `word` by edit distance, or "" when none is close enough to be a
// plausible typo. Used to add "did you mean" to unknown-name errors.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// "unknown X 'word'" plus ", did you mean 'y'?" when a close candidate exists.
std::string unknown_name_message(const std::string& what, const std::string& word,
                                 const std::vector<std::string>& candidates);
// The same, then every candidate: "unknown role 'x' (roles: focal, neighbor, partner)", for
// names a writer has to look up rather than misspell (the few keys of a map, a model's roles).
std::string unknown_name_message(const std::string& what, const std::string& word,
                                 const std::vector<std::string>& candidates, const std::string& plural);

}  // namespace steppe
