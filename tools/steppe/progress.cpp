#include "tools/steppe/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace steppe::cli {

ProgressBar::ProgressBar(std::int64_t total, std::string unit)
    : total_(total),
      unit_(std::move(unit)),
      terminal_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) fmt::print(stderr, "\r\033[K");  // leave the terminal as it was
}

void ProgressBar::update(std::int64_t done) {
  if (!terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 || (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total_)) return;
  last_draw_ = now;
  drawn_ = true;
  const double fraction = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double rate = static_cast<double>(done) / elapsed;
  const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  constexpr int width = 30;
  const int filled = static_cast<int>(fraction * width);
  fmt::print(stderr, "\r[{}{}] {:3.0f}%  {:.3g} {}/s  {:02}:{:02} left\033[K", std::string(filled, '#'),
             std::string(width - filled, ' '), fraction * 100, rate, unit_, static_cast<int>(left) / 60,
             static_cast<int>(left) % 60);
  std::fflush(stderr);
}

}  // namespace steppe::cli
