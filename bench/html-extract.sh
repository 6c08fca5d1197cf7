#!/usr/bin/env bash
# Article extraction from saved pages: dossier against trafilatura, on the same pages, with the
# Zyte article extraction benchmark's metric (4-token shingles; see src/eval/shingles.rs).
#
#   bench/html-extract.sh                               # our own pages (tests/fixtures/html)
#   bench/html-extract.sh PAGES_DIR TRUTH.json          # any folder of ID.html and its truth
#   bench/html-extract.sh ../shared/html-dev ../shared/html-dev/ground-truth.json
#
# Installs trafilatura (pinned) from PyPI into a throwaway venv, then prints, for each tool,
# precision, recall and F1, and pages per second of the extraction alone (one pass over pages
# already in memory, after one warm-up pass; dossier: `dossier eval --html-truth`, which times
# its decoded-page-to-blocks step on one thread and on one thread per core, as `dossier ingest`
# runs it; trafilatura: `extract()` on the page's bytes, on one thread, as it runs by default).
#
# It also scores the text dossier archived for each page with this script's own Python version
# of the metric, so the two implementations are checked against each other on every run.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=${1:-tests/fixtures/html/pages}
truth=${2:-tests/fixtures/html/truth.json}
trafilatura_version=${TRAFILATURA_VERSION:-2.0.0}

cargo build --release --quiet --bin dossier
dossier=$PWD/target/release/dossier

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "trafilatura==$trafilatura_version" \
  "lxml_html_clean==0.4.3"

# dossier: scores and speed from `dossier eval`, and the archived text for the cross-check.
"$dossier" eval --json --html-truth "$truth" "$pages" >"$work/dossier.json" 2>"$work/dossier.err" \
  || { cat "$work/dossier.err" >&2; exit 1; }
"$dossier" --quiet --db "$work/pages.sqlite" ingest "$pages" >/dev/null 2>&1 || true

"$work/venv/bin/python" - "$pages" "$truth" "$work/dossier.json" "$work/pages.sqlite" "$trafilatura_version" <<'PY'
import json, os, re, sqlite3, sys, time
from collections import Counter

import trafilatura

pages_dir, truth_path, dossier_json, db, version = sys.argv[1:]
truth = json.load(open(truth_path, encoding="utf-8"))
ids = sorted(i for i in truth if os.path.exists(os.path.join(pages_dir, i + ".html")))
pages = {i: open(os.path.join(pages_dir, i + ".html"), "rb").read() for i in ids}

def shingles(text):
    tokens = re.findall(r"\w+", text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))

def score(extracted):
    precisions, recalls = [], []
    for i in ids:
        got, want = shingles(extracted.get(i)), shingles(truth[i]["articleBody"])
        tp = sum((got & want).values())
        fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
        if got:
            precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

def trafilatura_run():
    return {i: trafilatura.extract(pages[i], include_comments=False, include_tables=True) or ""
            for i in ids}

trafilatura_run()  # warm-up
start = time.perf_counter()
extracted = trafilatura_run()
seconds = time.perf_counter() - start
t_p, t_r, t_f = score(extracted)
t_speed = len(ids) / seconds

report = json.load(open(dossier_json))
s = report["summary"]
d_speed = report["pages_per_second"]
d_parallel, threads = report["pages_per_second_parallel"], report["threads"]

# The cross-check: dossier's archived text, scored here.
conn = sqlite3.connect(db)
archived = {}
for i in ids:
    row = conn.execute(
        """SELECT group_concat(text, char(10)) FROM (
             SELECT p.text FROM sightings s JOIN documents d ON d.id = s.document_id
             JOIN article_paragraphs ap ON ap.article_id = d.article_id
             JOIN paragraphs p ON p.id = ap.paragraph_id
             WHERE s.path LIKE '%' || ? AND ap.role IN ('title', 'content')
             ORDER BY ap.position)""",
        (os.sep + i + ".html",),
    ).fetchone()
    archived[i] = row[0] or ""
x_p, x_r, x_f = score(archived)

print(f"{len(ids)} pages from {pages_dir}\n")
print(f"| extractor | precision | recall | F1 | pages/s, 1 thread | pages/s, {threads} threads |")
print("|---|---|---|---|---|---|")
print(f"| dossier | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {d_speed:.0f} | {d_parallel:.0f} |")
print(f"| trafilatura {version} | {t_p:.3f} | {t_r:.3f} | {t_f:.3f} | {t_speed:.1f} | |")
print(f"\ndossier's extraction is {d_speed / t_speed:.1f}x trafilatura's pages per second on one "
      f"thread, {d_parallel / t_speed:.1f}x as ingest runs it ({threads} threads)")
agree = abs(x_f - s["f1"]) < 0.0015
print(f"metric cross-check: this script scores dossier's archived text F1 {x_f:.3f} "
      f"({'agrees' if agree else 'DISAGREES'} with dossier eval)")
sys.exit(0 if agree else 1)
PY
