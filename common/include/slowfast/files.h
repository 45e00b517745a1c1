// Whole-file reads and writes, for the small text files the tools and tests pass
// around (ready files, logs, reports).
#pragma once
#include <filesystem>
#include <string>

namespace slowfast {

// The file's bytes; "" when it is missing or unreadable (a file not written yet reads
// as empty, which is what pollers want).
std::string read_file(const std::filesystem::path& path);

// Replaces the file's content with `text`. Throws std::runtime_error when it cannot.
void write_file(const std::filesystem::path& path, const std::string& text);

// As write_file, through `path`.tmp renamed into place: a reader polling `path` sees
// nothing or all of it, never half.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace slowfast
