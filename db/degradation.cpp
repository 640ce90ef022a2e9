#include "db/degradation.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "db/statement.hpp"

namespace ob::db {
namespace {

// The runner's recording conventions (docs/schema.md, "Conventions").
constexpr double kSunlitIllumination = 0.5;

// One row per (campaign, DUT). A DUT is a device of kind 'gpu'; its channels 'tflops' and
// 'gpu_temp_c' carry throughput and temperature; the campaign's device 'profile' carries
// 'illumination', recorded at the same t_s as the DUT samples of the same tick.
constexpr const char* kDegradationSql = R"sql(
WITH duts AS (
  SELECT
    c.id   AS campaign_id,
    c.name AS campaign,
    d.name AS dut,
    (SELECT id FROM channels WHERE device_id = d.id AND name = 'tflops')     AS tflops_ch,
    (SELECT id FROM channels WHERE device_id = d.id AND name = 'gpu_temp_c') AS temp_ch,
    (SELECT ch.id FROM channels ch JOIN devices p ON p.id = ch.device_id
      WHERE p.campaign_id = c.id AND p.name = 'profile' AND p.kind = 'profile'
        AND ch.name = 'illumination')                                          AS illum_ch
  FROM campaigns c
  JOIN devices d ON d.campaign_id = c.id AND d.kind = 'gpu'
  WHERE ?1 = '' OR c.name = ?1
)
SELECT
  campaign,
  dut,
  (SELECT avg(s.value) FROM runs r JOIN samples s ON s.run_id = r.id AND s.channel_id = tflops_ch
    WHERE r.campaign_id = duts.campaign_id AND r.kind = 'baseline'),
  (SELECT avg(s.value) FROM runs r JOIN samples s ON s.run_id = r.id AND s.channel_id = tflops_ch
    WHERE r.campaign_id = duts.campaign_id AND r.kind = 'reference'),
  (SELECT avg(s.value) FROM runs r
    JOIN samples s ON s.run_id = r.id AND s.channel_id = tflops_ch
    JOIN samples i ON i.run_id = r.id AND i.channel_id = illum_ch AND i.t_s = s.t_s
    WHERE r.campaign_id = duts.campaign_id AND r.kind = 'replay' AND i.value >= ?2),
  (SELECT avg(s.value) FROM runs r
    JOIN samples s ON s.run_id = r.id AND s.channel_id = tflops_ch
    JOIN samples i ON i.run_id = r.id AND i.channel_id = illum_ch AND i.t_s = s.t_s
    WHERE r.campaign_id = duts.campaign_id AND r.kind = 'replay' AND i.value < ?2),
  (SELECT max(s.value) FROM runs r JOIN samples s ON s.run_id = r.id AND s.channel_id = temp_ch
    WHERE r.campaign_id = duts.campaign_id),
  (SELECT count(*) FROM runs r JOIN samples s ON s.run_id = r.id AND s.channel_id = tflops_ch
    WHERE r.campaign_id = duts.campaign_id)
FROM duts
ORDER BY campaign_id, dut
)sql";

std::optional<double> percent_change(std::optional<double> from, std::optional<double> to) {
  if (!from || !to || *from == 0) return std::nullopt;
  return (*to - *from) / *from * 100.0;
}

constexpr std::string_view kMissing = "—";

std::string format_number(std::optional<double> value, int decimals) {
  if (!value) return std::string(kMissing);
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, *value);
  return text.data();
}

std::string format_percent(std::optional<double> value) {
  if (!value) return std::string(kMissing);
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%+.2f %%", *value);
  return text.data();
}

// Terminal columns of UTF-8 text: "—" and "°" are one column but several bytes.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

enum class Align { left, right };

}  // namespace

std::vector<DegradationRow> query_degradation(const Connection& db, const std::string& campaign) {
  Statement query(db, kDegradationSql);
  query.bind(1, campaign);
  query.bind(2, kSunlitIllumination);
  std::vector<DegradationRow> rows;
  while (query.step()) {
    DegradationRow row;
    row.campaign = query.column_text(0);
    row.dut = query.column_text(1);
    row.baseline_tflops = query.column_optional_double(2);
    row.reference_tflops = query.column_optional_double(3);
    row.sunlit_tflops = query.column_optional_double(4);
    row.eclipse_tflops = query.column_optional_double(5);
    row.max_board_temp_c = query.column_optional_double(6);
    row.samples = static_cast<long>(query.column_int64(7));
    row.reference_vs_baseline_pct = percent_change(row.baseline_tflops, row.reference_tflops);
    row.eclipse_vs_sunlit_pct = percent_change(row.sunlit_tflops, row.eclipse_tflops);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_degradation(const std::vector<DegradationRow>& rows) {
  struct Column {
    std::string_view header;
    Align align;
  };
  static constexpr std::array kColumns{
      Column{"campaign", Align::left},          Column{"dut", Align::left},
      Column{"baseline TFLOP/s", Align::right}, Column{"reference TFLOP/s", Align::right},
      Column{"ref vs base", Align::right},      Column{"sunlit TFLOP/s", Align::right},
      Column{"eclipse TFLOP/s", Align::right},  Column{"eclipse vs sunlit", Align::right},
      Column{"max temp °C", Align::right},      Column{"samples", Align::right},
  };
  using Cells = std::array<std::string, kColumns.size()>;

  std::vector<Cells> table;
  table.reserve(rows.size() + 1);
  Cells header;
  std::transform(kColumns.begin(), kColumns.end(), header.begin(),
                 [](const Column& column) { return std::string(column.header); });
  table.push_back(header);
  for (const DegradationRow& row : rows) {
    table.push_back(Cells{row.campaign,
                          row.dut,
                          format_number(row.baseline_tflops, 2),
                          format_number(row.reference_tflops, 2),
                          format_percent(row.reference_vs_baseline_pct),
                          format_number(row.sunlit_tflops, 2),
                          format_number(row.eclipse_tflops, 2),
                          format_percent(row.eclipse_vs_sunlit_pct),
                          format_number(row.max_board_temp_c, 1),
                          std::to_string(row.samples)});
  }

  std::array<std::size_t, kColumns.size()> widths{};
  for (const Cells& cells : table) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(cells[i]));
    }
  }

  constexpr std::string_view kGap = "  ";
  std::string out;
  const auto append_line = [&](const Cells& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += kGap;
      const std::string padding(widths[i] - display_width(cells[i]), ' ');
      if (kColumns[i].align == Align::right) out += padding;
      out += cells[i];
      if (kColumns[i].align == Align::left) out += padding;
    }
    out += '\n';
  };
  append_line(table.front());
  std::size_t total_width = kGap.size() * (widths.size() - 1);
  for (std::size_t width : widths) total_width += width;
  out += std::string(total_width, '-');
  out += '\n';
  std::for_each(table.begin() + 1, table.end(), append_line);
  return out;
}

int count_failed_measurements(const Connection& db, std::int64_t run_id) {
  Statement query(db, "SELECT count(*) FROM measurements WHERE run_id = ?1 AND verdict = 'fail'");
  query.bind(1, run_id);
  query.step();
  return static_cast<int>(query.column_int64(0));
}

}  // namespace ob::db
