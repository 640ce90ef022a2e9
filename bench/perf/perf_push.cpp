// push: samples/s through `orbitbench db push` (db/postgres/pg_push.hpp: a read-only read of the
// station file, marks, a partition per campaign, COPY) into a fresh orbitbench schema, against
// its peer: a plain COPY of the same rows, read from the same file in key order, into one table
// with the same primary key, in the same run on the same server, interleaved, medians reported.
// The server is libpq's default (PGHOST, PGPORT, PGUSER, PGDATABASE: `pg_virtualenv orbitbench
// perf push` gives it one). Both must hold every row.
#ifdef OB_WITH_POSTGRES
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/perf/perf_suite.hpp"
#include "bench/perf/synthetic_campaign.hpp"
#include "db/database.hpp"
#include "db/postgres/pg_connection.hpp"
#include "db/postgres/pg_push.hpp"
#include "db/postgres/pg_schema.hpp"
#include "db/statement.hpp"

namespace ob::bench::perf {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::int64_t server_count(const db::pg::PgConnection& server, const std::string& table) {
  return server.query("SELECT count(*) FROM " + table).int64(0, 0);
}

double push_rows_per_s(const db::pg::PgConnection& server, const std::filesystem::path& station, std::int64_t rows) {
  server.exec("DROP SCHEMA IF EXISTS orbitbench CASCADE");
  db::pg::migrate(server);  // the schema is made once per server: not part of a push's cost
  const auto start = Clock::now();
  const auto pushed = db::pg::push_database(server, station);
  const double elapsed_s = seconds_since(start);
  if (pushed.samples != rows || server_count(server, "orbitbench.samples") != rows) {
    throw std::runtime_error("the push holds " + std::to_string(server_count(server, "orbitbench.samples")) + " of " +
                             std::to_string(rows) + " samples");
  }
  return static_cast<double>(rows) / elapsed_s;
}

double plain_copy_rows_per_s(const db::pg::PgConnection& server, const std::filesystem::path& station, std::int64_t rows) {
  server.exec("DROP TABLE IF EXISTS public.perf_plain_copy");
  server.exec("CREATE TABLE public.perf_plain_copy (campaign_id bigint NOT NULL, run_id bigint NOT NULL, channel_id bigint NOT NULL, "
              "t_s double precision NOT NULL, wall_unix_s double precision NOT NULL, value double precision, "
              "PRIMARY KEY (campaign_id, run_id, channel_id, t_s))");
  const auto start = Clock::now();
  const auto source = db::Connection::open_read_only(station);
  db::Statement read(source, "SELECT run_id, channel_id, t_s, wall_unix_s, value FROM samples ORDER BY run_id, channel_id, t_s");
  server.exec("BEGIN");
  {
    db::pg::CopyIn copy(server, "COPY public.perf_plain_copy (campaign_id, run_id, channel_id, t_s, wall_unix_s, value) FROM STDIN");
    while (read.step()) {
      copy.field(std::int64_t{1}).field(read.column_int64(0)).field(read.column_int64(1)).field(read.column_double(2));
      copy.field(read.column_double(3)).field(read.column_optional_double(4)).end_row();
    }
    copy.finish();
  }
  server.exec("COMMIT");
  const double elapsed_s = seconds_since(start);
  if (server_count(server, "public.perf_plain_copy") != rows) throw std::runtime_error("the plain COPY lost rows");
  server.exec("DROP TABLE public.perf_plain_copy");
  return static_cast<double>(rows) / elapsed_s;
}

}  // namespace

PerfResult perf_push(const PerfOptions& options) {
  const std::int64_t wanted = options.quick ? 200'000 : 5'000'000;
  const int repeats = options.quick ? 1 : 3;
  std::optional<db::pg::PgConnection> server;
  try {
    server.emplace(db::pg::PgConnection::open("postgresql://"));
  } catch (const db::DbError& e) {
    return {"push", 0, "rows/s", "plain COPY", std::nullopt,
            std::string("no PostgreSQL server (run it as `pg_virtualenv orbitbench perf push`, or set PGHOST…): ") + e.what(), false};
  }
  const auto station = options.work_dir / ("push-" + std::to_string(wanted) + ".db");
  if (!std::filesystem::exists(station.string() + ".built")) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(station.string() + suffix);
    build_synthetic_campaign(db::Connection::open_for_writing(station), wanted);
    std::ofstream(station.string() + ".built") << "built\n";
  }
  std::int64_t rows = 0;
  {
    const auto source = db::Connection::open_read_only(station);
    db::Statement count(source, "SELECT count(*) FROM samples");
    count.step();
    rows = count.column_int64(0);
  }
  std::vector<double> ours, peer;
  for (int repeat = 0; repeat < repeats; ++repeat) {  // interleaved, so drift hits both alike
    peer.push_back(plain_copy_rows_per_s(*server, station, rows));
    ours.push_back(push_rows_per_s(*server, station, rows));
    say(options, "repeat %d: db push %.0f rows/s, plain COPY %.0f rows/s\n", repeat + 1, ours.back(), peer.back());
  }
  server->exec("DROP SCHEMA IF EXISTS orbitbench CASCADE");
  const double ours_median = median(ours), peer_median = median(peer);
  say(options, "db push %.0f rows/s, plain COPY of the same rows %.0f rows/s (medians of %d × %lld samples; the push also "
               "maps ids, keeps marks and copies the aggregates)\n",
      ours_median, peer_median, repeats, static_cast<long long>(rows));
  return {"push", ours_median, "rows/s", "plain COPY", ours_median / peer_median, "", true};
}

}  // namespace ob::bench::perf
#endif
