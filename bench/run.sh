#!/usr/bin/env bash
# Ingest benchmark: dossier against a bare SQLite load of the same corpus, at several sizes,
# on corpora of several shapes.
#
#   bench/run.sh                         # every profile at 10k and 100k articles
#   SIZES="2000" bench/run.sh            # a quick run
#   PROFILES="long" bench/run.sh         # one shape (standard, long, flood, mixed)
#   OUTLETS=8 PROFILES=flood bench/run.sh  # a flood re-posted by eight outlets, not one
#   REPEAT=3 bench/run.sh                # baseline and ingest 3 times each, alternating; medians
#   ONCE=1 SIZES=1000000 PROFILES=mixed bench/run.sh  # no re-ingest or reprocess run
#
# The profiles are gen-corpus's (examples/gen-corpus.rs): `standard` articles of 2.6 KB, `long`
# ones of 6.5 KB, a `flood` of one story re-posted with edits, and the `mixed` shape of a real
# archive (unique articles short and long, exact copies, near-duplicates, floods).
#
# This machine's speed drifts over minutes and hours, so a single baseline and ingest may meet it
# at different speeds. With REPEAT=N the two alternate N times on fresh archives: the table shows
# their medians and the median of the N pairs' ratios, and a line after it every pair's ratio.
#
# Prints Markdown tables: ingest per size, then every named query's latency on the largest
# archive, and the space its tables take. Corpora are generated afresh every run (deterministic
# for a given version, seed 1; a few seconds even at 100k) into bench/out/, which git ignores,
# so a changed generator or pipeline never benchmarks a stale corpus. Needs /usr/bin/time
# (Debian package `time`) for peak RSS.
#
# The last line says how much CPU time the hypervisor took from this machine during the run
# (steal, from /proc/stat): on a shared virtual machine, figures from runs with much steal are
# slower than the code is and should be re-measured.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-"10000 100000"}
profiles=${PROFILES:-"standard long flood mixed"}
outlets=${OUTLETS:-1}
seed=${SEED:-1}
repeat=${REPEAT:-1}
once=${ONCE:-0}
out=bench/out
mkdir -p "$out"

if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time is missing; install it (apt-get install time)" >&2
  exit 1
fi

cargo build --release --quiet --bin dossier --example gen-corpus --example bare-load --example query-bench
bin=target/release

# "total steal" CPU ticks so far, over every core (user .. steal; guest time is inside user).
cpu_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9}' /proc/stat; }
read -r ticks_start steal_start < <(cpu_ticks)

# run LABEL CMD...: time a command, leaving "seconds max_rss_kb user_s system_s" in
# $out/LABEL.time
run() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$out/$label.time" "$@" >/dev/null
}

