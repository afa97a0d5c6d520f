#include "app/output_writers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "engine/errors.hpp"

namespace steppe::app {

namespace {

template <class Result>
std::vector<OutputWriter<Result>>& registry() {
  static std::vector<OutputWriter<Result>> writers;
  return writers;
}

template <class Result>
std::vector<OutputFile> files_of(const Result& result, const Provenance& provenance,
                                 const std::vector<std::string>& asked) {
  std::vector<OutputFile> files;
  for (const OutputWriter<Result>& writer : output_writers<Result>()) {
    const bool wanted = writer.by_default || std::count(asked.begin(), asked.end(), writer.file) > 0;
    if (wanted && writer.applies(result.prepared))
      files.emplace_back(writer.file, [&result, &provenance, write = writer.write](std::ostream& out) {
        write(result, provenance, out);
      });
  }
  return files;
}

}  // namespace

OutputFile::OutputFile(std::string name, std::string content)
    : name(std::move(name)), write([content = std::move(content)](std::ostream& out) { out << content; }) {}

std::string content_of(const OutputFile& file) {
  std::ostringstream content;
  file.write(content);
  return std::move(content).str();
}

template <class Result>
std::vector<OutputWriter<Result>> output_writers() {
  std::vector<OutputWriter<Result>> writers = registry<Result>();
  std::stable_sort(writers.begin(), writers.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  return writers;
}

template <class Result>
OutputWriterRegistration<Result>::OutputWriterRegistration(OutputWriter<Result> writer) {
  registry<Result>().push_back(std::move(writer));
}

template <class Result>
void check_opt_in_writers(const typename Result::Prepared& prepared, const std::vector<std::string>& names) {
  std::vector<std::string> opt_in;
  for (const OutputWriter<Result>& writer : output_writers<Result>())
    if (!writer.by_default) opt_in.push_back(writer.file);
  for (const std::string& name : names) {
    if (std::find(opt_in.begin(), opt_in.end(), name) == opt_in.end()) {
      std::string listed;
      for (const std::string& file : opt_in) listed += (listed.empty() ? "" : ", ") + file;
      throw InputError({"<command line>"}, "--write",
                       unknown_name_message("output file", name, opt_in) + "; --write adds: " + listed);
    }
    for (const OutputWriter<Result>& writer : output_writers<Result>())
      if (writer.file == name && !writer.applies(prepared))
        throw InputError({"<command line>"}, "--write",
                         fmt::format("{} is written only for {}", name, writer.applies_to));
  }
}

std::vector<OutputFile> output_files(const RunResult& result, const Provenance& provenance) {
  return files_of(result, provenance, result.prepared.also_write);
}

std::vector<OutputFile> output_files(const ComparisonResult& result, const Provenance& provenance) {
  return files_of(result, provenance, {});
}

template std::vector<OutputWriter<RunResult>> output_writers<RunResult>();
template std::vector<OutputWriter<ComparisonResult>> output_writers<ComparisonResult>();
template struct OutputWriterRegistration<RunResult>;
template struct OutputWriterRegistration<ComparisonResult>;
template void check_opt_in_writers<RunResult>(const PreparedRun&, const std::vector<std::string>&);
template void check_opt_in_writers<ComparisonResult>(const PreparedComparison&, const std::vector<std::string>&);

}  // namespace steppe::app
