// Where `orbitbench resume` goes on, read back from the database — including the two moments
// between checkpoints that a random SIGKILL finds: after a run was created but before its first
// checkpoint, and after a run was finished but before the next phase's checkpoint.
#include <boost/test/unit_test.hpp>

#include "../support/temp_dir.hpp"
#include "bench/resume_point.hpp"
#include "db/recorder.hpp"

namespace {

struct Campaign {
  std::int64_t id = 0;

  explicit Campaign(ob::db::Recorder& recorder) {
    ob::db::CampaignRow row;
    row.name = "c";
    row.started_unix_s = 1;
    row.files = {{"campaign", "c.yaml", "campaign: c\n"}, {"station", "s.yaml", "station: s\n"}};
    id = recorder.add_campaign(row);
  }
};

std::int64_t add_run(ob::db::Recorder& recorder, std::int64_t campaign, ob::db::RunKind kind, int ordinal) {
  ob::db::RunRow run;
  run.campaign_id = campaign;
  run.kind = kind;
  run.ordinal = ordinal;
  run.started_unix_s = 2;
  return recorder.add_run(run);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_checkpoint_inside_a_run_goes_on_at_its_tick) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  std::int64_t campaign = 0, run = 0;
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    campaign = c.id;
    run = add_run(recorder, campaign, ob::db::RunKind::replay, 1);
    recorder.add_checkpoint(campaign, run, 1, 900, ob::bench::checkpoint_state_json(0, 600, 300, std::nullopt));
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);
  BOOST_TEST(point.campaign_id == campaign);
  BOOST_TEST(point.campaign_text == "campaign: c\n");
  BOOST_TEST(point.station_label == "s.yaml");
  BOOST_TEST(point.plan_index == 1u);
  BOOST_TEST(point.run_id.value_or(-1) == run);
  BOOST_TEST(point.t_s == 900.0);
  BOOST_TEST(point.elapsed_profile_s == 600.0);
  BOOST_TEST(point.speed == 300.0);
}

BOOST_AUTO_TEST_CASE(a_run_created_before_its_first_checkpoint_is_adopted_not_duplicated) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  std::int64_t run = 0;
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    const auto baseline = add_run(recorder, c.id, ob::db::RunKind::baseline, 0);
    recorder.finish_run(baseline, ob::db::RunStatus::completed, 3);
    recorder.add_checkpoint(c.id, std::nullopt, 1, 0, ob::bench::checkpoint_state_json(0, 600, 300, std::nullopt));
    run = add_run(recorder, c.id, ob::db::RunKind::replay, 1);  // …and the controller died here
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);
  BOOST_TEST(point.plan_index == 1u);
  BOOST_TEST(point.run_id.value_or(-1) == run);
  BOOST_TEST(point.t_s == 0.0);
}

BOOST_AUTO_TEST_CASE(a_run_finished_before_the_next_checkpoint_is_not_run_again) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    const auto replay = add_run(recorder, c.id, ob::db::RunKind::replay, 1);
    recorder.add_checkpoint(c.id, replay, 1, 5700, ob::bench::checkpoint_state_json(0, 600, 300, std::nullopt));
    recorder.finish_run(replay, ob::db::RunStatus::completed, 3);  // …and the controller died here
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);
  BOOST_TEST(point.plan_index == 2u);  // the reference after it
  BOOST_TEST(!point.run_id.has_value());
  BOOST_TEST(point.replays_before == 1);  // the finished replay counts
  BOOST_TEST(point.elapsed_profile_s == 6300.0);
}

BOOST_AUTO_TEST_CASE(a_finished_baseline_moves_on_to_the_next_phase) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    const auto baseline = add_run(recorder, c.id, ob::db::RunKind::baseline, 0);
    recorder.add_checkpoint(c.id, baseline, 0, 570, ob::bench::checkpoint_state_json(0, 0, 300, std::nullopt));
    recorder.finish_run(baseline, ob::db::RunStatus::completed, 3);
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);
  BOOST_TEST(point.plan_index == 1u);
  BOOST_TEST(!point.run_id.has_value());
  BOOST_TEST(point.t_s == 0.0);
  BOOST_TEST(point.replays_before == 0);
}

