#include "drivers/iio/iio_sensor_hub.hpp"

#include <iio.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "drivers/common/trace.hpp"
#include "drivers/common/async_mutex.hpp"
#include "drivers/transport/deadline.hpp"

namespace ob::drivers {
namespace {

std::string errno_text(int err) {
  char buffer[256] = {};
  iio_strerror(err, buffer, sizeof buffer);
  return buffer;
}

FaultKind kind_for_errno(int err) {
  switch (err) {
    case ETIMEDOUT:
      return FaultKind::timeout;
    case EPIPE:
    case ECONNRESET:
    case ECONNREFUSED:
    case ECONNABORTED:
    case ENOTCONN:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case ESHUTDOWN:
    case EBADF:
      return FaultKind::link_lost;
    default:
      return FaultKind::instrument_error;
  }
}

bool is_link_fault(FaultKind kind) { return kind == FaultKind::link_lost || kind == FaultKind::timeout; }

// One thread per hub that alone calls libiio for it; jobs run in submission order.
class Worker {
 public:
  Worker() : thread_([this] { loop(); }) {}
  ~Worker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      queue_.clear();
    }
    wake_.notify_all();
    thread_.join();  // waits for a job in progress (bounded by libiio's own timeout)
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void submit(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

 private:
  void loop() {
    // libiio 0.24 writes to its socket without MSG_NOSIGNAL: a peer gone would raise SIGPIPE and
    // end the process. Blocked on this thread (SIGPIPE goes to the writing thread), write()
    // answers EPIPE instead, which libiio reports and we treat as a lost link.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the rest is built
};

// Touched only on the worker thread.
struct Session {
  std::string instrument;
  std::string libiio_uri;
  unsigned timeout_ms = 1000;
  iio_context* ctx = nullptr;
  std::map<std::string, iio_channel*> resolved;

  ~Session() { close(); }
  void close() {
    resolved.clear();
    if (ctx) iio_context_destroy(ctx);
    ctx = nullptr;
  }
};

std::string device_name(const iio_device* dev) {
  const char* name = iio_device_get_name(dev);
  return name && *name ? name : iio_device_get_id(dev);
}

// How to address a device unambiguously: its label when it has one (several boards carry the
// same sensor model: board0-rail, board1-rail), else its name, else its id.
std::string device_address(const iio_device* dev) {
  const char* label = iio_device_get_label(dev);
  return label && *label ? label : device_name(dev);
}

std::string device_list(const iio_context* ctx) {
  std::string out;
  for (unsigned i = 0; i < iio_context_get_devices_count(ctx); ++i) {
    out += (out.empty() ? "" : ", ") + device_name(iio_context_get_device(ctx, i));
  }
  return out.empty() ? "none" : out;
}

std::string input_channel_list(const iio_device* dev) {
  std::string out;
  for (unsigned i = 0; i < iio_device_get_channels_count(dev); ++i) {
    const iio_channel* ch = iio_device_get_channel(dev, i);
    if (iio_channel_is_output(ch)) continue;
    out += (out.empty() ? "" : ", ") + std::string(iio_channel_get_id(ch));
  }
  return out.empty() ? "none" : out;
}

Result<Identity> open_context(Session& s) {
  s.close();
  errno = 0;
  std::string uri_copy = s.libiio_uri;  // libiio 0.24's ip backend writes into the text it is given
  iio_context* ctx = iio_create_context_from_uri(uri_copy.c_str());
  if (!ctx) {
    const int err = errno ? errno : EIO;
    return fail(FaultKind::link_lost, s.instrument, "cannot create IIO context '" + s.libiio_uri + "': " + errno_text(err));
  }
  s.ctx = ctx;
  if (const int ret = iio_context_set_timeout(ctx, s.timeout_ms); ret < 0 && ret != -ENOSYS) {  // xml: has none
    s.close();
    return fail(kind_for_errno(-ret), s.instrument, "setting the IIO timeout on '" + s.libiio_uri + "': " + errno_text(-ret));
  }
  Identity id;
  id.vendor = "IIO";
  const char* hw_model = iio_context_get_attr_value(ctx, "hw_model");
  id.model = hw_model ? hw_model : std::string(iio_context_get_name(ctx)) + " context: " + device_list(ctx);
  const char* hw_serial = iio_context_get_attr_value(ctx, "hw_serial");
  id.serial = hw_serial ? hw_serial : "";
  unsigned major = 0, minor = 0;
  char tag[8] = {};
  if (iio_context_get_version(ctx, &major, &minor, tag) == 0) {
    id.firmware = "libiio " + std::to_string(major) + "." + std::to_string(minor) + " (" + tag + ")";
  }
  return id;
}

Result<iio_channel*> resolve(Session& s, const std::string& address) {
  if (auto it = s.resolved.find(address); it != s.resolved.end()) return it->second;
  auto parts = parse_channel_address(address);
  if (!parts) return fail(FaultKind::protocol, s.instrument, "'" + address + "' is not DEVICE/CHANNEL (e.g. ina226/voltage1)");
  if (!s.ctx) return fail(FaultKind::link_lost, s.instrument, address + ": no IIO context");
  iio_device* dev = iio_context_find_device(s.ctx, parts->device.c_str());
  if (!dev) {
    return fail(FaultKind::protocol, s.instrument,
                address + ": no device '" + parts->device + "' in " + s.libiio_uri + " (devices: " + device_list(s.ctx) + ")");
  }
  iio_channel* ch = iio_device_find_channel(dev, parts->channel.c_str(), false);
  if (!ch) {
    return fail(FaultKind::protocol, s.instrument,
                address + ": no input channel '" + parts->channel + "' on " + parts->device +
                    " (channels: " + input_channel_list(dev) + ")");
  }
  s.resolved.emplace(address, ch);
  return ch;
}

Status resolve_all(Session& s, const std::vector<std::string>& addresses) {
  for (const auto& address : addresses) {
    if (auto ch = resolve(s, address); !ch) return std::unexpected(ch.error());
  }
  return {};
}

Result<double> read_attr(const Session& s, const iio_channel* ch, const std::string& address, const char* attr) {
  double value = 0;
  if (trace_enabled()) trace(s.instrument, TraceDirection::sent, "read " + address + " " + attr);
  if (const int ret = iio_channel_attr_read_double(ch, attr, &value); ret < 0) {
    auto failed = fail(kind_for_errno(-ret), s.instrument, "reading " + address + " " + attr + ": " + errno_text(-ret));
    if (trace_enabled()) trace(s.instrument, TraceDirection::failed, failed.error().message());
    return failed;
  }
  if (trace_enabled()) trace(s.instrument, TraceDirection::received, address + " " + attr + " = " + std::to_string(value));
  return value;
}

Result<SensorReading> read_channel(Session& s, const std::string& address) {
  auto ch = resolve(s, address);
  if (!ch) return std::unexpected(ch.error());
  const std::string id = iio_channel_get_id(*ch);
  const IioUnit unit = iio_unit_for_channel(id);
  SensorReading reading;
  reading.unit = unit.unit;
  if (iio_channel_find_attr(*ch, "input")) {  // already processed by the kernel driver
    auto input = read_attr(s, *ch, address, "input");
    if (!input) return std::unexpected(input.error());
    reading.value = *input * unit.factor;
  } else {
    auto raw = read_attr(s, *ch, address, "raw");
    if (!raw) return std::unexpected(raw.error());
    double scale = 1, offset = 0;
    if (iio_channel_find_attr(*ch, "scale")) {
      auto value = read_attr(s, *ch, address, "scale");
      if (!value) return std::unexpected(value.error());
      scale = *value;
    }
    if (iio_channel_find_attr(*ch, "offset")) {
      auto value = read_attr(s, *ch, address, "offset");
      if (!value) return std::unexpected(value.error());
      offset = *value;
    }
    reading.value = iio_convert(*raw, scale, offset, id);
  }
  reading.t_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return reading;
}

// --- buffered capture -----------------------------------------------------------------------

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One converted sample of `ch` at `p` (libiio applies byte order, shift and sign extension).
double scan_value(const iio_channel* ch, const void* p) {
  const iio_data_format* format = iio_channel_get_data_format(ch);
  std::uint64_t bits = 0;
  iio_channel_convert(ch, &bits, p);
  switch (format->length) {
    case 8: return format->is_signed ? static_cast<double>(static_cast<std::int8_t>(bits)) : static_cast<double>(static_cast<std::uint8_t>(bits));
    case 16: return format->is_signed ? static_cast<double>(static_cast<std::int16_t>(bits)) : static_cast<double>(static_cast<std::uint16_t>(bits));
    case 32: return format->is_signed ? static_cast<double>(static_cast<std::int32_t>(bits)) : static_cast<double>(static_cast<std::uint32_t>(bits));
    default: return format->is_signed ? static_cast<double>(static_cast<std::int64_t>(bits)) : static_cast<double>(bits);
  }
}

Status set_sampling_frequency(const Session& s, iio_device* dev, double rate_hz) {
  for (const char* attr : {"in_sampling_frequency", "sampling_frequency"}) {
    if (!iio_device_find_attr(dev, attr)) continue;
    if (const int ret = iio_device_attr_write_longlong(dev, attr, std::llround(rate_hz)); ret < 0) {
      return fail(kind_for_errno(-ret), s.instrument, "writing " + device_name(dev) + " " + attr + ": " + errno_text(-ret));
    }
    return {};
  }
  return fail(FaultKind::protocol, s.instrument, device_name(dev) + " has no sampling_frequency attribute");
}

// Enables what a capture needs and disables it again, whatever happens in between.
class EnabledChannels {
 public:
  EnabledChannels(iio_device* dev, const std::vector<iio_channel*>& wanted) : dev_(dev) {
    for (unsigned i = 0; i < iio_device_get_channels_count(dev); ++i) iio_channel_disable(iio_device_get_channel(dev, i));
    for (auto* ch : wanted) iio_channel_enable(ch);
  }
  ~EnabledChannels() {
    for (unsigned i = 0; i < iio_device_get_channels_count(dev_); ++i) iio_channel_disable(iio_device_get_channel(dev_, i));
  }
  EnabledChannels(const EnabledChannels&) = delete;
  EnabledChannels& operator=(const EnabledChannels&) = delete;

 private:
  iio_device* dev_;
};

Result<CaptureBlock> capture_block(Session& s, const std::vector<std::string>& addresses, std::size_t samples,
                                   double rate_hz) {
  if (addresses.empty() || samples == 0) return fail(FaultKind::protocol, s.instrument, "capture needs channels and samples");
  std::vector<iio_channel*> channels;
  iio_device* dev = nullptr;
  for (const auto& address : addresses) {
    auto ch = resolve(s, address);
    if (!ch) return std::unexpected(ch.error());
    if (!iio_channel_is_scan_element(*ch)) {
      return fail(FaultKind::protocol, s.instrument, address + ": not a scan element, so it cannot be captured in a buffer");
    }
    iio_device* owner = const_cast<iio_device*>(iio_channel_get_device(*ch));
    if (dev && owner != dev) return fail(FaultKind::protocol, s.instrument, address + ": a capture reads one device at a time");
    dev = owner;
    channels.push_back(*ch);
  }
  if (rate_hz > 0) {
    if (auto ok = set_sampling_frequency(s, dev, rate_hz); !ok) return std::unexpected(ok.error());
  }
  iio_channel* timestamp = iio_device_find_channel(dev, "timestamp", false);
  if (timestamp && !iio_channel_is_scan_element(timestamp)) timestamp = nullptr;
  auto enabled_list = channels;
  if (timestamp) enabled_list.push_back(timestamp);
  EnabledChannels enabled(dev, enabled_list);

  CaptureBlock block;
  block.channels = addresses;
  std::vector<double> scale(channels.size(), 1.0), offset(channels.size(), 0.0);
  for (std::size_t i = 0; i < channels.size(); ++i) {
    block.units.push_back(iio_unit_for_channel(iio_channel_get_id(channels[i])).unit);
    if (iio_channel_find_attr(channels[i], "scale")) {
      auto value = read_attr(s, channels[i], addresses[i], "scale");
      if (!value) return std::unexpected(value.error());
      scale[i] = *value;
    }
    if (iio_channel_find_attr(channels[i], "offset")) {
      auto value = read_attr(s, channels[i], addresses[i], "offset");
      if (!value) return std::unexpected(value.error());
      offset[i] = *value;
    }
  }
  errno = 0;
  iio_buffer* buffer = iio_device_create_buffer(dev, samples, false);
  if (!buffer) {
    const int err = errno ? errno : EIO;
    return fail(kind_for_errno(err), s.instrument, "opening a buffer on " + device_name(dev) + ": " + errno_text(err));
  }
  // libiio's own timeout covers one network exchange; a refill lasts as long as its samples.
  const double expected_s = static_cast<double>(samples) / (rate_hz > 0 ? rate_hz : 1.0);
  iio_context_set_timeout(s.ctx, s.timeout_ms + static_cast<unsigned>(expected_s * 1000.0));
  const ssize_t bytes = iio_buffer_refill(buffer);
  const double refilled_s = unix_now_s();
  iio_context_set_timeout(s.ctx, s.timeout_ms);
  if (bytes < 0) {
    iio_buffer_destroy(buffer);
    return fail(kind_for_errno(static_cast<int>(-bytes)), s.instrument,
                "reading a buffer from " + device_name(dev) + ": " + errno_text(static_cast<int>(-bytes)));
  }
  block.values.assign(channels.size(), {});
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const std::string id = iio_channel_get_id(channels[i]);
    const std::ptrdiff_t step = iio_buffer_step(buffer);
    for (auto* p = static_cast<char*>(iio_buffer_first(buffer, channels[i])); p < iio_buffer_end(buffer); p += step) {
      block.values[i].push_back(iio_convert(scan_value(channels[i], p), scale[i], offset[i], id));
    }
  }
  const std::size_t count = block.values.front().size();
  if (timestamp) {
    const std::ptrdiff_t step = iio_buffer_step(buffer);
    for (auto* p = static_cast<char*>(iio_buffer_first(buffer, timestamp)); p < iio_buffer_end(buffer); p += step) {
      block.t_s.push_back(scan_value(timestamp, p) * 1e-9);
    }
    block.device_timestamps = true;
  } else {
    const double period_s = rate_hz > 0 ? 1.0 / rate_hz : 0.0;
    for (std::size_t k = 0; k < count; ++k) block.t_s.push_back(refilled_s - static_cast<double>(count - 1 - k) * period_s);
  }
  iio_buffer_destroy(buffer);
  return block;
}

// --- reading channels: one scan per timestamped device, attributes for the rest ------------

// The device can stamp its scans: a `timestamp` channel that is a scan element (IIO has no sysfs
// attribute for it, so only a buffered scan carries it).
bool has_timestamp_scan(const iio_device* dev) {
  const iio_channel* timestamp = iio_device_find_channel(dev, "timestamp", false);
  return timestamp && iio_channel_is_scan_element(timestamp);
}

// How a list of channels is read: per device with a timestamp, one group of its scan elements
// read by one scan; every other channel a group of its own, read by its attributes.
struct ReadGroup {
  std::vector<std::size_t> indices;  // into the channels asked, in their order
  bool scan = false;
};

Result<std::vector<ReadGroup>> plan_reads(Session& s, const std::vector<std::string>& addresses) {
  std::vector<ReadGroup> groups;
  std::map<const iio_device*, std::size_t> scan_group;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    auto ch = resolve(s, addresses[i]);
    if (!ch) return std::unexpected(ch.error());
    const iio_device* dev = iio_channel_get_device(*ch);
    if (!iio_channel_is_scan_element(*ch) || !has_timestamp_scan(dev)) {
      groups.push_back(ReadGroup{{i}, false});
      continue;
    }
    const auto [at, added] = scan_group.emplace(dev, groups.size());
    if (added) groups.push_back(ReadGroup{{}, true});
    groups[at->second].indices.push_back(i);
  }
  return groups;
}

// One scan (a one-sample buffered capture) of scan elements of one device, as readings.
Result<std::vector<SensorReading>> read_scan(Session& s, const std::vector<std::string>& addresses) {
  auto block = capture_block(s, addresses, 1, 0);
  if (!block) return std::unexpected(block.error());
  const double host_t_s = unix_now_s();
  std::vector<SensorReading> out;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (block->values[i].empty()) return fail(FaultKind::protocol, s.instrument, "reading " + addresses[i] + ": an empty scan");
    SensorReading reading;
    reading.value = block->values[i].front();
    reading.unit = block->units[i];
    reading.t_s = host_t_s;
    if (block->device_timestamps && !block->t_s.empty()) reading.device_t_s = block->t_s.front();
    out.push_back(std::move(reading));
  }
  return out;
}

