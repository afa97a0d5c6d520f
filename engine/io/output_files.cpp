#include "engine/io/output_files.hpp"

#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "engine/errors.hpp"

namespace steppe {

namespace {

std::filesystem::path temporary_name(const std::filesystem::path& final_path) {
  return final_path.parent_path() / fmt::format(".{}.tmp-{}", final_path.filename().string(), ::getpid());
}

void write_whole_file(const std::filesystem::path& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    throw InputError({file.string()}, "", "cannot write output file");
  }
}

}  // namespace

OutputFolder::OutputFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
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
}

void OutputFolder::add(const std::string& name, const std::string& content) {
  const std::filesystem::path final_path = folder_ / name;
  const std::filesystem::path temporary = temporary_name(final_path);
  pending_.emplace_back(temporary, final_path);
  write_whole_file(temporary, content);
}

std::vector<std::filesystem::path> OutputFolder::commit() {
  std::vector<std::filesystem::path> written;
  for (const auto& [temporary, final_path] : pending_) {
    std::filesystem::rename(temporary, final_path);
    written.push_back(final_path);
  }
  pending_.clear();
  return written;
}

void write_file_atomically(const std::filesystem::path& file, const std::string& content) {
  const std::filesystem::path temporary = temporary_name(file);
  write_whole_file(temporary, content);
  std::filesystem::rename(temporary, file);
}

}  // namespace steppe
