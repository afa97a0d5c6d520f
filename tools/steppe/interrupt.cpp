#include "tools/steppe/interrupt.hpp"

#include <csignal>

#include "engine/io/output_files.hpp"

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
  set_before_commit([] {
    if (stop) throw Interrupted{};
  });
}

InterruptScope::~InterruptScope() {
  set_before_commit(nullptr);
  for (std::size_t index = 0; index < std::size(handled); ++index) sigaction(handled[index], &previous[index], nullptr);
}

const std::atomic<bool>* interrupt_flag() { return &stop; }

bool interrupted() { return stop; }

int interrupted_exit_code() { return 128 + received; }

}  // namespace steppe::cli
