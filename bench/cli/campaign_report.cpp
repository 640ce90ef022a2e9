#include "bench/cli/campaign_report.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "bench/cli/commands.hpp"
#include "bench/cli/result_format.hpp"
#include "bench/cli/results_push.hpp"
#include "bench/cli/results_source.hpp"
#include "bench/config/yaml_reader.hpp"
#include "bench/guardian.hpp"
#include "bench/station_lock.hpp"
#include "bench/terminal_answers.hpp"
#include "db/analyses.hpp"
#include "db/database.hpp"
#include "db/recorder.hpp"
#include "ob/version.hpp"

namespace ob::bench::cli {

int report_campaign(const CampaignOutcome& outcome, const std::string& campaign_name, const std::filesystem::path& db_path,
                    const char* command) {
  const auto absolute = std::filesystem::absolute(db_path).lexically_normal();
  if (outcome.refused) {  // nothing energised, nothing recorded
    std::fprintf(stderr, "orbitbench %s: campaign %s refused, nothing energised: %s\n", command, campaign_name.c_str(),
                 outcome.reason.c_str());
    return kExitError;
  }
  try {
    // The campaign's figures from the aggregates kept while recording (fast however long it ran).
    auto connection = db::Connection::open_read_only(db_path);
    db::AnalysisFilter filter;
    filter.campaign = std::to_string(outcome.campaign_id);
    const auto figures = db::query_degradation_figures(connection, filter).front();
    const auto summary = select_columns(figures, {"dut", "baseline_tflops", "reference_tflops", "reference_vs_baseline_pct",
                                                  "sunlit_tflops", "eclipse_tflops", "orbit_tflop_per_j", "thermal_s", "sdc",
                                                  "ecc_uncorrected", "verdict"});
    std::printf("\n%s", format_result(summary, ResultFormat::table).c_str());
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "orbitbench %s: cannot summarise: %s\n", command, e.what());
  }
  std::printf("\ncampaign %s: %s%s%s\n", campaign_name.c_str(), db::to_string(outcome.status),
              outcome.reason.empty() ? "" : " — ", outcome.reason.c_str());
  if (outcome.status == db::CampaignStatus::completed && !outcome.verdict_summary.empty()) {
    std::printf("verdict: %s\n", outcome.verdict_summary.c_str());
  }
  std::printf("database: %s\n", absolute.c_str());
  std::printf("query it: orbitbench query --db %s degradation   (or: sqlite3 %s)\n", db_path.c_str(), db_path.c_str());

  if (outcome.abort_cause == AbortCause::operator_signal) return kExitInterrupted;
  if (outcome.status != db::CampaignStatus::completed) return kExitCampaignAborted;
  if (!outcome.verdicts_pass) return kExitVerdictFail;
  return kExitOk;
}