Result<std::vector<SensorReading>> read_group(Session& s, const std::vector<std::string>& addresses, bool scan) {
  if (scan) return read_scan(s, addresses);
  auto reading = read_channel(s, addresses.front());
  if (!reading) return std::unexpected(reading.error());
  return std::vector<SensorReading>{std::move(*reading)};
}

std::vector<std::string> all_input_channels(const Session& s) {
  std::vector<std::string> out;
  if (!s.ctx) return out;
  for (unsigned i = 0; i < iio_context_get_devices_count(s.ctx); ++i) {
    const iio_device* dev = iio_context_get_device(s.ctx, i);
    for (unsigned j = 0; j < iio_device_get_channels_count(dev); ++j) {
      const iio_channel* ch = iio_device_get_channel(dev, j);
      if (!iio_channel_is_output(ch)) out.push_back(device_address(dev) + "/" + iio_channel_get_id(ch));
    }
  }
  return out;
}

template <class T>
using Job = std::function<Result<T>(Session&)>;

class IioSensorHub final : public SensorHub {
 public:
  IioSensorHub(asio::any_io_executor executor, std::string name, IioUri uri, SensorHubOptions options)
      : executor_(std::move(executor)),
        name_(std::move(name)),
        uri_(std::move(uri)),
        options_(std::move(options)),
        session_(std::make_shared<Session>()),
        mutex_(executor_) {
    session_->instrument = name_;
    session_->libiio_uri = uri_.libiio_uri;
    session_->timeout_ms = static_cast<unsigned>(std::max<long long>(1, options_.timeout.count()));
  }

