#include "engine/io/output_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
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
// The folder was checked writable before any work, so a failure here is the machine's (a full
// disk, a quota, a file size limit): a failed run (std::runtime_error, exit 1), not bad input.
void write_whole_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path,
                      const std::function<void(std::ostream&)>& write) {
  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (out) write(out);
  out.close();
  if (!out) {
    const std::string reason = errno ? std::generic_category().message(errno) : "write failed";
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error(fmt::format(
        "{}: cannot write output file: {}; nothing was written (free some space, or write elsewhere with --out)",
        final_path.string(), reason));
  }
}

std::function<void()>& before_commit() {
  static std::function<void()> check;
  return check;
}

// ".NAME.tmp-PID" — a temporary of this module — whose process is gone: what a run killed by
// SIGKILL (or a power cut) left behind.
bool orphaned_temporary(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  const auto marker = name.rfind(".tmp-");
  if (name.empty() || name.front() != '.' || marker == std::string::npos) return false;
  const std::string digits = name.substr(marker + 5);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return false;
  const pid_t pid = static_cast<pid_t>(std::stol(digits));
  return pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
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
  remove_orphaned_temporaries(folder_);
}

void set_before_commit(std::function<void()> check) { before_commit() = std::move(check); }

void remove_orphaned_temporaries(const std::filesystem::path& folder) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error))
    if (entry.is_regular_file(error) && orphaned_temporary(entry.path())) std::filesystem::remove(entry.path(), error);
}

OutputFolder::~OutputFolder() {
  std::error_code ignored;
  for (const auto& [temporary, final_path] : pending_) std::filesystem::remove(temporary, ignored);
  // Folders made for a run that wrote nothing go again; remove() leaves any that are not empty.
  if (!committed_)
    for (const auto& folder : created_) std::filesystem::remove(folder, ignored);
}

void OutputFolder::add(const std::string& name, const std::string& content) {
  add(name, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

void OutputFolder::add(const std::string& name, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path final_path = folder_ / name;
  const std::filesystem::path temporary = temporary_name(final_path);
  // Adding a name again replaces its content: the temporary is rewritten, renamed once.
  const bool pending =
      std::any_of(pending_.begin(), pending_.end(), [&](const auto& entry) { return entry.second == final_path; });
  if (!pending) pending_.emplace_back(temporary, final_path);
  write_whole_file(temporary, final_path, write);
}

std::vector<std::filesystem::path> OutputFolder::commit() {
  if (before_commit()) before_commit()();
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

void write_durably(const std::filesystem::path& file, const std::string& content, unsigned mode) {
  // Checked before anything is written: a signal after this finds the file saved whole.
  if (before_commit()) before_commit()();
  const std::filesystem::path temporary = temporary_name(file);
  const auto failed = [&](const char* what) {
    const std::string reason = std::generic_category().message(errno);
    ::unlink(temporary.c_str());
    throw InputError({file.string()}, "", fmt::format("cannot {} the file: {}", what, reason));
  };
  const int out = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (out < 0) failed("write");
  for (std::size_t written = 0; written < content.size();) {
    const ssize_t count = ::write(out, content.data() + written, content.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      ::close(out);
      failed("write");
    }
    written += static_cast<std::size_t>(count);
  }
  if (::fsync(out) != 0) {
    ::close(out);
    failed("save");
  }
  ::close(out);
  if (::rename(temporary.c_str(), file.c_str()) != 0) failed("save");
  const int directory = ::open(file.parent_path().empty() ? "." : file.parent_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
}

}  // namespace steppe
