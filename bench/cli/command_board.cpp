// orbitbench board AGENT_URI: one GPU board through its agent, outside any campaign — identify
// it, run a workload for a while, record every telemetry sample the agent took, and summarise
// throughput (median of the measured windows), telemetry completeness, silent data corruption
// and ECC. The check to run on a board before a campaign trusts it (docs/gpu-check.md).
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bench/board_channels.hpp"
#include "bench/cli/commands.hpp"
#include "bench/config/yaml_reader.hpp"
#include "db/recorder.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/gpu/agent_board.hpp"

namespace ob::bench::cli {
namespace {

struct BoardArgs {
  std::string uri;
  std::string secret_file;
  std::string workload = "gemm";
  std::string dtype = "bf16";
  std::string data = "randn";
  std::uint32_t size = 8192;
  std::string duration = "60s";
  double expect_hz = 10;
  double poll_s = 0.5;
  double warmup_s = 5;
  std::optional<double> power_cap_w;
  std::string db_path;
  double timeout_s = 5;
};

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

// What the check saw, for the summary and the database.
struct BoardCheck {
  std::vector<drivers::GpuTelemetry> samples;  // every sample taken after the workload started
  std::uint64_t dropped = 0;                   // samples the agent or client reported lost
  std::uint64_t seq_gaps = 0;                  // samples missing between consecutive sample numbers
  std::uint64_t sdc_before = 0, ecc_uncorrected_before = 0, ecc_corrected_before = 0;
  double duration_s = 0;
  std::set<std::uint64_t> reasons;
};

// " randn" / " integer" for a GEMM, nothing for the HBM kernel (its data is a fixed pattern).
std::string data_label(const BoardArgs& args) { return args.workload == "gemm" ? " " + args.data : std::string(); }

class BoardSession {
 public:
  BoardSession(asio::io_context& io, const BoardArgs& args, drivers::GpuBoardOptions options, double duration_s)
      : io_(io), args_(args), duration_s_(duration_s) {
    board_ = drivers::make_gpu_board(io.get_executor(), "board", drivers::parse_uri(args.uri), options);
  }

  int exit_code() const { return exit_code_; }
  const BoardCheck& check() const { return check_; }
  const drivers::Identity& identity() const { return identity_; }
  bool interrupted() const { return interrupted_; }
  void interrupt() {
    interrupted_ = true;
    if (wait_) wait_->cancel();
  }

  asio::awaitable<void> run() {
    auto identity = co_await board_->configure();
    if (!identity) co_return fail(identity.error());
    identity_ = *identity;
    configured_ = true;
    const auto spec = board_->spec();
    std::fprintf(stderr, "board %s (%s), driver %s, power limit %.0f–%.0f W (default %.0f W)\n", spec.name.c_str(),
                 spec.uuid.c_str(), identity_.firmware.c_str(), spec.power_limit_min_w, spec.power_limit_max_w,
                 spec.power_limit_default_w);
    if (args_.power_cap_w) {
      auto capped = co_await board_->set_power_cap(*args_.power_cap_w);
      if (!capped) co_return fail(capped.error());
    }
    auto before = co_await board_->read_telemetry();
    if (!before) co_return fail(before.error());
    check_.sdc_before = before->sdc_count;
    check_.ecc_uncorrected_before = before->ecc_uncorrected;
    check_.ecc_corrected_before = before->ecc_corrected;
    auto stale = co_await board_->read_telemetry_batch();  // what the agent sampled before the load
    if (!stale) co_return fail(stale.error());

    drivers::WorkloadSpec workload;
    workload.kind = args_.workload;
    workload.dtype = args_.dtype;
    workload.data = args_.data;
    workload.size = args_.size;
    auto started = co_await board_->start_workload(workload);
    if (!started) co_return fail(started.error());
    const auto start = std::chrono::steady_clock::now();
    std::fprintf(stderr, "%s %s%s n=%u for %.0f s; telemetry every %.0f ms expected\n", args_.workload.c_str(),
                 args_.dtype.c_str(), data_label(args_).c_str(), args_.size, duration_s_, 1000.0 / args_.expect_hz);
    asio::steady_timer timer(io_);
    wait_ = &timer;
    const auto poll = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(args_.poll_s));
    const auto end = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(duration_s_));
    while (!interrupted_ && std::chrono::steady_clock::now() < end) {
      timer.expires_at(std::min(end, std::chrono::steady_clock::now() + poll));
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      auto batch = co_await board_->read_telemetry_batch();
      if (!batch) {
        wait_ = nullptr;
        co_return fail(batch.error());
      }
      take(*batch);
    }
    wait_ = nullptr;
    check_.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto stopped = co_await board_->stop_workload();
    if (!stopped) co_return fail(stopped.error());
    exit_code_ = interrupted_ ? kExitInterrupted : kExitOk;
  }

