#include "tools/steppe/interrupt.hpp"

#include <csignal>
#include <iostream>

namespace steppe::cli {

namespace {

std::atomic<bool> interrupted{false};
void (*previous_handler)(int) = SIG_DFL;

void on_interrupt(int) { interrupted = true; }

}  // namespace

InterruptScope::InterruptScope() {
  interrupted = false;
  previous_handler = std::signal(SIGINT, on_interrupt);
}

InterruptScope::~InterruptScope() { std::signal(SIGINT, previous_handler); }

const std::atomic<bool>* InterruptScope::flag() const { return &interrupted; }

int report_interrupted() {
  std::cerr << "steppe: interrupted; nothing was written\n";
  return 130;
}

}  // namespace steppe::cli
