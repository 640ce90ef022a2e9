// fleet: `orbitbench query degradation` over a lab's results — 10 stations, each a campaign of
// 10 million samples (quick: 100 000) — on the central PostgreSQL the stations pushed to
// (db/postgres/pg_mirror.hpp: the aggregates fetched, never the samples), against its peer, the
// same query on the stations' files merged into one SQLite file with `db merge`, in the same run.
// Both must print the same figures. The server is libpq's default (pg_virtualenv gives one).
#ifdef OB_WITH_POSTGRES
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/perf/perf_suite.hpp"
#include "bench/perf/synthetic_campaign.hpp"
#include "db/analyses.hpp"
#include "db/merge.hpp"
#include "db/postgres/pg_connection.hpp"
#include "db/postgres/pg_mirror.hpp"
#include "db/postgres/pg_push.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kStations = 10;
constexpr int kRepeats = 5;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

PerfResult perf_fleet(const PerfOptions& options) {
  const std::int64_t per_station = options.quick ? 100'000 : 10'000'000;
  std::optional<db::pg::PgConnection> server;
  try {
    server.emplace(db::pg::PgConnection::open("postgresql://"));
  } catch (const db::DbError& e) {
    return {"fleet", 0, "ms", "the same query on the merged SQLite file", std::nullopt,
            std::string("no PostgreSQL server (run it as `pg_virtualenv orbitbench perf fleet`, or set PGHOST…): ") + e.what(), false};
  }
  std::vector<std::filesystem::path> stations;
  auto start = Clock::now();
  for (int s = 1; s <= kStations; ++s) {
    const std::string name = "station-" + std::to_string(100 + s).substr(1);
    const auto path = options.work_dir / ("fleet-" + std::to_string(per_station) + "-" + name + ".db");
    if (!std::filesystem::exists(path.string() + ".built")) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
      build_synthetic_campaign(db::Connection::open_for_writing(path), per_station, name);
      std::ofstream(path.string() + ".built") << "built\n";
    }
    stations.push_back(path);
  }
  say(options, "stations: %d × %lld samples ready in %.1f s\n", kStations, static_cast<long long>(per_station), seconds_since(start));

  start = Clock::now();
  server->exec("DROP SCHEMA IF EXISTS orbitbench CASCADE");
  std::int64_t pushed = 0;
  for (const auto& station : stations) pushed += db::pg::push_database(*server, station).samples;
  const double push_s = seconds_since(start);
  const auto merged = options.work_dir / ("fleet-" + std::to_string(per_station) + "-merged.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(merged.string() + suffix);
  start = Clock::now();
  db::merge_databases(merged, stations);
  const double merge_s = seconds_since(start);
  say(options, "pushed %lld samples to the server in %.1f s (%.0f rows/s); merged them into one SQLite file in %.1f s\n",
      static_cast<long long>(pushed), push_s, static_cast<double>(pushed) / push_s, merge_s);

  std::vector<double> server_s, file_s;
  std::vector<db::ResultSet> on_server, in_file;
  for (int i = 0; i < kRepeats; ++i) {  // interleaved
    start = Clock::now();
    {
      const auto file = db::Connection::open_read_only(merged);
      in_file = db::query_degradation_figures(file, {});
    }
    file_s.push_back(seconds_since(start));
    start = Clock::now();
    {
      const auto connection = db::pg::PgConnection::open("postgresql://");
      on_server = db::query_degradation_figures(db::pg::mirror_for_analyses(connection, std::nullopt), {});
    }
    server_s.push_back(seconds_since(start));
  }
  server->exec("DROP SCHEMA IF EXISTS orbitbench CASCADE");
  const double ours = median(server_s), peer = median(file_s);
  say(options, "degradation over %d stations (%lld samples): PostgreSQL %.1f ms, the merged SQLite file %.1f ms (medians of %d, "
               "connection and open included)\n",
      kStations, static_cast<long long>(pushed), ours * 1e3, peer * 1e3, kRepeats);
  PerfResult result{"fleet", ours * 1e3, "ms", "the same query on the merged SQLite file", peer / ours, "", true};
  const bool same = on_server.size() == in_file.size() && on_server.at(0).rows == in_file.at(0).rows &&
                    on_server.at(1).rows == in_file.at(1).rows && on_server.at(0).rows.size() == kStations * kSyntheticBoards;
  if (!same) {
    result.ok = false;
    result.note = "the server's figures differ from the merged file's";
  }
  return result;
}

}  // namespace ob::bench::perf
#endif
