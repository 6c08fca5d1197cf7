"""What the generators of data/gazetteer/world-*.tsv read from the gazetteer's other files
(scripts/build-gazetteer.sh runs them; each imports this module from beside it)."""
import os

GAZETTEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gazetteer")


def rows(path):
    """The data rows of a TSV file, split on tabs (comments and blank lines left out)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")


def spellings(read):
    """Every name and alias, markers (`?`, `~`) stripped, of the files `read(name)` accepts."""
    known = set()
    for file in sorted(os.listdir(GAZETTEER)):
        if not file.endswith(".tsv") or not read(file):
            continue
        for cols in rows(os.path.join(GAZETTEER, file)):
            known.add(cols[0].strip())
            for alias in (cols[-1] if len(cols) > 1 else "").split("|"):
                known.add(alias.strip().lstrip("?~"))
    return known


def country_names():
    """countries.tsv's canonical name of every country name and plain alias."""
    countries = {}
    for cols in rows(os.path.join(GAZETTEER, "countries.tsv")):
        name = cols[0].strip()
        countries[name] = name
        for alias in (cols[1] if len(cols) > 1 else "").split("|"):
            alias = alias.strip()
            if alias and not alias.startswith(("~", "?")):
                countries.setdefault(alias, name)
    return countries
