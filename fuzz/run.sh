#!/usr/bin/env bash
# Runs each coverage-guided fuzz target for N seconds (default 600) with AFL++ through
# cargo-afl, from a seed corpus made of the integration suite's requests, and fails if any
# target found a crash or a hang. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(prepare values)

# The version of Cargo.lock's `afl`; installing it builds AFL++ from source (a C compiler
# and make).
command -v cargo-afl >/dev/null || cargo install cargo-afl --version 0.18.2 --locked
# Built already, or build it now (a second build is refused, and that is fine).
cargo afl config --build 2>&1 | grep -v "already built" || true
cargo afl build --release

# Seeds: every request path the suite sends (method GET, JSON:API media types), and a few
# write documents; for `values`, dates and query pairs.
rm -rf seeds && mkdir -p seeds/prepare seeds/values
n=0
grep -ohE '"/api[^" ]*"' ../tests/api/*.rs | tr -d '"' | sort -u | while read -r target; do
  path=${target%%\?*}
  query=""
  [ "$path" != "$target" ] && query=${target#*\?}
  n=$((n + 1))
  printf 'GET\n%s\n%s\napplication/vnd.api+json\n\n' "$path" "$query" > "seeds/prepare/get-$n"
done
printf 'POST\n/api/person\n\napplication/vnd.api+json\napplication/vnd.api+json\n{"data":{"type":"person","attributes":{"name":"x"}}}' > seeds/prepare/post
printf 'PATCH\n/api/article/1/relationships/tags\n\napplication/vnd.api+json\napplication/vnd.api+json\n{"data":[{"type":"tag","id":"1"}]}' > seeds/prepare/patch
printf 'DELETE\n/api/comment/1\n\napplication/vnd.api+json\n\n' > seeds/prepare/delete
printf '\x002024-01-15T09:30:00.25+02:00' > seeds/values/timestamp
printf '\x0108:15:30' > seeds/values/time
printf '\x02include\tauthor,comments.author\nfilter[objects]\t[{"name":"age","op":"gt","val":3}]\npage[size]\t10' > seeds/values/query

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
status=0
for target in "${TARGETS[@]}"; do
  rm -rf "out/$target" && mkdir -p out
  echo "==> $target for ${SECONDS_EACH}s"
  cargo afl fuzz -V "$SECONDS_EACH" -i "seeds/$target" -o "out/$target" "target/release/$target" >"out-$target.log" 2>&1 || true
  stats="out/$target/default/fuzzer_stats"
  [ -f "$stats" ] || { echo "$target: AFL++ did not run (see fuzz/out-$target.log)"; status=1; continue; }
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs) ' "$stats"
  for kind in crashes hangs; do
    found=$(find "out/$target/default/$kind" -type f ! -name README.txt | wc -l)
    if [ "$found" -gt 0 ]; then
      echo "$target: $found in fuzz/out/$target/default/$kind"
      status=1
    fi
  done
done
exit $status
