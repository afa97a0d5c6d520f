// A progress bar on stderr for long runs: rate and time left, redrawn at most ten times a second,
// shown only when stderr is a terminal and the run has taken over a second. Nothing when piped.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace steppe::cli {

class ProgressBar {
 public:
  ProgressBar(std::int64_t total, std::string unit);
  ~ProgressBar();
  void update(std::int64_t done);

 private:
  std::int64_t total_;
  std::string unit_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace steppe::cli
