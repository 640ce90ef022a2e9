// orbitbench sensors URI [CHANNEL…] [--capture N [--rate HZ]]: look at an IIO context the way
// a station will read it, before a campaign depends on it (is board 3's thermocouple wired?).
//   no channel          every input channel with one reading each
//   CHANNEL…            one reading each: `DEVICE/CHANNEL VALUE UNIT`
//   --capture N         a buffered capture of N samples (libiio buffers) as CSV on stdout:
//                       `t_s,CHANNEL,…` with the device's own timestamps (UNIX seconds)
#include <asio/io_context.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/commands.hpp"
#include "drivers/common/run_until_ready.hpp"
#include "drivers/instrument_factory.hpp"

namespace ob::bench::cli {
namespace {

struct SensorsArgs {
  std::string uri;
  std::vector<std::string> channels;
  std::size_t capture_samples = 0;
  double rate_hz = 0;
  double timeout_s = 2;
};

int fault(const drivers::Fault& error) {
  std::fprintf(stderr, "orbitbench sensors: %s\n", error.message().c_str());
  return kExitError;
}

int print_readings(asio::io_context& io, drivers::SensorHub& hub, const std::vector<std::string>& channels) {
  for (const auto& channel : channels) {
    auto reading = drivers::run_until_ready(io, hub.read(channel));
    if (!reading) return fault(reading.error());
    std::printf("%-36s %12.6g %s\n", channel.c_str(), reading->value, reading->unit.c_str());
  }
  return kExitOk;
}

int print_capture(asio::io_context& io, drivers::SensorHub& hub, const SensorsArgs& args) {
  auto block = drivers::run_until_ready(io, hub.capture(args.channels, args.capture_samples, args.rate_hz));
  if (!block) return fault(block.error());
  std::printf("t_s");
  for (std::size_t i = 0; i < block->channels.size(); ++i) {
    std::printf(",%s%s%s%s", block->channels[i].c_str(), block->units[i].empty() ? "" : " [",
                block->units[i].c_str(), block->units[i].empty() ? "" : "]");
  }
  std::printf("\n");
  for (std::size_t k = 0; k < block->t_s.size(); ++k) {
    std::printf("%.6f", block->t_s[k]);
    for (const auto& series : block->values) std::printf(",%.9g", series[k]);
    std::printf("\n");
  }
  if (!block->device_timestamps) std::fprintf(stderr, "orbitbench sensors: the device has no timestamp channel; t_s is host time\n");
  return kExitOk;
}

int run_sensors(const SensorsArgs& args) {
  asio::io_context io;
  drivers::SensorHubOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long>(args.timeout_s * 1000));
  options.channels = args.capture_samples > 0 ? std::vector<std::string>{} : args.channels;
  std::unique_ptr<drivers::SensorHub> hub;
  try {
    hub = drivers::make_sensor_hub(io.get_executor(), "sensors", args.uri, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orbitbench sensors: %s\n", e.what());
    return kExitError;
  }
  auto identity = drivers::run_until_ready(io, hub->configure());
  if (!identity) return fault(identity.error());
  if (args.capture_samples > 0) {
    if (args.channels.empty()) {
      std::fprintf(stderr, "orbitbench sensors: --capture needs the channels to capture (DEVICE/CHANNEL …)\n");
      return kExitUsage;
    }
    return print_capture(io, *hub, args);
  }
  if (!args.channels.empty()) return print_readings(io, *hub, args.channels);
  std::fprintf(stderr, "%s %s (%s)\n", identity->vendor.c_str(), identity->model.c_str(), identity->firmware.c_str());
  auto listed = drivers::run_until_ready(io, hub->list_channels());
  if (!listed) return fault(listed.error());
  // Channels without a value of their own (a timestamp) are listed without one.
  for (const auto& channel : *listed) {
    auto reading = drivers::run_until_ready(io, hub->read(channel));
    if (reading) {
      std::printf("%-36s %12.6g %s\n", channel.c_str(), reading->value, reading->unit.c_str());
    } else {
      std::printf("%-36s %12s\n", channel.c_str(), "-");
    }
  }
  return kExitOk;
}

}  // namespace

Action add_sensors_command(CLI::App& app) {
  auto args = std::make_shared<SensorsArgs>();
  auto* sub = app.add_subcommand("sensors", "Read IIO sensors (libiio): list, read, or capture a buffer");
  sub->add_option("uri", args->uri, "IIO context: iio:ip:HOST[:PORT], iio:local:, iio:usb:[BUS.ADDR]")->required();
  sub->add_option("channels", args->channels, "DEVICE/CHANNEL (device by name, label or id), e.g. max31856/temp");
  sub->add_option("--capture", args->capture_samples, "Buffered capture of N samples, CSV on stdout")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  sub->add_option("--rate", args->rate_hz, "Write the device's sampling frequency (Hz) before capturing")
      ->check(CLI::Range(0.001, 1e6));
  sub->add_option("--timeout", args->timeout_s, "libiio I/O timeout in seconds (default 2)")->check(CLI::Range(0.01, 60.0));
  return [args] { return run_sensors(*args); };
}

}  // namespace ob::bench::cli
