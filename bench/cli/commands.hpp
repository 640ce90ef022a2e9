#pragma once
// The `orbitbench` subcommands. Each add_* registers its options on the app and returns the
// action to run when that subcommand was chosen; the action returns the process exit code.
#include <CLI/CLI.hpp>
#include <functional>

namespace ob::bench::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;           // bad configuration, input or I/O
inline constexpr int kExitUsage = 2;           // bad command line
inline constexpr int kExitCampaignAborted = 3; // aborted (interlock, faults) or failed; instruments safed
inline constexpr int kExitVerdictFail = 4;     // completed, but a limit was exceeded
inline constexpr int kExitInterrupted = 130;   // SIGINT/SIGTERM; instruments safed

using Action = std::function<int()>;

Action add_profile_command(CLI::App& app);
Action add_lab_command(CLI::App& app);
Action add_run_command(CLI::App& app);
Action add_resume_command(CLI::App& app);
Action add_replay_command(CLI::App& app);
Action add_query_command(CLI::App& app);
Action add_sensors_command(CLI::App& app);
Action add_board_command(CLI::App& app);
Action add_schema_command(CLI::App& app);
Action add_db_command(CLI::App& app);
Action add_report_command(CLI::App& app);
Action add_perf_command(CLI::App& app);
Action add_guardian_command(CLI::App& app);
Action add_serve_command(CLI::App& app);

}  // namespace ob::bench::cli
