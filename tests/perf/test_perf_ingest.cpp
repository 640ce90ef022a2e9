// Benchmark: samples per second through the Recorder (enqueue → committed row) vs its peer, a
// plain SQLite bulk insert of the same rows into the same schema with the same pragmas (one
// prepared statement, 20 000-row transactions), measured in the same run. Reports medians of
// repeats; asserts only that every row arrived (no timing assertions).
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <vector>

#include "../support/temp_dir.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"
#include "db/statement.hpp"

namespace {

constexpr int kRows = 200000;
constexpr int kChannels = 20;
constexpr int kRepeats = 3;
constexpr int kPeerBatchRows = 20000;

struct Ids {
  std::int64_t run_id = 0;
  std::vector<std::int64_t> channel_ids;
};

Ids prepare(ob::db::Recorder& recorder) {
  Ids ids;
  const auto campaign = recorder.add_campaign({"perf", "perf", "", 0, {}});
  const auto device = recorder.add_device(campaign, {"board", "gpu", "sim://agent", "", "", "", ""});
  ob::db::RunRow run;
  run.campaign_id = campaign;
  ids.run_id = recorder.add_run(run);
  for (int c = 0; c < kChannels; ++c) ids.channel_ids.push_back(recorder.add_channel(device, "ch" + std::to_string(c), "1"));
  return ids;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double recorder_rows_per_s(const ob::test::TempDir& dir, int repeat) {
  const auto path = dir.path() / ("recorder-" + std::to_string(repeat) + ".db");
  ob::db::Recorder recorder(path);
  const Ids ids = prepare(recorder);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRows; ++i) {
    recorder.add_sample({ids.run_id, ids.channel_ids[i % kChannels], static_cast<double>(i / kChannels), 0.0, i * 0.5});
  }
  recorder.flush();
  const double elapsed = seconds_since(start);
  BOOST_TEST(recorder.stats().rows_committed >= static_cast<std::uint64_t>(kRows));
  return kRows / elapsed;
}

double plain_sqlite_rows_per_s(const ob::test::TempDir& dir, int repeat) {
  const auto path = dir.path() / ("plain-" + std::to_string(repeat) + ".db");
  Ids ids;
  {
    ob::db::Recorder recorder(path);  // same schema and the same ids, then the recorder is gone
    ids = prepare(recorder);
  }
  auto db = ob::db::Connection::open_for_writing(path);
  ob::db::Statement insert(db, "INSERT OR REPLACE INTO samples(run_id, channel_id, t_s, wall_unix_s, value) VALUES (?,?,?,?,?)", true);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRows; ++i) {
    if (i % kPeerBatchRows == 0) {
      if (i > 0) db.exec("COMMIT");
      db.exec("BEGIN IMMEDIATE");
    }
    insert.bind(1, ids.run_id);
    insert.bind(2, ids.channel_ids[i % kChannels]);
    insert.bind(3, static_cast<double>(i / kChannels));
    insert.bind(4, 0.0);
    insert.bind(5, i * 0.5);
    insert.run();
    insert.reset();
  }
  db.exec("COMMIT");
  const double elapsed = seconds_since(start);
  ob::db::Statement count(db, "SELECT count(*) FROM samples");
  BOOST_REQUIRE(count.step());
  BOOST_TEST(count.column_int64(0) == kRows);
  return kRows / elapsed;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

BOOST_AUTO_TEST_CASE(ingest_recorder_vs_plain_sqlite) {
  ob::test::TempDir dir;
  std::vector<double> ours, peer;
  for (int repeat = 0; repeat < kRepeats; ++repeat) {  // interleaved, so drift hits both alike
    peer.push_back(plain_sqlite_rows_per_s(dir, repeat));
    ours.push_back(recorder_rows_per_s(dir, repeat));
  }
  const double ours_median = median(ours), peer_median = median(peer);
  std::printf("recorder          %10.0f rows/s (median of %d x %d rows)\n", ours_median, kRepeats, kRows);
  std::printf("plain sqlite bulk %10.0f rows/s\n", peer_median);
  std::printf("ingest: %.0f rows/s; ratio vs plain-sqlite-bulk-insert %.2f\n", ours_median, ours_median / peer_median);
}
