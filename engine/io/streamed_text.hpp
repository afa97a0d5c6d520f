// Text made with fmt and handed to a stream a megabyte at a time: a file as large as every
// member's trajectories goes to disk without ever being held whole in memory. And a table's rows
// formatted on every core, written in order.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <cstdint>
#include <functional>
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

// Writes rows [0, rows) to `out` in order, `format_rows(text, first, last)` appending rows
// [first, last) to `text`. Chunks of `rows_per_chunk` rows are formatted on every core at once
// and written as their turn comes, at most two chunks a core held: the shortest round-trip text
// of doubles is most of the cost of a large table (100,000 members' outcomes.csv, a tenth of
// `steppe run`). A chunk of some hundreds of kilobytes of text costs nothing to hand between
// threads and holds little.
void write_rows_in_order(
    std::ostream& out, std::int64_t rows, std::int64_t rows_per_chunk,
    const std::function<void(fmt::memory_buffer& text, std::int64_t first, std::int64_t last)>& format_rows);

}  // namespace steppe
