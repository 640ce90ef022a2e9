#pragma once
// A unique database path in the temp directory, removed with its WAL files afterwards.
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace ob::test {

struct TempDb {
  std::filesystem::path path;
  TempDb() {
    static int counter = 0;
    std::random_device random;
    path = std::filesystem::temp_directory_path() / ("ob_test_db_" + std::to_string(::getpid()) + "_" +
                                                     std::to_string(counter++) + "_" + std::to_string(random()) +
                                                     ".sqlite");
  }
  ~TempDb() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path.string() + suffix, ignored);
    }
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
};

}  // namespace ob::test
