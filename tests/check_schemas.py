#!/usr/bin/python3
"""The published JSON Schemas (config/*.schema.json) are valid draft 2020-12, accept the
bundled demo, and refuse the malformed fixtures a schema can express. Debian's
python3-jsonschema, the same check an operator's editor makes."""
import json
import pathlib
import sys

import jsonschema

root = pathlib.Path(sys.argv[1])
fixtures = root / "tests" / "fixtures" / "config-errors"
schemas = {name: json.loads((root / "config" / f"{name}.schema.json").read_text())
           for name in ("kiosk", "playlist", "calendar")}
examples = {"kiosk": "kiosk.json", "playlist": "playlist.json", "calendar": "calendar.example.json"}
failures = []
for name, schema in schemas.items():
    jsonschema.Draft202012Validator.check_schema(schema)
    demo = json.loads((root / "config" / examples[name]).read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(demo))
    if errors:
        failures.append(f"bundled {examples[name]} fails its schema: {errors[0].message}")

# The hall's hours and a power backend, as docs/config.md shows them.
hours = {"opening": {"hours": {"mon": ["08:30-12:00", "13:00-17:00"], "sat": []}, "lunch": "off",
                     "on_before_minutes": 15, "off_after_minutes": 10, "calendar": "calendar.json"},
         "power": {"backend": "serial", "serial": {"device": "/dev/ttyUSB0", "baud": 9600, "on": "ka 01 01\r",
                                                   "off": "hex:AA 11 FE 01 00 10", "query": "hex:AA11FE0100",
                                                   "on_reply": "hex:AA FF"}}}
for error in jsonschema.Draft202012Validator(schemas["kiosk"]).iter_errors(hours):
    failures.append(f"kiosk.json with opening and power fails its schema: {error.message}")

# What only `kiosk check` can know: time zones, calendar dates, start before expiry, allowed
# hosts, duplicate ids or keys, empty ranges, from/until order, syntax and reading limits.
schema_blind = {"kiosk-unknown-time-zone", "kiosk-reading-max-below-min", "kiosk-duplicate-key",
                "kiosk-syntax-trailing-comma", "kiosk-syntax-unclosed", "playlist-duplicate-id",
                "playlist-host-not-allowed", "playlist-hours-empty-range", "playlist-until-before-from",
                "playlist-bad-date", "playlist-notice-expires-before-start", "playlist-duplicate-key-in-item"}
checked = 0
for f in sorted(fixtures.glob("*.json")):
    if f.stem in schema_blind:
        continue
    schema = schemas["playlist" if f.stem.startswith("playlist-") else "kiosk"]
    doc = json.loads(f.read_text())
    if jsonschema.Draft202012Validator(schema).is_valid(doc):
        failures.append(f"{f.name}: the schema accepts it")
    checked += 1
# Calendars: what only `kiosk check` knows is real dates (2027-02-30), the order of date and
# until, overlapping days or hours of a day, and syntax.
calendar_blind = {"calendar-until-before", "calendar-overlap", "calendar-overlapping-hours", "calendar-syntax"}
for f in sorted((root / "tests" / "fixtures" / "calendar-errors").glob("*.json")):
    if f.stem in calendar_blind:
        continue
    if jsonschema.Draft202012Validator(schemas["calendar"]).is_valid(json.loads(f.read_text())):
        failures.append(f"{f.name}: the schema accepts it")
    checked += 1
for msg in failures:
    print(msg)
print(f"schemas: {checked} malformed files refused, demo accepted" if not failures else "schema check FAILED")
sys.exit(1 if failures else 0)
