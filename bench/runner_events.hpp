#pragma once
// What the runner records and why a campaign ends, as types: the events' kinds and severities
// (stored as their names in `events.kind` / `events.severity`, docs/schema.md) and the causes
// of an abort, which decide the campaign's status and whether `orbitbench resume` may go on.
#include "db/recorder.hpp"

namespace ob::bench {

enum class EventKind {
  phase, operator_signal, resume, limit, error, safe_state, alarm, pause, soak, interlock, isolate, reconnect,
  regulation, throttle, ecc, sdc, supply_fault, chamber_fault, board_fault, sensor_stale, prompt,
};

constexpr const char* to_string(EventKind kind) {
  switch (kind) {
    case EventKind::phase: return "phase";
    case EventKind::operator_signal: return "operator";
    case EventKind::resume: return "resume";
    case EventKind::limit: return "limit";
    case EventKind::error: return "error";
    case EventKind::safe_state: return "safe_state";
    case EventKind::alarm: return "alarm";
    case EventKind::pause: return "pause";
    case EventKind::soak: return "soak";
    case EventKind::interlock: return "interlock";
    case EventKind::isolate: return "isolate";
    case EventKind::reconnect: return "reconnect";
    case EventKind::regulation: return "regulation";
    case EventKind::throttle: return "throttle";
    case EventKind::ecc: return "ecc";
    case EventKind::sdc: return "sdc";
    case EventKind::supply_fault: return "supply_fault";
    case EventKind::chamber_fault: return "chamber_fault";
    case EventKind::board_fault: return "board_fault";
    case EventKind::sensor_stale: return "sensor_stale";
    case EventKind::prompt: return "prompt";
  }
  return "unknown";
}

enum class Severity { info, warning, error };

constexpr const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "unknown";
}

// Why a campaign stopped before its plan's end.
enum class AbortCause {
  operator_signal,            // SIGINT/SIGTERM: safe state, and resumable
  interlock,                  // an interlock (the station's, the campaign's) chose the safe state
  instrument_faults,          // a shared instrument failed max_consecutive_faults in a row
  boards_isolated,            // no board left in the campaign
  chamber_alarm,              // on_chamber_alarm: abort
  chamber_alarm_not_cleared,  // on_chamber_alarm: pause, past limits.chamber_alarm_s
  soak_timeout,               // a baseline or reference did not stabilise
  configure,                  // an instrument could not be connected or identified
  energise,                   // an instrument refused a setup step
  internal_error,             // a bug or an unexpected exception in the controller
  store_failure,              // the results database refused data (disk full, read-only, locked): resumable
  prompt_timeout,             // an operator prompt went unanswered past its timeout (on_timeout: abort)
};

// Its name in `campaigns.end_cause` (docs/schema.md): `orbitbench resume` continues a campaign
// whose end cause is operator_signal.
constexpr const char* to_string(AbortCause cause) {
  switch (cause) {
    case AbortCause::operator_signal: return "operator_signal";
    case AbortCause::interlock: return "interlock";
    case AbortCause::instrument_faults: return "instrument_faults";
    case AbortCause::boards_isolated: return "boards_isolated";
    case AbortCause::chamber_alarm: return "chamber_alarm";
    case AbortCause::chamber_alarm_not_cleared: return "chamber_alarm_not_cleared";
    case AbortCause::soak_timeout: return "soak_timeout";
    case AbortCause::configure: return "configure";
    case AbortCause::energise: return "energise";
    case AbortCause::internal_error: return "internal_error";
    case AbortCause::store_failure: return "store_failure";
    case AbortCause::prompt_timeout: return "prompt_timeout";
  }
  return "unknown";
}

// What the campaign's status becomes: `failed` where the bench could not do what the plan said,
// `aborted` where something stopped it on purpose.
constexpr db::CampaignStatus status_after(AbortCause cause) {
  switch (cause) {
    case AbortCause::chamber_alarm_not_cleared:
    case AbortCause::soak_timeout:
    case AbortCause::configure:
    case AbortCause::energise:
    case AbortCause::internal_error: return db::CampaignStatus::failed;
    default: return db::CampaignStatus::aborted;
  }
}

}  // namespace ob::bench