int run_and_report(const CampaignConfig& config, const std::filesystem::path& db_path, const RunnerOptions& options,
                   const LogOptions& log, const char* command, const PushOptions& push, const ServeOptions& serve) {
  if (!serve.listen.empty()) {
    try {
      (void)live::parse_listen_address(serve.listen);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "orbitbench %s: --serve %s\n", command, e.what());
      return kExitUsage;
    }
  }
  // A plan that asks the operator needs someone who can answer: the terminal, or the live page.
  const bool from_terminal = TerminalAnswers::stdin_is_terminal();
  const auto prompt = std::find_if(config.plan.begin(), config.plan.end(), [](const PhaseConfig& p) { return p.kind == PhaseKind::prompt; });
  if (prompt != config.plan.end() && !from_terminal && serve.listen.empty()) {
    std::fprintf(stderr,
                 "orbitbench %s: campaign %s refused, nothing energised: %s:%d: its plan asks the operator (prompt), and nobody could "
                 "answer: run it from a terminal, or with --serve [HOST:]PORT to answer on the live page\n",
                 command, config.name.c_str(), config.label.c_str(), prompt->line);
    return kExitError;
  }
  const std::string push_url = push.url.empty() ? config.station.results.push_url : push.url;
  double push_every_s = config.station.results.push_every_s;
  if (!push.every.empty()) {
    const auto every = parse_duration_s(push.every);
    if (!every || *every < 1 || *every > 86400) {
      std::fprintf(stderr, "orbitbench %s: --push-every '%s': expected a duration from 1s to 1d: %s\n", command, push.every.c_str(),
                   kDurationForms);
      return kExitUsage;
    }
    push_every_s = *every;
  }
  if (!push_url.empty() && !continuous_push_built()) {
    std::fprintf(stderr, "orbitbench %s: campaign %s refused, nothing energised: pushing to %s needs PostgreSQL support, "
                         "which this orbitbench was built without (install libpq-dev and build again)\n",
                 command, config.name.c_str(), shown_db(push_url).c_str());
    return kExitError;
  }
  const std::filesystem::path path =
      db_path.empty() ? std::filesystem::path("results/" + config.station.name + ".db") : db_path;
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  CampaignOutcome outcome;
  std::unique_ptr<StationLock> lock;  // held until the campaign is over and reported
  try {
    lock = std::make_unique<StationLock>(config, path);
  } catch (const std::runtime_error& e) {  // StationBusy, or a lock file that cannot be made
    std::fprintf(stderr, "orbitbench %s: campaign %s refused, nothing energised: %s\n", command, config.name.c_str(),
                 e.what());
    return kExitError;
  }
  std::unique_ptr<CampaignLog> campaign_log;
  try {
    campaign_log = std::make_unique<CampaignLog>(log, path);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "orbitbench %s: campaign %s refused, nothing energised: %s\n", command, config.name.c_str(), e.what());
    return kExitError;
  }
  spdlog::info("orbitbench {} {}: campaign {} ({}) on station {}; database {}, log {}{}{}", ob::kVersion, command, config.name,
               config.label, config.station.name, path.string(), campaign_log->log_path().string(),
               log.trace_file.empty() ? "" : ", trace ", log.trace_file.string());
  std::unique_ptr<LiveView> live_view;  // before the campaign: a port taken refuses it, nothing energised
  if (!serve.listen.empty()) {
    try {
      live_view = std::make_unique<LiveView>(serve, config, path);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "orbitbench %s: campaign %s refused, nothing energised: %s\n", command, config.name.c_str(), e.what());
      return kExitError;
    }
  }
  // The guardian safes the bench if this process dies before its runner reaches the safe state.
  auto guardian = Guardian::start(config, path, lock.get());
  try {
    db::RecorderOptions recorder_options;
    if (live_view) recorder_options.observer = &live_view->observer();
    db::Recorder recorder(path, recorder_options);
    auto pusher = start_push(path, push_url, push_every_s);
    RunnerOptions with_push = options;
    with_push.prompts_on_terminal = from_terminal;
    if (pusher) with_push.push_status = [&pusher] { return pusher->progress_text(); };
    if (live_view) {
      with_push.live = &live_view->model();
      with_push.desk = &live_view->desk();
    }
    CampaignRunner runner(config, recorder, with_push);
    outcome = runner.run();
    if (live_view) live_view->finished(outcome);
    if (guardian) guardian->release();
    if (pusher) {
      recorder.flush();  // the campaign's last rows committed, then pushed
      pusher->finish();
    }
  } catch (const db::DbError& e) {
    spdlog::error("{}", e.what());
    std::fprintf(stderr, "orbitbench %s: %s\n", command, e.what());
    return kExitError;
  }
  if (outcome.refused) {
    spdlog::error("campaign {} refused, nothing energised: {}", config.name, outcome.reason);
  } else {
    spdlog::info("campaign {}: {}{}{}{}", config.name, db::to_string(outcome.status), outcome.reason.empty() ? "" : " — ",
                 outcome.reason, outcome.verdict_summary.empty() ? "" : "; verdict " + outcome.verdict_summary);
  }
  campaign_log.reset();  // every line written before the summary is printed
  return report_campaign(outcome, config.name, path, command);
}

void add_push_options(CLI::App& command, PushOptions& push) {
  command.add_option("--push", push.url, "Push the results to a lab's PostgreSQL while recording (postgresql://USER@HOST/DB; "
                                         "default: the station's results.push)");
  command.add_option("--push-every", push.every, "How often to push (default: the station's results.every, else 30s)");
}

void add_log_options(CLI::App& command, LogOptions& log) {
  command.add_option("--log-level", log.level, "What the terminal shows: trace, debug, info, warn (default), error, critical, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  command.add_option("--log", log.file, "Log file, appended to (default: beside the database, DB.log; UTC times)");
  command.add_option("--trace", log.trace_file,
                     "Write every instrument exchange (SCPI lines, Modbus requests and replies, agent frames, IIO reads) "
                     "with its UTC time, instrument and direction to this file");
}

}  // namespace ob::bench::cli
