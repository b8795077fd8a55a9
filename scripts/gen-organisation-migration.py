#!/usr/bin/env python3
"""Generates migrations/20261124000004_organisation.sql from the reference data in migrations/data/.

Inputs (committed next to the migrations so the project never depends on an outside copy):
  admin_units_2025.csv               the 34 provinces and 3,321 communes since 1 July 2025
                                     (province_code,province_name,province_type,ward_code,ward_name,ward_type)
  admin_mapping_2025_old_to_new.csv  which old commune (old province / district / ward) went into
                                     which new commune; names only
                                     (old_province,old_district,old_ward,new_province,new_ward)

Output: the migration that widens `units` (historic kinds, subtype, active, sort_order, updated_at),
inserts the communes, the historic (pre-July-2025) provinces, districts and communes, the
`unit_successors` links and Nghệ An's default departments.

Deterministic: rows are sorted, nothing depends on time, hash seeds or the environment, so the same
inputs always give a byte-identical file. Standard library only. Usage:

    python3 scripts/gen-organisation-migration.py           # writes the migration, prints a report
    python3 scripts/gen-organisation-migration.py --check   # exits 1 if the file is not up to date
"""

import collections
import csv
import hashlib
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "migrations" / "data"
UNITS_CSV = DATA / "admin_units_2025.csv"
MAPPING_CSV = DATA / "admin_mapping_2025_old_to_new.csv"
PROVINCES_SQL = ROOT / "migrations" / "20261124000002_units.sql"
OUTPUT = ROOT / "migrations" / "20261124000004_organisation.sql"

ROWS_PER_INSERT = 500
EFFECTIVE = "2025-07-01"  # Resolution 202/2025/QH15 and the commune resolutions took effect

# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------

# Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below).
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
DASHES = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def clean(s):
    """NFC, whitespace collapsed and trimmed: the form names are stored in."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def match_key(s):
    """Key used to resolve a name written two different ways to the same unit.

    Beyond NFC, case and whitespace, the two files disagree on spellings that are the same name:
    old/new tone placement ("Thuỷ"/"Thủy", "Hoà"/"Hòa", "Uý"/"Úy"), dashes and the spaces around
    them ("Văn Miếu-Quốc Tử Giám"/"Văn Miếu - Quốc Tử Giám", "Chân Mây – Lăng Cô") and apostrophes
    ("Cư M'gar"/"Cư M’gar"). The key therefore moves each word's tone mark to the end of the word
    and unifies dashes and apostrophes. Letters themselves (â, ơ, đ, …) are kept: "Hòa" ≠ "Hoa".
    """
    s = clean(s).translate(APOSTROPHES)
    s = DASHES.sub("-", s).casefold()
    words = []
    for word in s.split(" "):
        d = unicodedata.normalize("NFD", word)
        tones = "".join(sorted(c for c in d if c in TONES))
        base = "".join(c for c in d if c not in TONES)
        words.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(words)


PROVINCE_PREFIXES = [match_key("Thành phố") + " ", match_key("Tỉnh") + " "]


def province_key(s):
    """match_key without the "Thành phố " / "Tỉnh " prefix (the units file writes "Nghệ An",
    the mapping file "Tỉnh Nghệ An")."""
    k = match_key(s)
    for p in PROVINCE_PREFIXES:
        if k.startswith(p):
            return k[len(p):]
    return k


def hash_part(s):
    """A name as it enters the historic codes' hash: NFC, lower-cased, whitespace-normalised."""
    return clean(s).lower()


def historic_code(prefix, *path):
    """Stable code of a historic unit: prefix + 12 hex digits of SHA-1 of its name path."""
    digest = hashlib.sha1("|".join(hash_part(p) for p in path).encode("utf-8")).hexdigest()
    return prefix + digest[:12]


def ascii_fold(s):
    """ASCII transliteration: diacritics dropped, đ → d, typographic dashes/quotes made plain."""
    s = clean(s).translate(APOSTROPHES)
    s = DASHES.sub(lambda m: " - " if " " in m.group(0) else "-", s)
    s = s.replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    s = unicodedata.normalize("NFC", s)
    if not s.isascii():
        raise SystemExit(f"cannot transliterate {s!r} to ASCII")
    return s


# --------------------------------------------------------------------------------------------
# Unit types: Vietnamese prefix in the name → subtype and English designation
# --------------------------------------------------------------------------------------------

