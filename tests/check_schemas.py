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
schemas = {name: json.loads((root / "config" / f"{name}.schema.json").read_text()) for name in ("kiosk", "playlist")}
failures = []
for name, schema in schemas.items():
    jsonschema.Draft202012Validator.check_schema(schema)
    demo = json.loads((root / "config" / f"{name}.json").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(demo))
    if errors:
        failures.append(f"bundled {name}.json fails its schema: {errors[0].message}")

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
for msg in failures:
    print(msg)
print(f"schemas: {checked} malformed files refused, demo accepted" if not failures else "schema check FAILED")
sys.exit(1 if failures else 0)
