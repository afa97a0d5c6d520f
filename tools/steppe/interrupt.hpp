// Ctrl-C for long commands: while an InterruptScope lives, SIGINT sets a flag the use case reads
// between blocks (app::Control::cancel), so a run stops cleanly instead of dying mid-write.
#pragma once

#include <atomic>

namespace steppe::cli {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  const std::atomic<bool>* flag() const;
};

// "steppe: interrupted; nothing was written" on stderr; returns 130 (128 + SIGINT, as shells
// report it).
int report_interrupted();

}  // namespace steppe::cli
