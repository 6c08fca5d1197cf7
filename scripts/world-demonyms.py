#!/usr/bin/env python3
"""Write data/gazetteer/world-demonyms.tsv: a demonym, its plural and the common adjective forms
for every country of countries.tsv, from the world-countries package (mledoze/countries, ODbL 1.0).

Run through scripts/build-gazetteer.sh, which installs the pinned package in a throwaway folder
(WORLD_COUNTRIES names its countries.json). The output depends only on that package's data, on
the short list of common forms below and on data/gazetteer/*.tsv:

- each country's English demonyms (masculine and feminine, "Antiguan, Barbudan" split), matched to
  the gazetteer's country by its ISO code's common name or alternative spellings; a demonym shared
  by two countries ("Congolese", "Dominican") goes to the first listed in SHARED;
- a plural for each ("Rwandans", "Iraqis"), except for forms that take none ("Chinese", "Swiss",
  "French");
- a demonym demonyms.tsv already has (its hand rows win), or that is spelled like a name or alias
  of the gazetteer ("Vatican"), is left out; so are forms that are also common words or given
  names ("Lao", "Dane", "Finn", "Pole", "Turk").

Demonyms are never entity mentions: dossier matches them only so that "South Sudanese" is not
read as South Sudan, and as a hint of the country an article is about.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GAZETTEER = os.path.join(HERE, "..", "data", "gazetteer")
OUT = "world-demonyms.tsv"

# Common English forms the package lacks (its forms are kept too): ISO code, forms.
EXTRA = {
    "AR": ["Argentinian"],
    "BA": ["Bosnian"],
    "BF": ["Burkinabè"],
    "BW": ["Botswanan", "Batswana"],
    "CV": ["Cape Verdean"],
    "CZ": ["Czech"],
    "DJ": ["Djiboutian"],
    "GB": ["Briton"],
    "GW": ["Bissau-Guinean"],
    "KG": ["Kyrgyz", "Kyrgyzstani"],
    "KM": ["Comorian"],
    "KZ": ["Kazakh"],
    "LS": ["Basotho"],
    "MV": ["Maldivian"],
    "NP": ["Nepali"],
    "PH": ["Filipina"],
    "SA": ["Saudi"],
    "SI": ["Slovenian"],
    "TJ": ["Tajik", "Tajikistani"],
    "TL": ["Timorese"],
    "UZ": ["Uzbek"],
    "XK": ["Kosovan"],
    "ES": ["Spaniard"],
    "SE": ["Swede"],
    "CY": ["Greek Cypriot", "Turkish Cypriot"],
}
# Forms shared by several countries go to the first of these; the others get none.
SHARED = {"Congolese": "CD", "Dominican": "DO", "American": "US", "Dutch": "NL", "French": "FR",
          "Indian": "IN", "Norwegian": "NO", "Channel Islander": "", "Virgin Islander": ""}
# Also ordinary words or given names: never demonyms here.
NEVER = {"Lao", "Dane", "Finn", "Pole", "Turk", "Scot", "Brit", "Kiwi", "Manx", "Persian",
         "Gibraltar", "Djibouti", "Vatican"}
# Forms that are their own plural.
NO_PLURAL = {"Swiss", "Malagasy", "Burkinabe", "Burkinabè", "I-Kiribati", "Ni-Vanuatu", "Batswana",
             "Basotho", "Seychellois", "Kyrgyz", "Saudi Arabian", "Motswana", "Mosotho"}


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")


def plural(form):
    if form in NO_PLURAL or " " in form and form.split()[-1] in NO_PLURAL:
        return None
    if form.endswith("Czech"):
        return form + "s"
    if form.endswith(("ese", "ish", "ch", "sh", "ss", "s", "x", "z", "ois")):
        return None
    return form + "s"


def main():
    source = os.environ.get("WORLD_COUNTRIES")
    if not source:
        sys.exit("WORLD_COUNTRIES: path of world-countries' countries.json (see build-gazetteer.sh)")
    with open(source, encoding="utf-8") as f:
        data = json.load(f)
    known = set()  # every spelling the gazetteer has already, demonyms.tsv's included
    for file in sorted(os.listdir(GAZETTEER)):
        if not file.endswith(".tsv") or file.startswith("world-") and file != "world-cities.tsv":
            continue
        for cols in rows(os.path.join(GAZETTEER, file)):
            known.add(cols[0].strip())
            for alias in (cols[-1] if len(cols) > 1 else "").split("|"):
                known.add(alias.strip().lstrip("?~"))
    countries = {}
    for cols in rows(os.path.join(GAZETTEER, "countries.tsv")):
        name = cols[0].strip()
        countries[name] = name
        for alias in (cols[1] if len(cols) > 1 else "").split("|"):
            alias = alias.strip()
            if alias and not alias.startswith(("~", "?")):
                countries.setdefault(alias, name)
    out, seen, unknown = [], set(), []
    for c in sorted(data, key=lambda c: c["cca2"]):
        names = [c["name"]["common"], c["name"]["official"], *c.get("altSpellings", [])]
        country = next((countries[n] for n in names if n in countries), None)
        if country is None:
            unknown.append(c["name"]["common"])
            continue
        eng = c.get("demonyms", {}).get("eng", {})
        forms = []
        for raw in [eng.get("m", ""), eng.get("f", ""), *EXTRA.get(c["cca2"], [])]:
            for form in raw.replace(" or ", ", ").split(","):
                form = form.strip()
                if form and form not in forms:
                    forms.append(form)
        for form in forms:
            if SHARED.get(form, c["cca2"]) != c["cca2"] or form in NEVER:
                continue
            for spelled in (form, plural(form)):
                if not spelled or spelled in known or spelled in seen:
                    continue
                seen.add(spelled)
                out.append(f"{spelled}\t{country}")
    header = (
        "# Demonyms and adjectives of nationality for every country, with plurals. Columns\n"
        "# (tab-separated): demonym, country. Generated by scripts/build-gazetteer.sh from the\n"
        "# world-countries package 5.1.0 (mledoze/countries, ODbL 1.0) and the script's short list of\n"
        "# common forms; do not edit by hand: demonyms.tsv's hand rows come first and win.\n"
        "# They are never mentions: see demonyms.tsv.\n"
    )
    with open(os.path.join(GAZETTEER, OUT), "w", encoding="utf-8") as f:
        f.write(header + "\n".join(out) + "\n")
    print(f"{len(out)} demonyms written; no gazetteer country for: {', '.join(unknown)}", file=sys.stderr)


if __name__ == "__main__":
    main()