# (prefix as written in a name, subtype, English designation, properly capitalised prefix)
COMMUNE_TYPES = [
    ("đặc khu", "đặc khu", "Special Zone", "Đặc khu"),
    ("phường", "phường", "Ward", "Phường"),
    ("thị trấn", "thị trấn", "Township", "Thị trấn"),
    ("xã", "xã", "Commune", "Xã"),
]
DISTRICT_TYPES = [
    ("thành phố", "thành phố", "City", "Thành phố"),
    ("thị xã", "thị xã", "Town", "Thị xã"),
    ("quận", "quận", "District", "Quận"),
    ("huyện", "huyện", "District", "Huyện"),
]
PROVINCE_TYPES = [
    ("thành phố", "thành phố trung ương", "City", "Thành phố"),
    ("tỉnh", "tỉnh", "Province", "Tỉnh"),
]


def split_type(name, types):
    """(type entry, rest of the name) for a name starting with one of `types`, else (None, name)."""
    lowered = name.lower()
    for entry in types:
        prefix = entry[0] + " "
        if lowered.startswith(prefix):
            return entry, name[len(prefix):]
    return None, name


def english_name(rest, designation):
    """"Anh Son Commune"; numbered units read "Ward 1", "District 3" as in English usage."""
    rest = ascii_fold(rest)
    if re.fullmatch(r"\d+[A-Za-z]?", rest):
        return f"{designation} {rest}"
    return f"{rest} {designation}"


def describe(name, types):
    """(display name, subtype, English name) of a unit named `name` (already cleaned).

    The mapping file title-cases every word ("Thị Trấn Anh Sơn", "Thành Phố Vinh"); only the
    type prefix is put back into its usual form ("Thị trấn", "Thành phố"), the proper name is
    kept as written. A name without a known prefix keeps no subtype and an ASCII English name.
    """
    entry, rest = split_type(name, types)
    if entry is None:
        return name, None, ascii_fold(name)
    _, subtype, designation, prefix = entry
    return f"{prefix} {rest}", subtype, english_name(rest, designation)


# --------------------------------------------------------------------------------------------
# Nghệ An's provincial departments and agencies after the 2025 restructuring
# --------------------------------------------------------------------------------------------

# Kept as shipped in migration 000004 (a changed migration would no longer match the databases
# that applied it). Other provinces' departments are not generated here: migration 000021 lists
# the department kinds province-neutrally and the server instantiates them for its `--province`
# at start-up (server/src/units/departments.rs); these rows are Nghệ An's instances.

