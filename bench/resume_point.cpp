#include "bench/resume_point.hpp"

#include <cstdio>
#include <stdexcept>
#include <string_view>

#include "bench/runner_events.hpp"
#include "db/database.hpp"
#include "db/statement.hpp"

namespace ob::bench {
namespace {

// The number after "key": in a flat JSON object written by checkpoint_state_json.
std::optional<double> json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return std::nullopt;
  const char* start = json.c_str() + at + key.size() + 3;
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  if (end == start) return std::nullopt;
  return value;
}

// A campaign whose controller died (still 'running') or that the operator interrupted
// (SIGINT/SIGTERM: 'aborted', in its safe state, resumable); not one an interlock or a fault ended.
constexpr const char* kResumable =
    "(status = 'running' OR (status = 'aborted' AND end_cause IN ('operator_signal', 'store_failure')))";
static_assert(std::string_view(to_string(AbortCause::operator_signal)) == "operator_signal");
static_assert(std::string_view(to_string(AbortCause::store_failure)) == "store_failure");

struct Context {
  const db::Connection& db;
  std::string where;  // "FILE: campaign N" for messages
};

void load_campaign(const Context& c, ResumePoint& out, std::optional<std::int64_t> campaign_id) {
  if (!campaign_id) {
    db::Statement newest(c.db, std::string("SELECT id FROM campaigns WHERE ") + kResumable + " ORDER BY id DESC LIMIT 1");
    if (!newest.step()) {
      throw std::runtime_error(c.where + ": no campaign is still running or was interrupted (nothing to resume)");
    }
    campaign_id = newest.column_int64(0);
  }
  db::Statement campaign(c.db, std::string("SELECT name, status, reason, ") + kResumable + " FROM campaigns WHERE id = ?1");
  campaign.bind(1, *campaign_id);
  if (!campaign.step()) throw std::runtime_error(c.where + ": no campaign " + std::to_string(*campaign_id));
  if (campaign.column_int64(3) == 0) {
    const std::string reason = campaign.is_null(2) ? "" : campaign.column_text(2);
    throw std::runtime_error(c.where + ": campaign " + std::to_string(*campaign_id) + " (" + campaign.column_text(0) +
                             ") already ended: " + campaign.column_text(1) + (reason.empty() ? "" : " — " + reason));
  }
  out.was_interrupted = campaign.column_text(1) != "running";
  out.campaign_id = *campaign_id;
  out.campaign_name = campaign.column_text(0);
  db::Statement files(c.db, "SELECT role, label, text FROM campaign_files WHERE campaign_id = ?1");
  files.bind(1, *campaign_id);
  while (files.step()) {
    const std::string role = files.column_text(0);
    (role == "campaign" ? out.campaign_label : out.station_label) = files.column_text(1);
    (role == "campaign" ? out.campaign_text : out.station_text) = files.column_text(2);
  }
  if (out.campaign_text.empty() || out.station_text.empty()) {
    throw std::runtime_error(c.where + ": campaign " + std::to_string(*campaign_id) +
                             " has no recorded campaign and station files (written before schema 2?)");
  }
}

void load_checkpoint(const Context& c, ResumePoint& out) {
  db::Statement last(c.db,
                     "SELECT run_id, plan_index, t_s, wall_unix_s, state_json FROM checkpoints "
                     "WHERE campaign_id = ?1 ORDER BY id DESC LIMIT 1");
  last.bind(1, out.campaign_id);
  if (!last.step()) return;  // died before its first checkpoint: start the plan again
  out.run_id = last.column_optional_int64(0);
  out.plan_index = static_cast<std::size_t>(last.column_int64(1));
  out.t_s = last.column_double(2);
  out.checkpoint_unix_s = last.column_double(3);
  const std::string state = last.column_text(4);
  out.replays_before = static_cast<int>(json_number(state, "replays_before").value_or(0));
  out.elapsed_profile_s = json_number(state, "elapsed_profile_s").value_or(0);
  out.speed = json_number(state, "speed").value_or(out.speed);
  if (auto id = json_number(state, "profile_id")) out.profile_id = static_cast<std::int64_t>(*id);
}

// A crash after a run was finished but before the next phase's checkpoint: the run is complete
// (measured and judged), so go on with the next phase rather than running the end of it again.
void skip_finished_run(const Context& c, ResumePoint& out) {
  if (!out.run_id) return;
  db::Statement run(c.db, "SELECT status, kind FROM runs WHERE id = ?1");
  run.bind(1, *out.run_id);
  if (!run.step() || run.column_text(0) != "completed") return;
  if (run.column_text(1) == "replay") ++out.replays_before;
  out.elapsed_profile_s += out.t_s;
  out.plan_index += 1;
  out.run_id.reset();
  out.t_s = 0;
}

// A crash between a phase's run being created and its first checkpoint: the checkpoint says
// "phase p, no run yet", but the run exists. Go on in it from its start (re-recording what it
// has), rather than leaving it behind and starting a second run for the same phase.
void adopt_started_run(const Context& c, ResumePoint& out) {
  if (out.run_id) return;
  db::Statement started(c.db, "SELECT id FROM runs WHERE campaign_id = ?1 AND ordinal = ?2 ORDER BY id DESC LIMIT 1");
  started.bind_all(out.campaign_id, static_cast<std::int64_t>(out.plan_index));
  if (!started.step()) return;
  out.run_id = started.column_int64(0);
  out.t_s = 0;
}

void load_profile(const Context& c, ResumePoint& out) {
  if (!out.profile_id) return;
  db::Statement profile(c.db, "SELECT proto FROM profiles WHERE id = ?1");
  profile.bind(1, *out.profile_id);
  if (!profile.step()) throw std::runtime_error(c.where + ": its profile " + std::to_string(*out.profile_id) + " is missing");
  profiles::pb::Profile parsed;
  if (!parsed.ParseFromString(profile.column_blob(0))) {
    throw std::runtime_error(c.where + ": its profile " + std::to_string(*out.profile_id) + " does not parse");
  }
  out.profile = std::move(parsed);
}

// Mean throughput per DUT of every completed baseline and reference run, for the verdicts.
void load_run_means(const Context& c, ResumePoint& out) {
  db::Statement means(c.db,
                      "SELECT r.id, r.kind, d.name, avg(s.value) FROM runs r "
                      "JOIN samples s ON s.run_id = r.id JOIN channels ch ON ch.id = s.channel_id "
                      "JOIN devices d ON d.id = ch.device_id "
                      "WHERE r.campaign_id = ?1 AND r.status = 'completed' AND r.kind IN ('baseline', 'reference') "
                      "AND d.kind = 'gpu' AND ch.name = 'tflops' GROUP BY r.id, d.name ORDER BY r.id");
  means.bind(1, out.campaign_id);
  while (means.step()) {
    const bool reference = means.column_text(1) == "reference";
    (reference ? out.reference_run_means : out.baseline_run_means)[means.column_text(2)].push_back(means.column_double(3));
    if (reference) out.last_reference_run_id = means.column_int64(0);
  }
}

void load_isolated(const Context& c, ResumePoint& out) {
  db::Statement isolated(c.db,
                         "SELECT DISTINCT d.name FROM measurements m JOIN devices d ON d.id = m.device_id "
                         "WHERE d.campaign_id = ?1 AND m.name = 'isolated'");
  isolated.bind(1, out.campaign_id);
  while (isolated.step()) out.isolated_duts.insert(isolated.column_text(0));
}

// The interrupted run's ticks before the checkpoint, per DUT (illumination joins on t_s).
void load_partial(const Context& c, ResumePoint& out) {
  if (!out.run_id) return;
  double measured_from_t_s = 0;
  {
    db::Statement run(c.db,
                      "SELECT r.kind, (SELECT value FROM measurements m WHERE m.run_id = r.id AND m.name = 'soak_s' "
                      "AND m.device_id IS NULL ORDER BY m.id DESC LIMIT 1) FROM runs r WHERE r.id = ?1");
    run.bind(1, *out.run_id);
    if (!run.step()) return;
    const std::string kind = run.column_text(0);
    if (!run.is_null(1)) {
      out.soak_s = run.column_double(1);
      measured_from_t_s = *out.soak_s;
    } else if (kind == "baseline" || kind == "reference") {
      return;  // still soaking: nothing measured yet
    }
  }
  db::Statement ticks(c.db,
                      "SELECT d.name, s.t_s, "
                      "max(CASE WHEN ch.name = 'tflops' THEN s.value END), "
                      "max(CASE WHEN ch.name = 'gpu_temp_c' THEN s.value END), "
                      "max(CASE WHEN ch.name = 'power_w' THEN s.value END), "
                      "(SELECT i.value FROM samples i JOIN channels ich ON ich.id = i.channel_id "
                      " JOIN devices idev ON idev.id = ich.device_id "
                      " WHERE i.run_id = s.run_id AND i.t_s = s.t_s AND ich.name = 'illumination' AND idev.kind = 'profile') "
                      "FROM samples s JOIN channels ch ON ch.id = s.channel_id JOIN devices d ON d.id = ch.device_id "
                      "WHERE s.run_id = ?1 AND s.t_s < ?2 AND s.t_s >= ?3 AND d.kind = 'gpu' "
                      "AND ch.name IN ('tflops', 'gpu_temp_c', 'power_w') GROUP BY d.name, s.t_s ORDER BY s.t_s");
  ticks.bind_all(*out.run_id, out.t_s, measured_from_t_s);
  while (ticks.step()) {
    if (ticks.is_null(2) || ticks.is_null(3) || ticks.is_null(4)) continue;  // a tick cut short by the crash
    PartialSample sample{ticks.column_double(2), ticks.column_double(3), ticks.column_double(4), std::nullopt};
    if (!ticks.is_null(5)) sample.sunlit = ticks.column_double(5) >= 0.5;
    out.partial[ticks.column_text(0)].push_back(sample);
  }
}

}  // namespace

std::string checkpoint_state_json(int replays_before, double elapsed_profile_s, double speed,
                                  std::optional<std::int64_t> profile_id) {
  char text[256];
  std::snprintf(text, sizeof text, "{\"replays_before\":%d,\"elapsed_profile_s\":%.17g,\"speed\":%.17g", replays_before,
                elapsed_profile_s, speed);
  std::string out = text;
  if (profile_id) out += ",\"profile_id\":" + std::to_string(*profile_id);
  return out + "}";
}

ResumePoint load_resume_point(const std::filesystem::path& db_path, std::optional<std::int64_t> campaign_id) {
  auto db = db::Connection::open_read_only(db_path);
  Context context{db, db_path.string()};
  ResumePoint out;
  load_campaign(context, out, campaign_id);
  context.where = db_path.string() + ": campaign " + std::to_string(out.campaign_id) + " (" + out.campaign_name + ")";
  load_checkpoint(context, out);
  skip_finished_run(context, out);
  adopt_started_run(context, out);
  load_profile(context, out);
  load_run_means(context, out);
  load_partial(context, out);
  load_isolated(context, out);
  return out;
}

}  // namespace ob::bench
