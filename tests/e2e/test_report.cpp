// `orbitbench report` on the quick campaign's database: one self-contained HTML file (no script,
// nothing fetched) that headless Chromium renders with every plot drawn, the verdict table and
// the event log — checked in the page's DOM and in a screenshot.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "../support/run_command.hpp"
#include "../support/sim_campaign.hpp"

namespace {

const char* kChromium = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage";

// PNG width and height from its IHDR chunk (big-endian at bytes 16 and 20).
std::pair<unsigned, unsigned> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
  };
  return {be32(16), be32(20)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_report_renders_in_chromium_with_every_plot) {
  ob::test::TempDir dir;
  BOOST_REQUIRE_MESSAGE(ob::test::run_command("command -v chromium", dir.path()).exit_code == 0,
                        "chromium is missing: scripts/install-deps.sh installs it (Debian package chromium)");
  const auto db = dir.path() / "quick.db";
  const auto outcome = ob::test::run_campaign_quietly(std::filesystem::path(OB_SOURCE_DIR) / "examples/quick-campaign.yaml", db);
  BOOST_REQUIRE(std::string(ob::db::to_string(outcome.status)) == "completed");
  const auto html_path = dir.path() / "report.html";
  const auto made = ob::test::run_command(std::string(OB_ORBITBENCH_EXE) + " report --db " + db.string() + " -o " + html_path.string(),
                                          dir.path());
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const auto html = ob::test::slurp(html_path);
  // Self-contained: no script, no link, no image or frame from anywhere.
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(!std::regex_search(html, std::regex("(src|href)\\s*=")));
  BOOST_TEST(!std::regex_search(html, std::regex("url\\(")));

  // The DOM as Chromium built it.
  const auto dom = ob::test::run_command("timeout 120 " + std::string(kChromium) + " --dump-dom file://" + html_path.string(), dir.path());
  BOOST_REQUIRE_MESSAGE(dom.exit_code == 0, dom.err);
  for (const char* id : {"plot-temperatures", "plot-psu-voltage_v", "plot-psu-current_a", "plot-gpu-power", "plot-gpu-clocks",
                         "plot-throughput", "plot-throughput-vs-temperature", "plot-orbit-trend"}) {
    const std::regex figure(std::string("<figure id=\"") + id + "\" data-series=\"([0-9]+)\" data-points=\"([0-9]+)\">\\s*<svg");
    std::smatch match;
    BOOST_TEST_CONTEXT(id) {
      BOOST_REQUIRE(std::regex_search(dom.out, match, figure));
      BOOST_TEST(std::stoi(match[1]) >= 3);  // the three boards (or supply channels)
      BOOST_TEST(std::stoi(match[2]) >= 3);
    }
  }
  BOOST_TEST(dom.out.find("<rect class=\"shade\"") != std::string::npos);  // the eclipse is shaded
  BOOST_TEST(dom.out.find("id=\"verdict\" class=\"verdict-pass\">verdict: PASS") != std::string::npos);
  const std::regex verdict_rows("<tr class=\"(pass|fail)\">");
  BOOST_TEST(std::distance(std::sregex_iterator(dom.out.begin(), dom.out.end(), verdict_rows), std::sregex_iterator()) >= 7);
  BOOST_TEST(dom.out.find("<table id=\"events\">") != std::string::npos);

  // Readable (issue 19). Legends in their row above the plot area (y < its top, 48), never on the data.
  // (Found by hand: std::regex recurses per character and a lazy match across the DOM overflows the stack.)
  std::size_t legends = 0;
  for (auto at = dom.out.find("<g class=\"legend\">"); at != std::string::npos; at = dom.out.find("<g class=\"legend\">", at + 1)) {
    const auto text = dom.out.find("<text ", at);
    const auto y = dom.out.find(" y=\"", text);
    BOOST_REQUIRE(text != std::string::npos && y != std::string::npos);
    BOOST_TEST(std::stod(dom.out.substr(y + 4)) < 48.0, dom.out.substr(at, 160));
    ++legends;
  }
  BOOST_TEST(legends >= 20u);
  // Boards differ in colour and dash, and each line is named at its end.
  const auto figure_of = [&](const std::string& id) {
    const auto at = dom.out.find("<figure id=\"" + id + "\"");
    BOOST_REQUIRE(at != std::string::npos);
    return dom.out.substr(at, dom.out.find("</figure>", at) - at);
  };
  const auto power = figure_of("plot-gpu-power");
  const std::regex line_style("<polyline fill=\"none\" stroke=\"(#[0-9a-f]+)\" stroke-width=\"[0-9.]+\"( stroke-dasharray=\"([0-9 ]+)\")?");
  std::set<std::string> styles;
  for (auto it = std::sregex_iterator(power.begin(), power.end(), line_style); it != std::sregex_iterator(); ++it) {
    styles.insert((*it)[1].str() + "/" + (*it)[3].str());
  }
  BOOST_TEST(styles.size() == 3u);
  std::set<std::string> dashes;
  for (const auto& style : styles) dashes.insert(style.substr(style.find('/')));
  BOOST_TEST(dashes.size() == 3u);
  for (const char* board : {"board-01", "board-02", "board-03"}) {
    BOOST_TEST(power.find(std::string("class=\"end-label\"")) != std::string::npos);
    BOOST_TEST(std::regex_search(power, std::regex(std::string("class=\"end-label\"[^>]*>") + board + "</text>")), board);
  }
  // The station's sensors are plotted: each board's heatsink thermocouple.
  BOOST_TEST(std::regex_search(dom.out, std::regex("<figure id=\"plot-sensors_c\" data-series=\"3\"")));
  // One orbit: its points drawn, on an axis of whole orbits.
  const auto trend = figure_of("plot-orbit-trend");
  const std::regex circle("<circle ");
  BOOST_TEST(std::distance(std::sregex_iterator(trend.begin(), trend.end(), circle), std::sregex_iterator()) >= 3);
  const std::regex x_tick("text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">([^<]+)</text>");
  for (auto it = std::sregex_iterator(trend.begin(), trend.end(), x_tick); it != std::sregex_iterator(); ++it) {
    const std::string tick = (*it)[1];
    if (tick == "orbit") continue;  // the axis label
    BOOST_TEST(tick.find('.') == std::string::npos, tick);
  }
  // Verdicts say what they judge and how it ended; no roll-up shows as "run_verdict 0 failed".
  const auto verdicts = dom.out.substr(dom.out.find("<table id=\"verdicts\">"));
  BOOST_TEST(verdicts.substr(0, verdicts.find("</table>")).find("run_verdict") == std::string::npos);
  BOOST_TEST(verdicts.find("<td>campaign</td>") != std::string::npos);
  const std::regex verdict_cell("<td class=\"verdict\">([^<]*)</td>");
  for (auto it = std::sregex_iterator(verdicts.begin(), verdicts.end(), verdict_cell); it != std::sregex_iterator(); ++it) {
    const std::string said = (*it)[1];
    BOOST_TEST((said == "pass" || said.rfind("FAIL", 0) == 0), said);
  }
  // Captions add to the title instead of repeating it.
  std::size_t captions = 0;
  for (auto at = dom.out.find("<figure id="); at != std::string::npos; at = dom.out.find("<figure id=", at + 1)) {
    const auto end = dom.out.find("</figure>", at);
    const auto title = dom.out.find("<title>", at);
    const auto caption = dom.out.find("<figcaption>", at);
    if (title > end || caption > end) continue;
    const auto title_text = dom.out.substr(title + 7, dom.out.find('<', title + 7) - title - 7);
    const auto caption_text = dom.out.substr(caption + 12, dom.out.find('<', caption + 12) - caption - 12);
    BOOST_TEST(title_text != caption_text, title_text);
    ++captions;
  }
  BOOST_TEST(captions >= 8u);
  BOOST_TEST(dom.out.find("chamber in safe state") != std::string::npos);

  // And what it looks like: a full-size, far from blank screenshot.
  const auto png_path = dir.path() / "report.png";
  const auto shot = ob::test::run_command("timeout 120 " + std::string(kChromium) + " --window-size=1000,4000 --screenshot=" +
                                              png_path.string() + " file://" + html_path.string(),
                                          dir.path());
  BOOST_REQUIRE_MESSAGE(shot.exit_code == 0, shot.err);
  const auto png = ob::test::slurp(png_path);
  const auto [width, height] = png_size(png);
  BOOST_TEST(width == 1000u);
  BOOST_TEST(height == 4000u);
  BOOST_TEST(png.size() > 100000u);  // a white page of this size compresses to a few kB
}
