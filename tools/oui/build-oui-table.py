#!/usr/bin/env python3
"""Builds FleetFlash's bundled MAC prefix table from the IEEE registry files that Debian's ieee-data ships.

Usage: tools/oui/build-oui-table.py [IEEE_DATA_DIR] [OUTPUT.tsv.gz]
  IEEE_DATA_DIR defaults to /usr/share/ieee-data (apt-get install ieee-data)
  OUTPUT defaults to desktop/src/main/resources/org/fleetflash/core/discovery/oui.tsv.gz

Output: gzip of UTF-8 text; '#' lines are the provenance header, then one 'PREFIX<TAB>VENDOR' line per
assignment, PREFIX in upper-case hex of 6 (MA-L, 24 bits), 7 (MA-M, 28 bits) or 9 (MA-S/IAB, 36 bits)
digits. The reader takes the longest matching prefix. The gzip stream carries no time stamp, so the same
input gives the same bytes.
"""
import csv
import datetime
import gzip
import io
import os
import re
import sys

REGISTRIES = [("oui.csv", 6), ("mam.csv", 7), ("oui36.csv", 9), ("iab.csv", 9)]


def clean(name):
    name = re.sub(r"\s+", " ", name).strip()
    return name.replace("\t", " ")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/ieee-data"
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "desktop", "src", "main", "resources",
                               "org", "fleetflash", "core", "discovery", "oui.tsv.gz")
    out = sys.argv[2] if len(sys.argv) > 2 else default_out
    entries = {}
    counts = {}
    for name, digits in REGISTRIES:
        path = os.path.join(src, name)
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: install Debian's ieee-data package (apt-get install ieee-data)")
        n = 0
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            if header[:3] != ["Registry", "Assignment", "Organization Name"]:
                sys.exit(f"{path}: unexpected header {header!r}")
            for row in rows:
                if len(row) < 3:
                    continue
                prefix = row[1].strip().upper()
                if not re.fullmatch(r"[0-9A-F]{%d}" % digits, prefix):
                    sys.exit(f"{path}: bad assignment {row[1]!r} (expected {digits} hex digits)")
                vendor = clean(row[2])
                if vendor:
                    entries[prefix] = vendor
                    n += 1
        counts[name] = n
    stamp = None
    try:
        with open(os.path.join(src, ".lastupdate")) as f:
            stamp = datetime.datetime.fromtimestamp(int(f.read().strip()), datetime.timezone.utc).date().isoformat()
    except (OSError, ValueError):
        stamp = "unknown"
    version = os.popen("dpkg-query -W -f='${Version}' ieee-data 2>/dev/null").read().strip() or "unknown"
    text = io.StringIO()
    text.write("# FleetFlash MAC prefix table: PREFIX<TAB>VENDOR, longest prefix wins\n")
    text.write(f"# source: IEEE Registration Authority public listings (MA-L, MA-M, MA-S, IAB) via Debian ieee-data {version}\n")
    text.write(f"# registry date: {stamp}\n")
    text.write("# licence: IEEE does not assert copyright in the public listing nor restrict its distribution\n")
    text.write("# entries: " + ", ".join(f"{k}={v}" for k, v in counts.items()) + "\n")
    for prefix in sorted(entries):
        text.write(f"{prefix}\t{entries[prefix]}\n")
    raw = text.getvalue().encode("utf-8")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    print(f"wrote {out}: {len(entries)} prefixes, {len(raw)} bytes, {os.path.getsize(out)} gzipped; registry date {stamp}")


if __name__ == "__main__":
    main()