  asio::awaitable<Result<Identity>> configure() override {
    auto guard = co_await mutex_.lock();
    configured_ = true;
    std::string what = "creating the IIO context";
    auto job = connect_job();
    auto id = co_await call<Identity>(options_.connect_timeout, std::move(what), std::move(job));
    connected_ = id.has_value();
    if (!id && is_link_fault(id.error().kind)) lost_reason_ = id.error().message();
    co_return id;
  }

  asio::awaitable<Result<SensorReading>> read(std::string channel) override {
    auto guard = co_await mutex_.lock();
    std::vector<std::string> channels{std::move(channel)};
    auto readings = co_await read_channels(std::move(channels));
    if (!readings) co_return std::unexpected(readings.error());
    co_return std::move(readings->front());
  }

  asio::awaitable<Result<std::vector<SensorReading>>> read_all() override {
    auto guard = co_await mutex_.lock();
    std::vector<std::string> channels = options_.channels;
    auto readings = co_await read_channels(std::move(channels));
    co_return readings;
  }

  asio::awaitable<Result<CaptureBlock>> capture(std::vector<std::string> channels, std::size_t samples,
                                                double sampling_frequency_hz) override {
    auto guard = co_await mutex_.lock();
    std::string what = "capturing " + std::to_string(samples) + " samples";
    Job<CaptureBlock> job = [channels = std::move(channels), samples, sampling_frequency_hz](Session& s) {
      return capture_block(s, channels, samples, sampling_frequency_hz);
    };
    // A refill waits for the samples: allow their duration (at 1 Hz when the rate is not given)
    // on top of the I/O deadline.
    const auto capture_ms = std::chrono::milliseconds(static_cast<long long>(
        1000.0 * static_cast<double>(samples) / (sampling_frequency_hz > 0 ? sampling_frequency_hz : 1.0)));
    auto block = co_await with_reconnect<CaptureBlock>(std::move(what), std::move(job), capture_ms);
    co_return block;
  }

