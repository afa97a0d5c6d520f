#include "tools/steppe/interrupt.hpp"

#include <csignal>

namespace steppe::cli {

namespace {

constexpr int handled[] = {SIGINT, SIGTERM, SIGHUP};

std::atomic<bool> stop{false};
std::atomic<int> received{0};
struct sigaction previous[std::size(handled)];

void on_signal(int signal) {
  received = signal;
  stop = true;
}

}  // namespace

InterruptScope::InterruptScope() {
  stop = false;
  received = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t index = 0; index < std::size(handled); ++index) sigaction(handled[index], &action, &previous[index]);
}

InterruptScope::~InterruptScope() {
  for (std::size_t index = 0; index < std::size(handled); ++index) sigaction(handled[index], &previous[index], nullptr);
}

const std::atomic<bool>* interrupt_flag() { return &stop; }

bool interrupted() { return stop; }

int interrupted_exit_code() { return 128 + received; }

}  // namespace steppe::cli
