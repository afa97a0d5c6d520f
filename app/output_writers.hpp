// The files a result can become, each written by a registered writer: a new output format is
// one new file in app/writers/ with an OutputWriterRegistration, and no list to edit elsewhere.
// Writers that are on by default make the files every run has always written; the others are
// opt-in by file name (`steppe run --write trajectories.jsonl`).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "app/what_if.hpp"
#include "engine/io/results.hpp"

namespace steppe::app {

// One file of a result: its name and what writes its content, called when the file is written
// so that a large file (an ensemble's every member) goes to disk without being held as text.
// A file made from a result refers to that result, which must outlive it.
struct OutputFile {
  OutputFile(std::string name, std::function<void(std::ostream&)> write)
      : name(std::move(name)), write(std::move(write)) {}
  OutputFile(std::string name, std::string content);
  std::string name;
  std::function<void(std::ostream&)> write;
};
// The whole content of a file, as text.
std::string content_of(const OutputFile& file);

// A writer of one file from a result of type Result (RunResult or ComparisonResult).
template <class Result>
struct OutputWriter {
  std::string file;  // the file's name in the output folder, and the writer's name
  std::string help;
  int order = 0;           // files are written (and listed) in this order
  bool by_default = true;  // false: only when asked for by name
  // Whether this kind of run has what the file needs (trajectories: a single run, or kept ones),
  // decided before running; `applies_to` says it in words for an error.
  std::function<bool(const typename Result::Prepared&)> applies;
  std::string applies_to;
  std::function<void(const Result&, const Provenance&, std::ostream&)> write;
};

// Every registered writer for Result, by order.
template <class Result>
std::vector<OutputWriter<Result>> output_writers();

// A static OutputWriterRegistration in a writer's file registers it.
template <class Result>
struct OutputWriterRegistration {
  explicit OutputWriterRegistration(OutputWriter<Result> writer);
};

// Throws InputError unless every opt-in writer asked for exists (else "did you mean") and
// applies to the prepared run.
template <class Result>
void check_opt_in_writers(const typename Result::Prepared& prepared, const std::vector<std::string>& names);

// The files of a result: every default writer that applies, and the opt-in ones asked for. They
// refer to `result` and `provenance`, which must outlive them.
std::vector<OutputFile> output_files(const RunResult& result, const Provenance& provenance);
std::vector<OutputFile> output_files(const ComparisonResult& result, const Provenance& provenance);

}  // namespace steppe::app
