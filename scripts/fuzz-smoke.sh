#!/usr/bin/env bash
# Bounded fuzz run of every parser (docs/reliability.md): installs cargo-fuzz if missing, builds
# the targets in fuzz/ (stable Rust, no sanitizer: the crate forbids `unsafe`), seeds each corpus
# from the repository's own files, runs every target for FUZZ_SECONDS (default 30) and fails if
# any target finds a crash, a timeout or an out-of-memory input.
#
#   FUZZ_SECONDS=30   seconds per target
#   FUZZ_PARALLEL=2   targets run side by side (one libFuzzer process each)
#   FUZZ_TARGETS="csv json_records"   a subset
#
# Corpora grow in fuzz/corpus/<target>/ (ignored by git); a crashing input is saved under
# fuzz/artifacts/<target>/ and its path printed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds=${FUZZ_SECONDS:-30}
parallel=${FUZZ_PARALLEL:-2}
read -r -a targets <<<"${FUZZ_TARGETS:-csv json_records instrument report_spec end_to_end limesurvey}"
# Debug assertions on: integer overflow panics instead of wrapping silently.
build_flags=(-s none --debug-assertions)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

t0=$(date +%s)
cargo fuzz build "${build_flags[@]}"
echo "built the fuzz targets in $(($(date +%s) - t0)) s"

# The first fenced JSON block of a doc page (each page's complete example).
doc_example() {
  awk '/^```json/ { inside = 1; next } /^```/ { if (inside) exit } inside' "$1"
}

seed() {
  local target=$1 dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  case $target in
    csv | end_to_end)
      cp tests/data/malformed/*.csv data/*.csv fuzz/seeds/csv/* "$dir/" ;;
    json_records)
      find tests/data/malformed -name '*.json' ! -name expected.json -exec cp {} "$dir/" \;
      cp fuzz/seeds/json_records/* "$dir/" ;;
    instrument)
      cp src/instrument/doe_democratie_2013.json "$dir/builtin_2013.json"
      cp tests/data/workload_instrument.json "$dir/"
      doc_example docs/instrument-format.md >"$dir/docs_example.json" ;;
    report_spec)
      cp src/report/doe_democratie_2013.json "$dir/builtin_2013.json"
      doc_example docs/report-format.md >"$dir/docs_example.json"
      cp fuzz/seeds/report_spec/* "$dir/" ;;
    limesurvey)
      cp fuzz/seeds/limesurvey/* "$dir/" ;;
  esac
}

dict_of() {
  case $1 in
    csv | end_to_end) echo fuzz/dict/csv.dict ;;
    *) echo "fuzz/dict/$1.dict" ;;
  esac
}

run() {
  local target=$1 log="fuzz/logs/$1.log"
  # cargo fuzz saves a failing input under fuzz/artifacts/<target>/; -rss_limit_mb and -timeout
  # turn memory blow-ups and hangs into findings too.
  cargo fuzz run "${build_flags[@]}" "$target" "$root/fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -dict="$root/$(dict_of "$target")" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
}

mkdir -p fuzz/logs
for target in "${targets[@]}"; do
  seed "$target"
done

declare -A status
pending=("${targets[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  batch=("${pending[@]:0:$parallel}")
  pending=("${pending[@]:$parallel}")
  pids=()
  for target in "${batch[@]}"; do
    run "$target" &
    pids+=($!)
  done
  for i in "${!batch[@]}"; do
    if wait "${pids[$i]}"; then status[${batch[$i]}]=ok; else status[${batch[$i]}]=FAILED; fi
  done
done

failed=0
printf '\n%-14s %-7s %12s %8s %-22s\n' target result executions exec/s "corpus (units/size)"
for target in "${targets[@]}"; do
  log="fuzz/logs/$target.log"
  # A target that fails while loading its corpus has no status lines yet, hence `|| true`.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer's last status line: "#N DONE cov: .. ft: .. corp: units/size ..".
  corpus=$({ grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" || true; } | tail -1 | cut -d' ' -f2)
  printf '%-14s %-7s %12s %8s %-22s\n' "$target" "${status[$target]}" "${execs:-?}" \
    "${rate:-?}" "${corpus:-?}"
  if [ "${status[$target]}" != ok ]; then
    failed=1
  fi
done
for target in "${targets[@]}"; do
  if [ "${status[$target]}" != ok ]; then
    echo
    echo "== $target failed; end of fuzz/logs/$target.log:"
    tail -n 40 "fuzz/logs/$target.log"
    echo "failing inputs: $(find "fuzz/artifacts/$target" -type f | tr '\n' ' ')"
  fi
done
echo "fuzz smoke: ${#targets[@]} targets, ${seconds} s each, total $(($(date +%s) - t0)) s"
exit "$failed"
