#include "engine/io/output_files.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "engine/errors.hpp"

namespace steppe {

namespace {

std::filesystem::path temporary_name(const std::filesystem::path& final_path) {
  return final_path.parent_path() / fmt::format(".{}.tmp-{}", final_path.filename().string(), ::getpid());
}

// Writes `temporary`; on failure removes it and names `final_path`, the file the user asked for.
void write_whole_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path,
                      const std::string& content) {
  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    const std::string reason = errno ? std::generic_category().message(errno) : "write failed";
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw InputError({final_path.string()}, "--out", fmt::format("cannot write output file: {}", reason));
  }
}

}  // namespace

OutputFolder::OutputFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
  for (auto missing = std::filesystem::absolute(folder_); !missing.empty() && !std::filesystem::exists(missing);
       missing = missing.parent_path())
    created_.push_back(missing);
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  if (error || !std::filesystem::is_directory(folder_))
    throw InputError({folder_.string()}, "--out",
                     fmt::format("cannot create output folder: {}", error ? error.message() : "not a folder"));
  if (::access(folder_.c_str(), W_OK) != 0)
    throw InputError({folder_.string()}, "--out", "output folder is not writable");
}

OutputFolder::~OutputFolder() {
  std::error_code ignored;
  for (const auto& [temporary, final_path] : pending_) std::filesystem::remove(temporary, ignored);
  // Folders made for a run that wrote nothing go again; remove() leaves any that are not empty.
  if (!committed_)
    for (const auto& folder : created_) std::filesystem::remove(folder, ignored);
}

void OutputFolder::add(const std::string& name, const std::string& content) {
  const std::filesystem::path final_path = folder_ / name;
  const std::filesystem::path temporary = temporary_name(final_path);
  // Adding a name again replaces its content: the temporary is rewritten, renamed once.
  const bool pending =
      std::any_of(pending_.begin(), pending_.end(), [&](const auto& entry) { return entry.second == final_path; });
  if (!pending) pending_.emplace_back(temporary, final_path);
  write_whole_file(temporary, final_path, content);
}

std::vector<std::filesystem::path> OutputFolder::commit() {
  // Every name must be free for a file before any is replaced: all the files or none.
  for (const auto& [temporary, final_path] : pending_)
    if (std::filesystem::exists(final_path) && !std::filesystem::is_regular_file(final_path))
      throw InputError({final_path.string()}, "--out",
                       "cannot write output file: something other than a file is in the way");
  std::vector<std::filesystem::path> written;
  for (const auto& [temporary, final_path] : pending_) {
    std::filesystem::rename(temporary, final_path);
    written.push_back(final_path);
  }
  pending_.clear();
  committed_ = true;
  return written;
}

}  // namespace steppe
