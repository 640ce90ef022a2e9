#include "drivers/iio/iio_sensor_hub.hpp"

#include <iio.h>

#include <algorithm>
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
  if (const int ret = iio_channel_attr_read_double(ch, attr, &value); ret < 0) {
    return fail(kind_for_errno(-ret), s.instrument, "reading " + address + " " + attr + ": " + errno_text(-ret));
  }
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

std::vector<std::string> all_input_channels(const Session& s) {
  std::vector<std::string> out;
  if (!s.ctx) return out;
  for (unsigned i = 0; i < iio_context_get_devices_count(s.ctx); ++i) {
    const iio_device* dev = iio_context_get_device(s.ctx, i);
    for (unsigned j = 0; j < iio_device_get_channels_count(dev); ++j) {
      const iio_channel* ch = iio_device_get_channel(dev, j);
      if (!iio_channel_is_output(ch)) out.push_back(device_name(dev) + "/" + iio_channel_get_id(ch));
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
    std::string what = "reading " + channel;
    Job<SensorReading> job = [channel](Session& s) { return read_channel(s, channel); };
    auto reading = co_await with_reconnect<SensorReading>(std::move(what), std::move(job));
    co_return reading;
  }

  asio::awaitable<Result<std::vector<SensorReading>>> read_all() override {
    auto guard = co_await mutex_.lock();
    std::vector<SensorReading> out;
    for (const auto& channel : options_.channels) {
      std::string what = "reading " + channel;
      Job<SensorReading> job = [channel](Session& s) { return read_channel(s, channel); };
      auto reading = co_await with_reconnect<SensorReading>(std::move(what), std::move(job));
      if (!reading) co_return std::unexpected(reading.error());
      out.push_back(std::move(*reading));
    }
    co_return out;
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
  asio::awaitable<Result<T>> with_reconnect(std::string what, Job<T> job) {
    // Every argument of a co_await'ed call is a named local: GCC 12 mis-destroys temporaries there.
    if (!configured_) co_return fail(FaultKind::link_lost, name_, what + ": configure() has not been called");
    if (!connected_) {
      std::string reason = lost_reason_;
      auto ok = co_await reconnect(std::move(reason));
      if (!ok) co_return std::unexpected(ok.error());
    }
    const auto deadline = io_deadline();
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
