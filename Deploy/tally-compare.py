#!/usr/bin/env python3
"""Compares a tally document (tally tallies / tally export / the dashboard's /api/tallies, JSON) with
the sample's expected.json by the rules of FieldTallyTestKit's TallyComparer: integers exactly,
other numbers within 0.005, expected.json's reference extras skipped, the document's metadata allowed.
Usage: tally-compare.py EXPECTED.json ACTUAL.json   (exit 0 when equal; else the differing paths)"""
import json
import sys

REFERENCE_EXTRAS = {"dataset", "message_outcomes", "definitions", "frame_file"}
DOCUMENT_METADATA = {"as_of", "provisional", "codebook_version", "codebook_versions", "form_versions",
                     "partitions", "suppression", "paradata.coding_review"}


def compare(expected, actual, path, found):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected):
            sub = f"{path}.{key}" if path else key
            if sub in REFERENCE_EXTRAS:
                continue
            if key not in actual:
                found.append(f"{sub}: missing")
            else:
                compare(expected[key], actual[key], sub, found)
        for key in sorted(set(actual) - set(expected)):
            sub = f"{path}.{key}" if path else key
            if sub not in DOCUMENT_METADATA and sub not in REFERENCE_EXTRAS:
                found.append(f"{sub}: unexpected")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            found.append(f"{path}: expected {len(expected)} elements, got {len(actual)}")
        for i, (x, y) in enumerate(zip(expected, actual)):
            compare(x, y, f"{path}[{i}]", found)
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)) \
            and not isinstance(expected, bool) and not isinstance(actual, bool):
        integral = float(expected).is_integer() and float(actual).is_integer()
        if (expected != actual) if integral else not abs(expected - actual) <= 0.005:
            found.append(f"{path}: expected {expected}, got {actual}")
    elif expected != actual:
        found.append(f"{path}: expected {json.dumps(expected)[:80]}, got {json.dumps(actual)[:80]}")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        expected = json.load(f)
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            actual = json.load(f)
    except (OSError, ValueError) as error:
        print(f"not a JSON document: {error}")
        return 1
    found = []
    compare(expected, actual, "", found)
    for line in found[:20]:
        print(line)
    if len(found) > 20:
        print(f"… and {len(found) - 20} more")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
