// Stopping commands cleanly: while an InterruptScope lives (main.cpp holds one around every
// command), SIGINT (Ctrl-C), SIGTERM (`kill`, `timeout`, a batch scheduler) and SIGHUP (a closed
// terminal) only set a flag. Long use cases read it between blocks (app::Control::cancel), and
// every commit of files (a run's outputs, a game's save: set_before_commit) reads it last, so a
// command stops with nothing written instead of dying mid-write.
#pragma once

#include <atomic>

namespace steppe::cli {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// Set once a signal arrived: what use cases poll.
const std::atomic<bool>* interrupt_flag();

// Whether a signal arrived while a scope lived, and the exit code that says which:
// 128 + the signal, as shells report it (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
bool interrupted();
int interrupted_exit_code();

// Thrown where a command stops for a signal; main.cpp reports it ("interrupted; nothing was
// written") and exits with interrupted_exit_code(). Files not yet committed are removed as the
// OutputFolder holding them unwinds.
struct Interrupted {};

}  // namespace steppe::cli