  asio::awaitable<Result<std::vector<std::string>>> list_channels() override {
    auto guard = co_await mutex_.lock();
    std::string what = "listing channels";
    Job<std::vector<std::string>> job = [](Session& s) -> Result<std::vector<std::string>> { return all_input_channels(s); };
    auto listed = co_await with_reconnect<std::vector<std::string>>(std::move(what), std::move(job));
    co_return listed;
  }

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& channels() const override { return options_.channels; }
  int reconnect_count() const override { return reconnects_; }
  const std::string& last_reconnect_reason() const override { return reconnect_reason_; }

 private:
  std::function<Result<Identity>(Session&)> connect_job() const {  // = Job<Identity>
    return [channels = options_.channels](Session& s) -> Result<Identity> {
      auto id = open_context(s);
      if (!id) return id;
      if (auto ok = resolve_all(s, channels); !ok) return std::unexpected(ok.error());
      return id;
    };
  }

  // `channels` in order, each group (plan_reads) one job: a timestamped device's scan elements
  // by one scan, every other channel by its attributes. Stops at the first fault. Mutex held.
  asio::awaitable<Result<std::vector<SensorReading>>> read_channels(std::vector<std::string> channels) {
    std::string plan_what = "resolving channels";
    Job<std::vector<ReadGroup>> plan_job = [channels](Session& s) { return plan_reads(s, channels); };
    auto groups = co_await with_reconnect<std::vector<ReadGroup>>(std::move(plan_what), std::move(plan_job));
    if (!groups) co_return std::unexpected(groups.error());
    std::vector<SensorReading> out(channels.size());
    for (const auto& group : *groups) {
      std::vector<std::string> asked;
      for (const std::size_t i : group.indices) asked.push_back(channels[i]);
      std::string what = "reading " + asked.front();
      for (std::size_t i = 1; i < asked.size(); ++i) what += ", " + asked[i];
      if (group.scan) what += " (one scan)";
      Job<std::vector<SensorReading>> job = [asked, scan = group.scan](Session& s) { return read_group(s, asked, scan); };
      // A scan's refill waits for its sample: allow up to one at 1 Hz, as capture() does.
      const auto extra = group.scan ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(0);
      auto readings = co_await with_reconnect<std::vector<SensorReading>>(std::move(what), std::move(job), extra);
      if (!readings) co_return std::unexpected(readings.error());
      for (std::size_t k = 0; k < group.indices.size(); ++k) out[group.indices[k]] = std::move((*readings)[k]);
    }
    co_return out;
  }