secs() { cut -d' ' -f1 "$out/$1.time"; }
# CPU seconds (user + system, all threads): with wall time, how much of the cores a run used.
cpu_secs() { awk '{printf "%.2f", $3 + $4}' "$out/$1.time"; }
rss_mib() { awk '{printf "%.0f", $2 / 1024}' "$out/$1.time"; }
size_of() { stat -c %s "$1"; }
# median NUMBER...: the middle value, or the mean of the middle two.
median() {
  printf '%s\n' "$@" | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
pairs=""

for profile in $profiles; do
echo "### Profile \`$profile\`$( [ "$profile" = flood ] && echo " ($outlets outlet(s))")"
echo
echo "| articles | input MB | baseline s | ingest s | ingest CPU s | articles/s | MB/s | ingest / baseline | peak RSS MiB | db / input | re-ingest s | reprocess s | reprocess RSS MiB |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $sizes; do
  tag="$profile-$n"
  corpus="$out/corpus-$tag-seed$seed.jsonl"
  "$bin/examples/gen-corpus" --profile "$profile" --outlets "$outlets" --articles "$n" \
    --seed "$seed" > "$corpus"
  db="$out/dossier-$tag.sqlite"
  base="$out/baseline-$tag.sqlite"
  bases=() ingests=() cpus=() ratios=() rss=0
  for _ in $(seq "$repeat"); do
    rm -f "$db" "$db"-wal "$db"-shm "$base" "$base"-wal "$base"-shm
    sync
    run "baseline-$tag" "$bin/examples/bare-load" "$corpus" "$base"
    run "ingest-$tag" "$bin/dossier" --quiet --db "$db" ingest "$corpus"
    bases+=("$(secs "baseline-$tag")")
    ingests+=("$(secs "ingest-$tag")")
    cpus+=("$(cpu_secs "ingest-$tag")")
    ratios+=("$(awk -v i="${ingests[-1]}" -v b="${bases[-1]}" 'BEGIN {printf "%.2f", i / b}')")
    this_rss=$(rss_mib "ingest-$tag")
    rss=$(( this_rss > rss ? this_rss : rss ))
  done
  if [ "$once" = 1 ]; then
    re=- rep=- reprss=-
  else
    run "reingest-$tag" "$bin/dossier" --quiet --db "$db" ingest "$corpus"
    run "reprocess-$tag" "$bin/dossier" --quiet --db "$db" reprocess
    re=$(secs "reingest-$tag") rep=$(secs "reprocess-$tag") reprss=$(rss_mib "reprocess-$tag")
  fi
  if [ "$repeat" -gt 1 ]; then
    pairs+="$profile, $n articles, ingest / baseline of each pair: ${ratios[*]}"$'\n'
  fi

  input=$(size_of "$corpus")
  dbsize=$(( $(size_of "$db") + $( [ -f "$db-wal" ] && size_of "$db-wal" || echo 0 ) ))
  awk -v n="$n" -v input="$input" -v dbsize="$dbsize" \
      -v base="$(median "${bases[@]}")" -v ingest="$(median "${ingests[@]}")" \
      -v cpu="$(median "${cpus[@]}")" \
      -v ratio="$(median "${ratios[@]}")" -v rss="$rss" -v re="$re" \
      -v rep="$rep" -v reprss="$reprss" 'BEGIN {
    mb = input / 1e6
    printf "| %d | %.1f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %d | %.2f | %s | %s | %s |\n",
      n, mb, base, ingest, cpu, n / ingest, mb / ingest, ratio, rss, dbsize / input, re, rep, reprss
  }'
done
if [ -n "$pairs" ]; then
  echo
  printf '%s' "$pairs"
  pairs=""
fi
echo
echo "Query latency on the $n-article \`$profile\` archive$( [ "$once" = 1 ] || echo " (after reprocess)"):"
echo
"$bin/examples/query-bench" "$db"
echo
# Where the bytes go, by table with its indexes (needs a sqlite3 shell built with dbstat, as
# Debian's is; skipped otherwise).
if command -v sqlite3 >/dev/null && sqlite3 "$db" "SELECT 1 FROM dbstat LIMIT 1" >/dev/null 2>&1; then
  echo "Space on the $n-article \`$profile\` archive, by table with its indexes (input $(awk -v b="$input" 'BEGIN {printf "%.1f", b / 1048576}') MiB):"
  echo
  echo "| table | MiB | share | × input |"
  echo "| --- | ---: | ---: | ---: |"
  sqlite3 -separator ' ' "$db" "
    WITH used AS (
      SELECT CASE WHEN coalesce(s.tbl_name, d.name) GLOB '*_fts_*'  -- FTS5's shadow tables
                  THEN substr(s.tbl_name, 1, instr(s.tbl_name, '_fts_') + 3)
                  ELSE coalesce(s.tbl_name, d.name) END AS tbl,
             sum(d.pgsize) AS bytes
      FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name
      GROUP BY 1)
    SELECT tbl, bytes, (SELECT sum(bytes) FROM used) FROM used ORDER BY bytes DESC LIMIT 12" |
  awk -v input="$input" '{printf "| %s | %.1f | %.0f%% | %.2f |\n", $1, $2 / 1048576, 100 * $2 / $3, $2 / input}'
  echo
fi
done
read -r ticks_end steal_end < <(cpu_ticks)
steal=$(awk -v t=$((ticks_end - ticks_start)) -v s=$((steal_end - steal_start)) \
  'BEGIN {printf "%.0f%%", (t > 0) ? 100 * s / t : 0}')
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); CPU time stolen by the hypervisor during the run: $steal; dossier $(git describe --always --dirty 2>/dev/null || echo unknown)"