# Sở merged on 1 March 2025 (Finance + Planning and Investment, Construction + Transport,
# Agriculture + Natural Resources and Environment, Science and Technology + Information and
# Communications, Home Affairs + Labour, Invalids and Social Affairs); central agencies located in
# the province reorganised the same year (Statistics under the Ministry of Finance, regional
# customs and treasury branches, provincial tax offices from 1 July 2025).
# (code, name_vi, name_en, subtype)
DEPARTMENTS = [
    ("dept-vp", "Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee", "văn phòng"),
    ("dept-stc", "Sở Tài chính", "Department of Finance", "sở"),
    ("dept-sct", "Sở Công Thương", "Department of Industry and Trade", "sở"),
    ("dept-snv", "Sở Nội vụ", "Department of Home Affairs", "sở"),
    ("dept-stp", "Sở Tư pháp", "Department of Justice", "sở"),
    ("dept-sxd", "Sở Xây dựng", "Department of Construction", "sở"),
    ("dept-snnmt", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "sở"),
    ("dept-sgddt", "Sở Giáo dục và Đào tạo", "Department of Education and Training", "sở"),
    ("dept-syt", "Sở Y tế", "Department of Health", "sở"),
    ("dept-skhcn", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "sở"),
    ("dept-svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism", "sở"),
    ("dept-sdttg", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religions", "sở"),
    ("dept-sngv", "Sở Ngoại vụ", "Department of Foreign Affairs", "sở"),
    ("dept-ttt", "Thanh tra tỉnh", "Provincial Inspectorate", "thanh tra"),
    ("dept-bqlkkt", "Ban Quản lý Khu kinh tế Đông Nam Nghệ An", "Southeast Nghe An Economic Zone Authority", "ban quản lý"),
    ("dept-ttpvhcc", "Trung tâm Phục vụ hành chính công tỉnh", "Provincial Public Administrative Service Centre", "trung tâm"),
    ("dept-tk", "Thống kê tỉnh Nghệ An", "Nghe An Statistics Office", "cơ quan ngành dọc"),
    ("dept-thue", "Thuế tỉnh Nghệ An", "Nghe An Provincial Tax Office", "cơ quan ngành dọc"),
    ("dept-hq", "Chi cục Hải quan khu vực (địa bàn Nghệ An)", "Regional Customs Branch (Nghe An)", "cơ quan ngành dọc"),
    ("dept-kbnn", "Kho bạc Nhà nước khu vực (địa bàn Nghệ An)", "Regional State Treasury (Nghe An)", "cơ quan ngành dọc"),
    ("dept-ca", "Công an tỉnh Nghệ An", "Nghe An Provincial Police", "cơ quan ngành dọc"),
]
DEPARTMENT_PARENT = "40"

# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------


def read_csv(path, columns):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != columns:
            raise SystemExit(f"{path}: expected columns {columns}, found {reader.fieldnames}")
        return list(reader)


def existing_province_codes():
    """Province codes inserted by the units migration (the communes' parents)."""
    text = PROVINCES_SQL.read_text(encoding="utf-8")
    return set(re.findall(r"\('(\d\d)', '[^']*', '[^']*', 'province'", text))


def sql_str(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def insert_statements(table, columns, rows):
    """Multi-row INSERTs of ROWS_PER_INSERT rows each."""
    out = []
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start:start + ROWS_PER_INSERT]
        out.append(f"INSERT INTO {table} ({', '.join(columns)}) VALUES\n")
        out.append(",\n".join("    (" + ", ".join(sql_str(v) for v in row) + ")" for row in chunk))
        out.append(";\n")
    return "".join(out)


def comment_safe(s):
    """Text that may go inside a `--` comment line."""
    return s.replace("\r", " ").replace("\n", " ")


def main():
    check = "--check" in sys.argv[1:]
    units_rows = read_csv(UNITS_CSV, ["province_code", "province_name", "province_type",
                                      "ward_code", "ward_name", "ward_type"])
    mapping_rows = read_csv(MAPPING_CSV, ["old_province", "old_district", "old_ward",
                                          "new_province", "new_ward"])
    report = []
    notes = []  # facts about the data, printed and kept as comments in the migration

    # ---- provinces and communes since 1 July 2025 ---------------------------------------------
    known_provinces = existing_province_codes()
    provinces = {}  # code -> (subtype, sort_order)
    province_by_key = {}  # province_key -> code
    communes = []  # (code, name_vi, name_en, kind, subtype, parent, sort_order)
    commune_by_key = {}  # (province code, match_key(ward name)) -> code
    per_province = collections.Counter()
    whitespace_fixed = 0
    for row in units_rows:
        pcode = f"{int(row['province_code']):02d}"
        ptype = clean(row["province_type"])
        if pcode not in known_provinces:
            raise SystemExit(f"province {pcode} ({row['province_name']}) is not in {PROVINCES_SQL.name}")
        if provinces.setdefault(pcode, (ptype, int(pcode)))[0] != ptype:
            raise SystemExit(f"province {pcode}: conflicting types")
        if province_by_key.setdefault(province_key(row["province_name"]), pcode) != pcode:
            raise SystemExit(f"two province codes for {row['province_name']}")

        code = f"{int(row['ward_code']):05d}"
        name = clean(row["ward_name"])
        whitespace_fixed += name != row["ward_name"]
        subtype = clean(row["ward_type"]).lower()
        entry, rest = split_type(name, COMMUNE_TYPES)
        if entry is None or entry[1] != subtype:
            raise SystemExit(f"commune {code} {name!r}: name does not start with its type {subtype!r}")
        key = (pcode, match_key(name))
        if key in commune_by_key:
            raise SystemExit(f"two communes named {name!r} in province {pcode}")
        commune_by_key[key] = code
        per_province[pcode] += 1
        communes.append((code, name, english_name(rest, entry[2]), "commune", subtype, pcode,
                         per_province[pcode]))
    if set(provinces) != known_provinces:
        raise SystemExit(f"provinces without communes: {sorted(known_provinces - set(provinces))}")
    if len({c[0] for c in communes}) != len(communes):
        raise SystemExit("duplicate commune codes")
    if whitespace_fixed:
        notes.append(f"{whitespace_fixed} commune names had doubled spaces in the source; stored with single spaces")

    # ---- historic units and successor links ---------------------------------------------------
    historic = {}  # code -> [name_vi, name_en, kind, subtype, parent, sort_order]
    children = collections.Counter()
    links = set()  # (old_code, new_code)
    unresolved = []  # (line number, row, reason)
    wardless = []
    new_with_predecessor = set()

    def add_historic(code, kind, types, path, parent):
        if code in historic:
            return
        name_vi, subtype, name_en = describe(path[-1], types)
        children[parent] += 1
        historic[code] = [name_vi, name_en, kind, subtype, parent, children[parent],
                          tuple(match_key(p) for p in path[:-1])]

    for line, row in enumerate(mapping_rows, start=2):
        op, od, ow = clean(row["old_province"]), clean(row["old_district"]), clean(row["old_ward"])
        if not op or not od:
            unresolved.append((line, row, "old province or district is empty"))
            continue
        hp = historic_code("hp-", op)
        hd = historic_code("hd-", op, od)
        add_historic(hp, "historic_province", PROVINCE_TYPES, (op,), None)
        add_historic(hd, "historic_district", DISTRICT_TYPES, (op, od), hp)
        old = hd
        if ow:
            old = historic_code("hc-", op, od, ow)
            add_historic(old, "historic_commune", COMMUNE_TYPES, (op, od, ow), hd)
        new_province = province_by_key.get(province_key(row["new_province"]))
        if new_province is None:
            unresolved.append((line, row, f"new province {row['new_province']!r} is unknown"))
            continue
        links.add((hp, new_province))
        new = commune_by_key.get((new_province, match_key(row["new_ward"])))
        if new is None:
            unresolved.append((line, row, f"new commune {row['new_ward']!r} is not in province {new_province}"))
            continue
        if not ow:
            # Island districts that had no communes (Bạch Long Vĩ, Hoàng Sa, Côn Đảo, Lý Sơn,
            # Cồn Cỏ) became special zones: the district itself is the predecessor.
            wardless.append(f"{od} ({op}) -> {row['new_ward']}")
        links.add((old, new))
        new_with_predecessor.add(new)

    codes = list(historic)
    if len(set(c[3:] for c in codes)) != len(codes):
        raise SystemExit("hash collision between historic codes; use more hex digits")
    if any(not re.fullmatch(r"[0-9A-Za-z_.-]{1,32}", c) for c in codes):
        raise SystemExit("a historic code does not fit the units.code CHECK")
    historic_communes = {c for c, h in historic.items() if h[2] == "historic_commune"}
    without_successor = historic_communes - {old for old, _ in links}
    no_predecessor = [c for c in communes if c[0] not in new_with_predecessor]
    if wardless:
        notes.append(f"{len(wardless)} old districts had no communes and are linked to their successor directly:")
        notes.extend(f"  {w}" for w in sorted(wardless))
    for c in no_predecessor:
        notes.append(f"new commune {c[0]} {c[1]} (province {c[5]}) has no predecessor in the mapping file")
    untyped = sorted(f"{h[0]} ({code})" for code, h in historic.items() if h[3] is None)
    if untyped:
        notes.append("historic units without a recognised type prefix (subtype NULL):")
        notes.extend(f"  {u}" for u in untyped)

    # ---- the migration ------------------------------------------------------------------------
    kind_rank = {"historic_province": 0, "historic_district": 1, "historic_commune": 2}
    # Level by level (parents first), then grouped by the parents' names, in listing order.
    historic_order = {code: (kind_rank[h[2]], h[6], h[5], code) for code, h in historic.items()}
    historic_rows = [(code, h[0], h[1], h[2], h[3], h[4], h[5], False)
                     for code, h in sorted(historic.items(), key=lambda item: historic_order[item[0]])]
    commune_rows = sorted(communes, key=lambda r: (r[5], r[6]))
    department_rows = [(code, vi, en, "department", sub, DEPARTMENT_PARENT, 10 * (i + 1))
                       for i, (code, vi, en, sub) in enumerate(DEPARTMENTS)]
    link_rows = sorted(links)
    fold_from, fold_to = fold_tables()

    out = []
    w = out.append
    w("-- Organisation model, reference data: the communes since 1 July 2025, the historic (pre-July-2025)\n"
      "-- provinces, districts and communes with their successors, and the default departments of\n"
      "-- Nghệ An.\n"
      "--\n"
      "-- GENERATED by scripts/gen-organisation-migration.py from migrations/data/admin_units_2025.csv\n"
      "-- and migrations/data/admin_mapping_2025_old_to_new.csv. Do not edit by hand: change the script\n"
      "-- or the data and run it again (a new migration once this one has shipped).\n"
      "--\n"
      "-- Historic units keep their names so that old records (addresses, figures reported before\n"
      "-- the reorganisation) can be read and carried to the new units; they are never active.\n"
      "-- Their codes are 'hp-' / 'hd-' / 'hc-' + the first 12 hex digits of SHA-1 of the name path\n"
      "-- \"province|district|commune\" (NFC, lower-case, whitespace-normalised): stable across runs.\n\n")
    w("-- Folds a name for accent- and case-insensitive search: Vietnamese letters to ASCII, lower\n"
      "-- case, combining marks dropped (translate() deletes the characters that have no counterpart).\n"
      "-- Written out because `unaccent` is not available everywhere, and because lower() only\n"
      "-- handles ASCII in a cluster created without a locale.\n"
      "CREATE FUNCTION ioc_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
      f"    SELECT lower(translate(t, {sql_str(fold_from)},\n"
      f"                              {sql_str(fold_to)}))\n"
      "$$;\n\n"
      "-- The searchable form of a text: folded, every run of other characters (spaces, dashes,\n"
      "-- apostrophes, commas) made one space, with a space at both ends so that a search can match\n"
      "-- at the start of words: ' anh son' finds 'Xã Anh Sơn', not 'Xã Thanh Sơn'.\n"
      "CREATE FUNCTION ioc_search_key(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
      "    SELECT ' ' || btrim(regexp_replace(ioc_fold(t), '[^a-z0-9]+', ' ', 'g')) || ' '\n"
      "$$;\n\n")
    w("ALTER TABLE units DROP CONSTRAINT units_kind_check;\n"
      "ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (kind IN (\n"
      "    'province', 'commune', 'department',\n"
      "    'historic_province', 'historic_district', 'historic_commune'));\n"
      "ALTER TABLE units\n"
      "    -- The type as the data names it: 'tỉnh', 'thành phố trung ương', 'xã', 'phường', 'đặc khu',\n"
      "    -- 'quận', 'huyện', 'thị xã', 'thành phố', 'thị trấn', 'sở', …\n"
      "    ADD COLUMN subtype    text CHECK (subtype <> ''),\n"
      "    -- False for units that no longer exist (all historic units); kept for references.\n"
      "    ADD COLUMN active     boolean NOT NULL DEFAULT true,\n"
      "    -- Official listing order among siblings.\n"
      "    ADD COLUMN sort_order integer NOT NULL DEFAULT 0,\n"
      "    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),\n"
      "    -- Both names folded, for search: computed once per write, so a search is a plain LIKE\n"
      "    -- (folding every row at query time costs ~100 ms over the ~14,000 units).\n"
      "    ADD COLUMN search_key text GENERATED ALWAYS AS (ioc_search_key(name_vi || ' ' || name_en)) STORED;\n"
      "ALTER TABLE units ADD CONSTRAINT units_historic_inactive\n"
      "    CHECK (kind NOT LIKE 'historic%' OR NOT active);\n\n")
    w("UPDATE units SET subtype = v.subtype, sort_order = v.sort_order\n"
      "FROM (VALUES\n")
    w(",\n".join(f"    ({sql_str(code)}, {sql_str(sub)}, {order})"
                 for code, (sub, order) in sorted(provinces.items())))
    w("\n) AS v (code, subtype, sort_order)\nWHERE units.code = v.code;\n\n")
    w(f"-- {len(commune_rows)} communes ({', '.join(f'{n} {t}' for t, n in sorted(collections.Counter(r[4] for r in commune_rows).items()))}).\n")
    w(insert_statements("units", ["code", "name_vi", "name_en", "kind", "subtype", "parent_code", "sort_order"],
                        commune_rows))
    counts = collections.Counter(r[3] for r in historic_rows)
    w(f"\n-- Historic units: {counts['historic_province']} provinces, {counts['historic_district']} districts, "
      f"{counts['historic_commune']} communes.\n")
    w(insert_statements("units", ["code", "name_vi", "name_en", "kind", "subtype", "parent_code", "sort_order", "active"],
                        historic_rows))
    w(f"\n-- Provincial departments and agencies of Nghệ An after the 2025 restructuring (defaults; an\n"
      f"-- administrator adds, renames or deactivates them).\n")
    w(insert_statements("units", ["code", "name_vi", "name_en", "kind", "subtype", "parent_code", "sort_order"],
                        department_rows))
    w("\nCREATE INDEX units_parent ON units (parent_code);\n"
      "CREATE INDEX units_kind ON units (kind);\n\n")
    w("-- Which units replaced which on a reorganisation: each historic commune to every new commune\n"
      "-- it went into (a commune split between several has several rows), each historic province to\n"
      "-- the new province(s) its communes went into.\n"
      "CREATE TABLE unit_successors (\n"
      "    old_code  text NOT NULL REFERENCES units (code),\n"
      "    new_code  text NOT NULL REFERENCES units (code),\n"
      f"    effective date NOT NULL DEFAULT '{EFFECTIVE}',\n"
      "    PRIMARY KEY (old_code, new_code),\n"
      "    CHECK (old_code <> new_code)\n"
      ");\n"
      "CREATE INDEX unit_successors_new ON unit_successors (new_code);\n\n")
    w(f"-- {len(link_rows)} links.\n")
    w(insert_statements("unit_successors", ["old_code", "new_code"], link_rows))
    w("\n-- Checks that fail the migration rather than leave the reference data half right.\n"
      "DO $$\nBEGIN\n"
      "    IF EXISTS (SELECT 1 FROM units WHERE kind = 'province' AND subtype IS NULL) THEN\n"
      "        RAISE EXCEPTION 'a province has no subtype';\n"
      "    END IF;\n"
      f"    IF (SELECT count(*) FROM units WHERE kind = 'commune') <> {len(commune_rows)} THEN\n"
      "        RAISE EXCEPTION 'unexpected number of communes';\n"
      "    END IF;\n"
      "END $$;\n")
    if notes:
        w("\n-- Notes on the data:\n")
        for n in notes:
            w(f"--   {comment_safe(n)}\n")
    w(f"\n-- Mapping rows that could not be resolved: {len(unresolved)}.\n")
    for line, row, reason in unresolved:
        w(f"--   line {line}: {comment_safe(','.join(row.values()))}: {comment_safe(reason)}\n")
    text = "".join(out)

    report.append(f"communes: {len(commune_rows)} in {len(provinces)} provinces")
    report.append("historic units: " + ", ".join(f"{k} {counts[k]}" for k in kind_rank))
    report.append(f"departments: {len(department_rows)}")
    report.append(f"successor links: {len(link_rows)} "
                  f"({sum(1 for o, _ in link_rows if o.startswith('hc-'))} commune, "
                  f"{sum(1 for o, _ in link_rows if o.startswith('hd-'))} district, "
                  f"{sum(1 for o, _ in link_rows if o.startswith('hp-'))} province)")
    split = collections.Counter(collections.Counter(o for o, _ in link_rows if o.startswith("hc-")).values())
    report.append("old communes by number of successors: "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(split.items())))
    report.append(f"historic communes without a successor: {len(without_successor)}")
    report.append(f"mapping rows: {len(mapping_rows)}, unresolved: {len(unresolved)}")
    reasons = collections.Counter(re.sub(r"'.*'", "…", r) for _, _, r in unresolved)
    for reason, n in sorted(reasons.items()):
        report.append(f"  {n} × {reason}")
    for n in notes:
        report.append(f"note: {n}")

    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is not up to date: run {Path(__file__).relative_to(ROOT)}",
                  file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(text.encode('utf-8'))} bytes)")
    print("\n".join(report))
    return 0


def fold_tables():
    """The `from` and `to` strings of ioc_fold's translate(): every precomposed Vietnamese letter
    (both cases) to its plain lower-case ASCII letter, then the combining marks, which translate()
    deletes, and typographic dashes and apostrophes to plain ones."""
    pairs = {}
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY":
        for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]:
            c = unicodedata.normalize("NFC", base + tone)
            if len(c) == 1 and not c.isascii():
                pairs[c] = ascii_fold(c).lower()
    pairs["đ"] = "d"
    pairs["Đ"] = "d"
    pairs["\u2013"] = "-"
    pairs["\u2014"] = "-"
    pairs["\u2019"] = "'"
    pairs["\u2018"] = "'"
    src = sorted(pairs)
    marks = ["\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323"]
    return "".join(src) + "".join(marks), "".join(pairs[c] for c in src)


if __name__ == "__main__":
    sys.exit(main())
