#pragma once
// One transaction on any connection with exec(): `begin`, the body, COMMIT; on a throw, ROLLBACK
// and the body's exception (a failed ROLLBACK is dropped: the first error is the news, and a
// failure that already rolled back, or a lost connection, makes ROLLBACK fail too).
#include <string>

#include "db/database.hpp"

namespace ob::db {

template <class Connection, class Body>
void run_in_transaction(const Connection& db, const std::string& begin, Body&& body) {
  db.exec(begin);
  try {
    body();
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const DbError&) {
    }
    throw;
  }
}

}  // namespace ob::db