  std::chrono::milliseconds io_deadline() const { return options_.timeout * 3 + std::chrono::milliseconds(500); }

  // Runs `job` on the worker; waits on our executor until it answers or `limit` passes.
  template <class T>
  asio::awaitable<Result<T>> call(std::chrono::milliseconds limit, std::string what, Job<T> job) {
    struct State {
      explicit State(const asio::any_io_executor& executor) : timer(executor) {}
      asio::steady_timer timer;
      std::optional<Result<T>> result;
    };
    auto state = std::make_shared<State>(executor_);
    state->timer.expires_after(limit);
    worker_.submit([state, session = session_, job = std::move(job), executor = executor_]() {
      auto result = job(*session);
      asio::post(executor, [state, result = std::move(result)]() mutable {
        state->result = std::move(result);
        state->timer.cancel();
      });
    });
    if (!state->result) co_await state->timer.async_wait(kNoThrow);
    if (state->result) co_return std::move(*state->result);
    co_return fail(FaultKind::timeout, name_, what + ": no answer from libiio within " + std::to_string(limit.count()) + " ms");
  }

  template <class T>
  asio::awaitable<Result<T>> with_reconnect(std::string what, Job<T> job,
                                            std::chrono::milliseconds extra = std::chrono::milliseconds(0)) {
    // Every argument of a co_await'ed call is a named local: GCC 12 mis-destroys temporaries there.
    if (!configured_) co_return fail(FaultKind::link_lost, name_, what + ": configure() has not been called");
    if (!connected_) {
      std::string reason = lost_reason_;
      auto ok = co_await reconnect(std::move(reason));
      if (!ok) co_return std::unexpected(ok.error());
    }
    const auto deadline = io_deadline() + extra;
    std::string first_what = what;
    Job<T> first_job = job;
    auto result = co_await call<T>(deadline, std::move(first_what), std::move(first_job));
    if (result || !is_link_fault(result.error().kind)) co_return result;
    std::string reason = result.error().message();
    auto ok = co_await reconnect(std::move(reason));
    if (!ok) co_return std::unexpected(ok.error());
    auto retried = co_await call<T>(deadline, std::move(what), std::move(job));
    co_return retried;
  }

