#pragma once
// The canned analyses on a lab's server (`orbitbench query --db postgresql://…`, issue 20): the
// rows they read — campaigns, devices, runs, events, measurements, the aggregates kept while
// recording, and each board's sample count from the push marks — fetched into a private
// in-memory SQLite database at this build's schema. The analyses that read a station's file
// (db/analyses.hpp) then run unchanged on it, so the figures are exactly those of the station
// files merged with `db merge`, and no query reads the samples themselves. Ids are the server's.
#include <optional>
#include <string>

#include "db/database.hpp"
#include "db/postgres/pg_connection.hpp"

namespace ob::db::pg {

// `campaign`: a campaign's name, id or STATION/NAME to fetch only it; nullopt fetches them all.
Connection mirror_for_analyses(const PgConnection& server, const std::optional<std::string>& campaign);

// One campaign whole, samples included (`orbitbench report --db postgresql://…`): the one named
// (name, id or STATION/NAME; the newest of that name), else the newest. Samples arrive through a
// cursor, 50 000 rows at a time. Throws DbError when there is no such campaign.
Connection mirror_campaign(const PgConnection& server, const std::optional<std::string>& campaign);

}  // namespace ob::db::pg