  asio::awaitable<void> safe_state() {
    if (!configured_) co_return;  // never reached the board: nothing was changed on it
    const auto status = co_await board_->safe_state();
    if (!status) std::fprintf(stderr, "orbitbench board: safe state NOT confirmed: %s\n", status.error().message().c_str());
  }

 private:
  void take(const drivers::GpuTelemetryBatch& batch) {
    check_.dropped += batch.dropped;
    for (const auto& sample : batch.samples) {
      if (!check_.samples.empty() && sample.sample_seq > check_.samples.back().sample_seq + 1) {
        check_.seq_gaps += sample.sample_seq - check_.samples.back().sample_seq - 1;
      }
      check_.reasons.insert(sample.clock_event_reasons);
      check_.samples.push_back(sample);
    }
  }

  void fail(const drivers::Fault& fault) {
    std::fprintf(stderr, "orbitbench board: %s\n", fault.message().c_str());
    exit_code_ = kExitError;
  }

  asio::io_context& io_;
  const BoardArgs& args_;
  double duration_s_;
  std::unique_ptr<drivers::GpuBoard> board_;
  drivers::Identity identity_;
  BoardCheck check_;
  asio::steady_timer* wait_ = nullptr;
  bool interrupted_ = false;
  bool configured_ = false;
  int exit_code_ = kExitError;
};

struct Summary {
  double tflops_median = 0;
  std::size_t windows_samples = 0;
  double completeness_pct = 0;
  std::uint64_t expected = 0;
  std::uint64_t sdc = 0;
  std::uint64_t ecc_uncorrected = 0;
  std::uint64_t ecc_corrected = 0;
};

Summary summarise(const BoardCheck& check, const BoardArgs& args) {
  Summary out;
  std::vector<double> throughput;
  if (!check.samples.empty()) {
    const double first_s = check.samples.front().board_time_s;
    for (const auto& sample : check.samples) {
      const double value = args.workload == "hbm" ? sample.hbm_gbps : sample.tflops;
      if (sample.workload_running && value > 0 && sample.board_time_s - first_s >= args.warmup_s) {
        throughput.push_back(value);
      }
    }
    const auto& last = check.samples.back();
    out.sdc = last.sdc_count - std::min(last.sdc_count, check.sdc_before);
    out.ecc_uncorrected = last.ecc_uncorrected - std::min(last.ecc_uncorrected, check.ecc_uncorrected_before);
    out.ecc_corrected = last.ecc_corrected - std::min(last.ecc_corrected, check.ecc_corrected_before);
  }
  out.tflops_median = median(throughput);
  out.windows_samples = throughput.size();
  // Expected: the loaded duration at the agent's rate, or the span the samples cover when it is
  // longer (samples taken while the start request was answered count on both sides).
  out.expected = static_cast<std::uint64_t>(std::floor(check.duration_s * args.expect_hz));
  if (check.samples.size() >= 2) {
    const double span_s = check.samples.back().board_time_s - check.samples.front().board_time_s;
    out.expected = std::max(out.expected, static_cast<std::uint64_t>(std::floor(span_s * args.expect_hz + 0.5)) + 1);
  }
  out.completeness_pct = out.expected == 0 ? 0 : 100.0 * static_cast<double>(check.samples.size()) / static_cast<double>(out.expected);
  return out;
}

