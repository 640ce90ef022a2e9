// ingest: samples per second through the Recorder — a driver's callback calling add_sample on its
// own thread, to a committed row (flush) — against its peer, a plain SQLite bulk insert of the
// same rows into the same schema with the same pragmas (one prepared statement, 20 000-row
// transactions), interleaved repeats in the same run, medians reported. Both must commit every row.
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/perf/perf_suite.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

constexpr int kChannels = 20;
constexpr int kPeerBatchRows = 20000;

struct Ids {
  std::int64_t run_id = 0;
  std::vector<std::int64_t> channel_ids;
};

Ids prepare(db::Recorder& recorder) {
  Ids ids;
  const auto campaign = recorder.add_campaign({"perf", "perf", "", 0, {}});
  const auto device = recorder.add_device(campaign, {"board", "gpu", "sim://agent", "", "", "", ""});
  db::RunRow run;
  run.campaign_id = campaign;
  ids.run_id = recorder.add_run(run);
  for (int c = 0; c < kChannels; ++c) ids.channel_ids.push_back(recorder.add_channel(device, "ch" + std::to_string(c), "1"));
  return ids;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void require_rows(const std::filesystem::path& path, int rows) {
  const auto db = db::Connection::open_read_only(path);
  db::Statement count(db, "SELECT count(*) FROM samples");
  count.step();
  if (count.column_int64(0) != rows) {
    throw std::runtime_error(path.filename().string() + " holds " + std::to_string(count.column_int64(0)) + " samples, " +
                             std::to_string(rows) + " were written");
  }
}

double recorder_rows_per_s(const std::filesystem::path& path, int rows) {
  double elapsed_s = 0;
  {
    db::Recorder recorder(path);
    const Ids ids = prepare(recorder);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rows; ++i) {
      recorder.add_sample({ids.run_id, ids.channel_ids[static_cast<std::size_t>(i % kChannels)], static_cast<double>(i / kChannels), 0.0,
                           i * 0.5});
    }
    recorder.flush();
    elapsed_s = seconds_since(start);
  }
  require_rows(path, rows);
  return rows / elapsed_s;
}

double plain_sqlite_rows_per_s(const std::filesystem::path& path, int rows) {
  Ids ids;
  {
    db::Recorder recorder(path);  // the same schema and ids, then the recorder is gone
    ids = prepare(recorder);
  }
  double elapsed_s = 0;
  {
    auto db = db::Connection::open_for_writing(path);
    db::Statement insert(db, "INSERT OR REPLACE INTO samples(run_id, channel_id, t_s, wall_unix_s, value) VALUES (?,?,?,?,?)", true);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rows; ++i) {
      if (i % kPeerBatchRows == 0) {
        if (i > 0) db.exec("COMMIT");
        db.exec("BEGIN IMMEDIATE");
      }
      insert.bind_all(ids.run_id, ids.channel_ids[static_cast<std::size_t>(i % kChannels)], static_cast<double>(i / kChannels), 0.0, i * 0.5);
      insert.run();
      insert.reset();
    }
    db.exec("COMMIT");
    elapsed_s = seconds_since(start);
  }
  require_rows(path, rows);
  return rows / elapsed_s;
}

}  // namespace

PerfResult perf_ingest(const PerfOptions& options) {
  const int rows = options.quick ? 20000 : 200000;
  const int repeats = options.quick ? 1 : 5;
  std::vector<double> ours, peer;
  for (int repeat = 0; repeat < repeats; ++repeat) {  // interleaved, so drift hits both alike
    const auto plain = options.work_dir / ("ingest-plain-" + std::to_string(repeat) + ".db");
    const auto recorded = options.work_dir / ("ingest-recorder-" + std::to_string(repeat) + ".db");
    peer.push_back(plain_sqlite_rows_per_s(plain, rows));
    ours.push_back(recorder_rows_per_s(recorded, rows));
    say(options, "repeat %d: recorder %.0f rows/s, plain SQLite %.0f rows/s\n", repeat + 1, ours.back(), peer.back());
    for (const auto& file : {plain, recorded}) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    }
  }
  const double ours_median = median(ours), peer_median = median(peer);
  say(options, "recorder %.0f rows/s, plain SQLite bulk insert %.0f rows/s (medians of %d × %d rows over %d channels)\n", ours_median,
      peer_median, repeats, rows, kChannels);
  return {"ingest", ours_median, "rows/s", "plain SQLite bulk insert", ours_median / peer_median, "", true};
}

}  // namespace ob::bench::perf
