# bash completion for orbitbench: its commands, each command's options and their values.
# Installed as share/bash-completion/completions/orbitbench (cmake/packaging.cmake); works on its
# own too (`source scripts/completion/orbitbench.bash`), without the bash-completion package.
# The lists follow `orbitbench --help` and `orbitbench COMMAND --help`;
# tests/e2e/test_install_packages.py checks every option there is offered here.

_orbitbench_commands="profile lab run resume replay serve query report sensors board schema db perf"
_orbitbench_analyses="degradation compare campaigns summary events timing conformance sql"

# Options of each command (query: those before the analysis; query_ANALYSIS: after it).
_orbitbench_opts_top="-h --help -V --version"
_orbitbench_opts_profile="-h --help --tle --sat --preset --elements --start --duration --step --max-rows
  --spacecraft --lab --speed -o --output --csv"
_orbitbench_opts_lab="-h --help --config --base-port --bind --psu-port --e36312a-port --chamber-port --f4t-port
  --agent-port --control-port --agent-secret-file --speed --boards"
_orbitbench_opts_run="-h --help --log-level --log --trace --push --push-every --serve --db --speed -q --quiet"
_orbitbench_opts_resume="-h --help --log-level --log --trace --push --push-every --serve --db --campaign -q --quiet"
_orbitbench_opts_replay="-h --help --log-level --log --trace --push --push-every --serve --station --speed --db -q --quiet"
_orbitbench_opts_serve="-h --help --db --listen --campaign"
_orbitbench_opts_query="-h --help --db --format"
_orbitbench_opts_query_degradation="-h --help --campaign --dut --run --table --db --format"
_orbitbench_opts_query_compare="-h --help --by --campaign --dut --db --format"
_orbitbench_opts_query_campaigns="-h --help --db --format"
_orbitbench_opts_query_summary="-h --help --campaign --dut --run --db --format"
_orbitbench_opts_query_events="-h --help --campaign --dut --run --db --format"
_orbitbench_opts_query_timing="-h --help --campaign --dut --run --db --format"
_orbitbench_opts_query_conformance="-h --help --campaign --db --format"
_orbitbench_opts_query_sql="-h --help --timeout --db --format"
_orbitbench_opts_report="-h --help --db --campaign -o --output"
_orbitbench_opts_sensors="-h --help --capture --rate --timeout"
_orbitbench_opts_board="-h --help --secret-file --workload --dtype --data --size --duration --expect-hz --warmup
  --power-cap --db --timeout"
_orbitbench_opts_schema="-h --help"
_orbitbench_opts_db="-h --help"
_orbitbench_opts_db_merge="-h --help"
_orbitbench_opts_db_push="-h --help --to"
_orbitbench_opts_db_upgrade="-h --help"
_orbitbench_opts_perf="-h --help --quick --work-dir --source-dir"

# Options followed by a value (the word after one is never a command or positional).
_orbitbench_valued=" --tle --sat --preset --elements --start --duration --step --max-rows --spacecraft --lab
  --speed -o --output --csv --config --base-port --bind --psu-port --e36312a-port --chamber-port --f4t-port
  --agent-port --control-port --agent-secret-file --boards --db --campaign --station --format --table --by
  --dut --run --timeout --capture --rate --secret-file --workload --dtype --data --size --expect-hz --warmup
  --power-cap --work-dir --source-dir --log-level --log --trace --push --push-every --to --serve --listen "

_orbitbench_words() {  # words in $1 starting with $2, into COMPREPLY
  local IFS=$' \t\n'
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_orbitbench_files() {  # $1: -f (files) or -d (directories), $2: the word so far
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen "$1" -- "$2"))
}

_orbitbench() {
  local cword=$COMP_CWORD
  local cur=${COMP_WORDS[cword]}
  local prev=""
  ((cword > 0)) && prev=${COMP_WORDS[cword - 1]}
  # --option=value: bash splits the word at '=' (COMP_WORDBREAKS).
  if [[ $cur == "=" ]]; then
    cur=""  # "--format=": prev is the option
  elif [[ $prev == "=" ]] && ((cword >= 2)); then
    prev=${COMP_WORDS[cword - 2]}  # "--format=js"
  fi

  # The command (and query's analysis or db's action) given so far, and the positionals after it.
  local command="" sub="" positionals=0 i word
  for ((i = 1; i < cword; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == "=" ]]; then
      ((i++))  # --option=value
      continue
    fi
    if [[ $word == -* ]]; then
      [[ $_orbitbench_valued == *" $word "* && ${COMP_WORDS[i + 1]} != "=" ]] && ((i++))
      continue
    fi
    if [[ -z $command ]]; then
      command=$word
    elif [[ -z $sub && ($command == query || $command == db) ]]; then
      sub=$word
    else
      ((positionals++))
    fi
  done

  # The value of an option.
  case $prev in
    --format) _orbitbench_words "table csv json" "$cur"; return 0 ;;
    --table) _orbitbench_words "figures bins" "$cur"; return 0 ;;
    --by) _orbitbench_words "dut firmware campaign" "$cur"; return 0 ;;
    --workload) _orbitbench_words "gemm hbm" "$cur"; return 0 ;;
    --dtype) _orbitbench_words "bf16 fp16 tf32 fp32" "$cur"; return 0 ;;
    --data) _orbitbench_words "randn integer" "$cur"; return 0 ;;
    --log-level) _orbitbench_words "trace debug info warn error critical off" "$cur"; return 0 ;;
    --preset)
      _orbitbench_words "iss starlink-550 sso-dawn-dusk-650 starcloud-325 leo-400 leo-550 leo-650 leo-800" "$cur"
      return 0 ;;
    --tle | --spacecraft | --lab | --config | --db | --station | --secret-file | --agent-secret-file | -o | --output | --csv | --log | --trace)
      _orbitbench_files -f "$cur"; return 0 ;;
    --work-dir | --source-dir) _orbitbench_files -d "$cur"; return 0 ;;
  esac
  if [[ $_orbitbench_valued == *" $prev "* ]]; then
    COMPREPLY=()  # a number, a name, a time: nothing to offer
    return 0
  fi

  local opts_var
  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then _orbitbench_words "$_orbitbench_opts_top" "$cur"; else _orbitbench_words "$_orbitbench_commands" "$cur"; fi
    return 0
  fi
  opts_var=_orbitbench_opts_${command}${sub:+_$sub}
  if [[ $cur == -* ]]; then
    [[ $opts_var =~ ^[A-Za-z0-9_]+$ ]] && declare -p "$opts_var" &>/dev/null && _orbitbench_words "${!opts_var}" "$cur"
    return 0
  fi
  case $command in
    query) [[ -z $sub ]] && _orbitbench_words "$_orbitbench_analyses" "$cur" ;;
    db)
      if [[ -z $sub ]]; then _orbitbench_words "merge push upgrade" "$cur"; else _orbitbench_files -f "$cur"; fi ;;
    run | replay) ((positionals == 0)) && _orbitbench_files -f "$cur" ;;
    schema) ((positionals == 0)) && _orbitbench_words "station campaign" "$cur" ;;
    perf) _orbitbench_words "all list ingest scheduling fanin sgp4 profile query memory push fleet" "$cur" ;;
  esac
  return 0
}

complete -F _orbitbench orbitbench
