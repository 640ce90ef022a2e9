#pragma once
// `orbitbench db merge OUT IN…`: folds station databases into one, so a lab with several benches
// queries one file. Every row keeps its meaning: ids are offset past what OUT holds (so they
// stay unique and every reference follows), profiles are shared by digest, and a campaign
// already in OUT (same name, station and start) is not copied twice — merging again is safe.
// Campaigns without a station name are tagged with their input file's name. Each input goes in
// one transaction: an input that fails leaves OUT as it was before it.
//
// Inputs are never written: each is read from a snapshot taken through a read-only connection
// (SQLite's backup API: committed WAL content included, so a station still recording merges up to
// its last commit) in a scratch directory made fresh beside OUT, and migrated there when older.
// An input whose rows reference another campaign's runs, devices or channels is refused: the
// copy would hang them on the wrong campaign, and a foreign-key check cannot see it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ob::db {

struct MergedInput {
  std::filesystem::path path;
  int campaigns_copied = 0;
  int campaigns_skipped = 0;  // already in OUT
  std::int64_t samples_copied = 0;
};

// Throws DbError naming the file: not an orbitbench database, a newer schema, the same file as OUT.
std::vector<MergedInput> merge_databases(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs);

}  // namespace ob::db
