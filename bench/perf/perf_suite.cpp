#include "bench/perf/perf_suite.hpp"

namespace ob::bench::perf {

const std::vector<PerfEntry>& perf_suite() {
  static const std::vector<PerfEntry> suite = {
      {"ingest", "samples/s through the recorder to committed rows vs a plain SQLite bulk insert", perf_ingest},
      {"scheduling", "setpoint lateness, 64 simulated instruments at 10 Hz over loopback vs bare asio timers", perf_scheduling},
      {"fanin", "CPU and memory of one controller taking 10 Hz telemetry from 256 simulated boards", perf_fanin},
      {"sgp4", "SGP4 propagations/s vs satellite.js (wasm and js builds)", perf_sgp4},
      {"profile", "whole-profile rows/s (SGP4, Sun, shadow, heat, power, lab mapping, CSV) vs satellite.js propagation", perf_profile},
      {"query", "the degradation summary on a 100-million-sample database vs a full scan", perf_query},
      {"memory", "controller memory over a 30-day campaign at high speed (flat, not growing)", perf_memory},
#ifdef OB_WITH_POSTGRES
      {"push", "samples/s pushed to a lab's PostgreSQL (db push) vs a plain COPY of the same rows", perf_push},
      {"fleet", "the degradation query over 10 stations × 10 million samples on PostgreSQL vs the merged SQLite file", perf_fleet},
#endif
  };
  return suite;
}

}  // namespace ob::bench::perf