void record(const std::filesystem::path& path, const BoardArgs& args, const BoardSession& session, const Summary& summary,
            double started_unix_s, int exit_code) {
  db::Recorder recorder(path);
  db::CampaignRow campaign;
  campaign.name = "board-check";
  campaign.station = args.uri;
  campaign.config_yaml = "# orbitbench board " + args.uri + " --workload " + args.workload + " --dtype " + args.dtype +
                         (args.workload == "gemm" ? " --data " + args.data : std::string()) + " --size " +
                         std::to_string(args.size) + " --duration " + args.duration + "\n";
  campaign.started_unix_s = started_unix_s;
  const auto campaign_id = recorder.add_campaign(campaign);
  const auto& id = session.identity();
  const auto device_id = recorder.add_device(campaign_id, db::DeviceRow{"board", "gpu", args.uri, id.vendor, id.model, id.serial, id.firmware});
  db::RunRow run;
  run.campaign_id = campaign_id;
  run.kind = db::RunKind::baseline;
  run.label = "board check (" + args.workload + " " + args.dtype + data_label(args) + ")";
  run.started_unix_s = started_unix_s;
  const auto run_id = recorder.add_run(run);
  std::array<std::int64_t, kBoardChannelCount> channels{};
  for (std::size_t i = 0; i < kBoardChannelCount; ++i) {
    channels[i] = recorder.add_channel(device_id, std::string(kBoardChannels[i].name), std::string(kBoardChannels[i].unit));
  }
  const auto& samples = session.check().samples;
  const double t0 = samples.empty() ? 0 : samples.front().board_time_s;
  for (const auto& sample : samples) {
    const auto values = board_channel_values(sample);
    for (std::size_t i = 0; i < kBoardChannelCount; ++i) {
      recorder.add_sample(db::SampleRow{run_id, channels[i], sample.board_time_s - t0, sample.board_time_s, values[i]});
    }
  }
  if (!samples.empty()) {  // nothing measured: no figures to judge
    auto measure = [&](const char* name, double value, const char* unit, std::optional<double> high, const char* verdict) {
      recorder.add_measurement(db::MeasurementRow{run_id, device_id, name, value, unit, std::nullopt, high, verdict});
    };
    measure(args.workload == "hbm" ? "hbm_gbps_median" : "tflops_median", summary.tflops_median,
            args.workload == "hbm" ? "GB/s" : "TFLOP/s", std::nullopt, "info");
    measure("telemetry_completeness_pct", summary.completeness_pct, "%", std::nullopt, "info");
    measure("sdc_count", static_cast<double>(summary.sdc), "count", 0.0, summary.sdc == 0 ? "pass" : "fail");
    measure("ecc_uncorrected", static_cast<double>(summary.ecc_uncorrected), "count", 0.0,
            summary.ecc_uncorrected == 0 ? "pass" : "fail");
  }
  const double ended = unix_now_s();
  const bool completed = exit_code == kExitOk || exit_code == kExitVerdictFail;
  recorder.finish_run(run_id, completed ? db::RunStatus::completed : db::RunStatus::aborted, ended);
  recorder.finish_campaign(campaign_id, completed ? db::CampaignStatus::completed : db::CampaignStatus::aborted, ended,
                           completed ? "" : "interrupted or failed");
}

