// Writing results so that nothing half-written is ever left behind: every file goes to a
// temporary name in its destination folder and is renamed into place only when all of a
// command's files are complete. A failure removes the temporaries, and any folder it had to
// create, so a failed run leaves nothing. Temporaries a killed process could not remove are
// removed by the next command that writes into the same folder.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace steppe {

class OutputFolder {
 public:
  // Creates the folder if needed; throws InputError (naming the folder) when it cannot be
  // created or written to — checked before any work is done. Removes orphaned temporaries.
  explicit OutputFolder(std::filesystem::path folder);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::filesystem::path& path() const { return folder_; }
  // Writes `content` to a temporary file that becomes `name` at commit().
  void add(const std::string& name, const std::string& content);
  // The same with the content written by `write` straight into the file: a large file is
  // never held whole in memory.
  void add(const std::string& name, const std::function<void(std::ostream&)>& write);
  // Renames every temporary into place; returns the final paths.
  std::vector<std::filesystem::path> commit();

 private:
  std::filesystem::path folder_;
  std::vector<std::filesystem::path> created_;  // folders this made, innermost first
  bool committed_ = false;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> pending_;  // temporary, final
};

// Called before anything is committed (OutputFolder::commit, write_durably before it writes):
// a face that stops on a signal sets a check that throws once one arrived, so that a command
// stopped at any point commits nothing (and one that got past it committed everything).
void set_before_commit(std::function<void()> check);

// Removes the temporaries (".NAME.tmp-PID") in `folder` whose process no longer runs.
void remove_orphaned_temporaries(const std::filesystem::path& folder);

// Writes one file so that readers see the old file or the new one, never a mix, and the new one
// survives a crash once this returns (temporary, fsync, rename, fsync of the folder): for a file
// rewritten in place many times, such as a wargame's log. `mode` is its permissions (0600 for a
// file only its owner may read, such as a classroom's secret tokens). Throws InputError naming
// `file`.
void write_durably(const std::filesystem::path& file, const std::string& content, unsigned mode = 0644);

}  // namespace steppe
