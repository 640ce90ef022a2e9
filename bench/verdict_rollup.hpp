#pragma once
// The campaign's verdicts rolled up: a DUT passes when none of its judged measurements failed
// (isolation, campaign limits, throughput degradation, its last thermal cycles), the campaign
// when every DUT and every station-wide judgement (a thermal programme's conformance) passed.
#include <string>
#include <vector>

namespace ob::bench {

class VerdictRollup {
 public:
  explicit VerdictRollup(std::vector<std::string> duts) : duts_(std::move(duts)), failures_(duts_.size()) {}

  void fail(std::size_t dut, const std::string& what) {
    if (dut < failures_.size()) failures_[dut].push_back(what);
  }
  void fail_campaign(const std::string& what) { campaign_failures_.push_back(what); }

  bool dut_pass(std::size_t dut) const { return dut < failures_.size() && failures_[dut].empty(); }
  bool pass() const {
    if (!campaign_failures_.empty()) return false;
    for (const auto& failures : failures_) {
      if (!failures.empty()) return false;
    }
    return true;
  }

  // "PASS" or "FAIL — board-02: isolated, sdc_count; conforms_to_acceptance"
  std::string summary() const {
    if (pass()) return "PASS";
    std::string text = "FAIL —";
    const char* separator = " ";
    for (std::size_t i = 0; i < duts_.size(); ++i) {
      if (failures_[i].empty()) continue;
      text += separator + duts_[i] + ":";
      for (std::size_t k = 0; k < failures_[i].size(); ++k) text += (k ? ", " : " ") + failures_[i][k];
      separator = "; ";
    }
    for (const auto& failure : campaign_failures_) {
      text += separator + failure;
      separator = "; ";
    }
    return text;
  }

 private:
  std::vector<std::string> duts_;
  std::vector<std::vector<std::string>> failures_;
  std::vector<std::string> campaign_failures_;
};

}  // namespace ob::bench