  asio::awaitable<Status> reconnect(std::string reason) {
    connected_ = false;
    lost_reason_ = reason;
    auto backoff = options_.reconnect_backoff;
    Fault last{FaultKind::link_lost, name_, "no reconnect attempt"};
    const int attempts = std::max(1, options_.reconnect_attempts);
    for (int attempt = 0; attempt < attempts; ++attempt) {
      asio::steady_timer pause(executor_, backoff);
      co_await pause.async_wait(kNoThrow);
      backoff *= 2;
      std::string what = "re-creating the IIO context";
      auto job = connect_job();
      auto id = co_await call<Identity>(options_.connect_timeout, std::move(what), std::move(job));
      if (id) {
        connected_ = true;
        ++reconnects_;
        reconnect_reason_ = reason;
        co_return Status{};
      }
      last = id.error();
      if (!is_link_fault(last.kind)) break;  // e.g. a channel gone after the reconnect
    }
    co_return fail(last.kind, name_,
                   "IIO context lost (" + reason + "); reconnect failed after " + std::to_string(attempts) +
                       " attempt(s): " + last.detail);
  }

  asio::any_io_executor executor_;
  std::string name_;
  IioUri uri_;
  SensorHubOptions options_;
  std::shared_ptr<Session> session_;
  AsyncMutex mutex_;
  bool configured_ = false;
  bool connected_ = false;
  int reconnects_ = 0;
  std::string reconnect_reason_;
  std::string lost_reason_;
  Worker worker_;  // last: destroyed first, so no job outlives the members it reads
};

}  // namespace

std::unique_ptr<SensorHub> make_iio_sensor_hub(asio::any_io_executor executor, std::string name, IioUri uri,
                                               SensorHubOptions options) {
  return std::make_unique<IioSensorHub>(std::move(executor), std::move(name), std::move(uri), std::move(options));
}

}  // namespace ob::drivers
