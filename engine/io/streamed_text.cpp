#include "engine/io/streamed_text.hpp"

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <memory>

namespace steppe {

void write_rows_in_order(
    std::ostream& out, std::int64_t rows, std::int64_t rows_per_chunk,
    const std::function<void(fmt::memory_buffer& text, std::int64_t first, std::int64_t last)>& format_rows) {
  const auto chunks_in_flight = static_cast<std::size_t>(2 * tbb::info::default_concurrency());
  using Text = std::unique_ptr<fmt::memory_buffer>;
  std::int64_t next = 0;
  const auto first_rows = [&](tbb::flow_control& control) {  // the chunks' first rows, in order
    if (next >= rows) control.stop();
    const std::int64_t first = next;
    next += rows_per_chunk;
    return first;
  };
  const auto formatted = [&](std::int64_t first) {  // on any core
    auto text = std::make_unique<fmt::memory_buffer>();
    format_rows(*text, first, std::min(rows, first + rows_per_chunk));
    return text;
  };
  const auto written = [&](const Text& text) { out.write(text->data(), static_cast<std::streamsize>(text->size())); };
  tbb::parallel_pipeline(chunks_in_flight,
                         tbb::make_filter<void, std::int64_t>(tbb::filter_mode::serial_in_order, first_rows) &
                             tbb::make_filter<std::int64_t, Text>(tbb::filter_mode::parallel, formatted) &
                             tbb::make_filter<Text, void>(tbb::filter_mode::serial_in_order, written));
}

}  // namespace steppe
