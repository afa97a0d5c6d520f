// Text made with fmt and handed to a stream a megabyte at a time: a file as large as every
// member's trajectories goes to disk without ever being held whole in memory.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <iterator>
#include <ostream>
#include <utility>

namespace steppe {

class StreamedText {
 public:
  explicit StreamedText(std::ostream& out) : out_(out) {}
  ~StreamedText() { flush(); }
  StreamedText(const StreamedText&) = delete;
  StreamedText& operator=(const StreamedText&) = delete;

  template <class... Args>
  void format(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    flush_when_full();
  }
  // The same with a format compiled ahead (FMT_COMPILE(",{}")): for the fields of large files,
  // where parsing the format at every call was a tenth of the writing.
  template <class CompiledFormat, class... Args>
  void format_compiled(const CompiledFormat& format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    flush_when_full();
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  void flush_when_full() {
    if (buffer_.size() >= flush_size) flush();
  }

  static constexpr std::size_t flush_size = 1 << 20;
  std::ostream& out_;
  fmt::memory_buffer buffer_;
};

}  // namespace steppe
