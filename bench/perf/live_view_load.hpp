#pragma once
// What watching a campaign costs it (issue 21): a browser's live page and a Prometheus scraper
// on the campaign's `--serve` — one client reading the /events stream all along, another
// fetching /metrics every second — over loopback, on a thread of their own (Boost.Beast).
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace ob::bench::perf {

class LiveViewLoad {
 public:
  // host and port of a live view's server.
  LiveViewLoad(std::string host, std::uint16_t port);
  ~LiveViewLoad();
  LiveViewLoad(const LiveViewLoad&) = delete;
  LiveViewLoad& operator=(const LiveViewLoad&) = delete;

  void stop();
  std::uint64_t stream_bytes() const { return stream_bytes_; }
  std::uint64_t scrapes() const { return scrapes_; }

 private:
  void read_stream();
  void scrape_metrics();

  std::string host_;
  std::uint16_t port_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> stream_bytes_{0};
  std::atomic<std::uint64_t> scrapes_{0};
  std::thread stream_thread_;
  std::thread scrape_thread_;
};

}  // namespace ob::bench::perf