int run_board(const BoardArgs& args) {
  const auto duration_s = parse_duration_s(args.duration);
  if (!duration_s || *duration_s <= 0) {
    std::fprintf(stderr, "orbitbench board: --duration '%s' is not a duration: %s\n", args.duration.c_str(), kDurationForms);
    return kExitUsage;
  }
  drivers::GpuBoardOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long>(args.timeout_s * 1000));
  try {
    if (!args.secret_file.empty()) options.secret = drivers::read_agent_secret_file(args.secret_file, "board");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench board: %s\n", e.what());
    return kExitError;
  }
  asio::io_context io;
  std::unique_ptr<BoardSession> session;
  try {
    session = std::make_unique<BoardSession>(io, args, options, *duration_s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench board: %s\n", e.what());
    return kExitUsage;
  }
  const double started_unix_s = unix_now_s();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code& ec, int) {
    if (!ec) session->interrupt();
  });
  // Whatever happens, the board ends with its workload stopped and its default power cap.
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await session->run();
    co_await session->safe_state();
    signals.cancel();
  }, [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  });
  io.run();

  const auto summary = summarise(session->check(), args);
  if (!session->check().samples.empty()) {
    const char* unit = args.workload == "hbm" ? "GB/s" : "TFLOP/s";
    std::printf("board %s\n", session->identity().model.c_str());
    // gemm_bf16_randn_median, gemm_bf16_integer_median, hbm_bf16_median: scripts/gpu-check.sh reads them.
    std::string label = args.workload + "_" + args.dtype + data_label(args);
    std::replace(label.begin(), label.end(), ' ', '_');
    std::printf("%s_median %.1f %s (%zu samples after %.0f s warm-up)\n", label.c_str(), summary.tflops_median, unit,
                summary.windows_samples, args.warmup_s);
    std::printf("telemetry_completeness %.2f %% (%zu of %llu samples at %.0f Hz; %llu missing sample numbers, %llu dropped)\n",
                summary.completeness_pct, session->check().samples.size(), static_cast<unsigned long long>(summary.expected),
                args.expect_hz, static_cast<unsigned long long>(session->check().seq_gaps),
                static_cast<unsigned long long>(session->check().dropped));
    std::printf("sdc_count %llu\n", static_cast<unsigned long long>(summary.sdc));
    std::printf("ecc %llu corrected, %llu uncorrected\n", static_cast<unsigned long long>(summary.ecc_corrected),
                static_cast<unsigned long long>(summary.ecc_uncorrected));
    std::string reasons;
    for (auto mask : session->check().reasons) {
      char text[24];
      std::snprintf(text, sizeof text, "%s0x%llx", reasons.empty() ? "" : " ", static_cast<unsigned long long>(mask));
      reasons += text;
    }
    std::printf("clock_event_reasons seen: %s\n", reasons.c_str());
  }
  int exit_code = session->exit_code();
  if (exit_code == kExitOk && (summary.sdc > 0 || summary.ecc_uncorrected > 0)) exit_code = kExitVerdictFail;
  if (!args.db_path.empty() && !session->identity().model.empty()) {
    try {
      std::filesystem::path path(args.db_path);
      if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
      record(path, args, *session, summary, started_unix_s, exit_code);
      std::printf("database: %s\n", args.db_path.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "orbitbench board: %s: %s\n", args.db_path.c_str(), e.what());
      return kExitError;
    }
  }
  return exit_code;
}

}  // namespace

Action add_board_command(CLI::App& app) {
  auto args = std::make_shared<BoardArgs>();
  auto* sub = app.add_subcommand("board", "Check one GPU board through its agent: workload, telemetry, SDC");
  sub->add_option("agent", args->uri, "agent://HOST[:PORT][?gpu=N]")->required();
  sub->add_option("--secret-file", args->secret_file, "The agent's shared secret (a file only you can read)");
  sub->add_option("--workload", args->workload, "gemm | hbm")->check(CLI::IsMember({"gemm", "hbm"}));
  sub->add_option("--dtype", args->dtype, "bf16 | fp16 | tf32 | fp32")->check(CLI::IsMember({"bf16", "fp16", "tf32", "fp32"}));
  sub->add_option("--data", args->data, "gemm inputs: randn (default; real work's power draw) | integer (exact products)")
      ->check(CLI::IsMember({"randn", "integer"}));
  sub->add_option("--size", args->size, "gemm: n of n×n×n; hbm: MiB per buffer")->check(CLI::Range(1u, 1u << 20));
  sub->add_option("--duration", args->duration, "How long to load the board (default 60s)");
  sub->add_option("--expect-hz", args->expect_hz, "The agent's telemetry rate, for completeness (default 10)")
      ->check(CLI::Range(0.1, 1000.0));
  sub->add_option("--warmup", args->warmup_s, "Seconds of throughput left out of the median (default 5)")
      ->check(CLI::Range(0.0, 3600.0));
  sub->add_option("--power-cap", args->power_cap_w, "Set this power cap (W) first; refused by a --read-only agent");
  sub->add_option("--db", args->db_path, "Record the samples and figures into this database");
  sub->add_option("--timeout", args->timeout_s, "Deadline of each agent exchange in seconds (default 5)")
      ->check(CLI::Range(0.1, 120.0));
  return [args] { return run_board(*args); };
}

}  // namespace ob::bench::cli