BOOST_AUTO_TEST_CASE(an_ended_campaign_is_not_resumed) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  std::int64_t id = 0;
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    id = c.id;
    recorder.finish_campaign(id, ob::db::CampaignStatus::completed, 5, "");
  }
  try {
    ob::bench::load_resume_point(db, id);
    BOOST_FAIL("an ended campaign was resumed");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("already ended: completed") != std::string::npos, e.what());
  }
}

// The operator's Ctrl-C leaves a campaign aborted but resumable; an interlock's abort does not.
BOOST_AUTO_TEST_CASE(an_interrupted_campaign_is_resumed_an_interlocked_one_is_not) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  std::int64_t interrupted = 0;
  std::int64_t interlocked = 0;
  {
    ob::db::Recorder recorder(db);
    Campaign first(recorder);
    interrupted = first.id;
    recorder.finish_campaign(interrupted, ob::db::CampaignStatus::aborted, 5, "interrupted by SIGINT", "operator_signal");
    Campaign second(recorder);
    interlocked = second.id;
    // Its reason's words do not make it resumable: its end cause decides.
    recorder.finish_campaign(interlocked, ob::db::CampaignStatus::aborted, 6,
                             "interlock rail: board-01 supply_current_a 3 above 2.8 (interrupted by rail)", "interlock");
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);  // the newest resumable one
  BOOST_TEST(point.campaign_id == interrupted);
  BOOST_TEST(point.was_interrupted);
  try {
    ob::bench::load_resume_point(db, interlocked);
    BOOST_FAIL("a campaign an interlock ended was resumed");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("already ended: aborted — interlock rail") != std::string::npos, e.what());
  }
  {
    ob::db::Recorder recorder(db);  // resuming marks it running again
    recorder.reopen_campaign(interrupted);
  }
  BOOST_TEST(!ob::bench::load_resume_point(db, interrupted).was_interrupted);
}

// The interrupted run's ticks before its checkpoint seed its statistics; the checkpoint's own
// tick and those after it are run again, so they must not be seeded too (issue 18 item 14: a
// `<=` there survived every test), nor ticks cut short by the crash, nor a baseline's soak.
BOOST_AUTO_TEST_CASE(only_the_ticks_before_the_checkpoint_seed_the_statistics) {
  ob::test::TempDir dir;
  const auto db = dir.path() / "r.db";
  {
    ob::db::Recorder recorder(db);
    Campaign c(recorder);
    const auto run = add_run(recorder, c.id, ob::db::RunKind::replay, 1);
    const auto board = recorder.add_device(c.id, {"board-01", "gpu", "", "", "", "", ""});
    const auto tflops = recorder.add_channel(board, "tflops", "TFLOP/s");
    const auto temp = recorder.add_channel(board, "gpu_temp_c", "degC");
    const auto power = recorder.add_channel(board, "power_w", "W");
    for (int tick = 0; tick <= 4; ++tick) {  // t = 0, 30, 60, 90, 120
      const double t_s = tick * 30.0;
      recorder.add_sample({run, tflops, t_s, 10.0 + tick, 100.0 + tick});
      recorder.add_sample({run, temp, t_s, 10.0 + tick, 50.0 + tick});
      if (tick != 1) recorder.add_sample({run, power, t_s, 10.0 + tick, 300.0 + tick});  // t=30 cut short
    }
    recorder.add_checkpoint(c.id, run, 1, 60, ob::bench::checkpoint_state_json(0, 600, 300, std::nullopt));
  }
  const auto point = ob::bench::load_resume_point(db, std::nullopt);
  BOOST_TEST(point.t_s == 60.0);
  BOOST_REQUIRE(point.partial.count("board-01") == 1u);
  const auto& seeded = point.partial.at("board-01");
  BOOST_REQUIRE(seeded.size() == 1u);  // t=0 only: t=30 lacks its power, t=60 is run again
  BOOST_TEST(seeded[0].tflops == 100.0);
  BOOST_TEST(seeded[0].temp_c == 50.0);
  BOOST_TEST(seeded[0].power_w == 300.0);
}
