#!/usr/bin/env python3
"""The one comparison of tally documents and dead letters for the project's scripts (demo.sh,
crash-test.sh, reliability.sh, container-test.sh); Python standard library only.

  compare-tallies.py tallies OFFLINE.json ACTUAL.json
      `tally offline` of a stream against what the pipeline, the dashboard or the store made of it:
      every key exact (zero tolerance, same types) except as_of and partitions, which differ by nature.
  compare-tallies.py expected EXPECTED.json ACTUAL.json
      the sample's expected.json against a document, by the rules of FieldTallyTestKit's TallyComparer:
      integers exactly, other numbers within 0.005, expected.json's reference extras skipped, and the
      document's own metadata (as_of, codebook versions, partitions, coding_review, …) allowed.
  compare-tallies.py dead-letters OFFLINE-REJECTED.jsonl DEAD-LETTERS.jsonl
      `tally offline --rejected` against `tally rejected --format json` as multisets of
      (reason, key, respondent, instance, problem codes), each source position rejected once.

Prints one line per difference (at most 40 and a count); exits 1 when there is any, 2 on bad input.
"""
import collections
import json
import sys

# What `expected` mode skips: expected.json's reference members, and members only a live document has.
REFERENCE_EXTRAS = {"dataset", "message_outcomes", "definitions", "frame_file"}
DOCUMENT_METADATA = {"as_of", "provisional", "codebook_version", "codebook_versions", "form_versions",
                     "partitions", "suppression", "paradata.coding_review"}


def differences(expected, actual, path="", reference=False):
    """Paths where `actual` differs from `expected`; `reference` selects the expected.json rules."""
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            sub = f"{path}.{key}" if path else key
            if sub in ("as_of", "partitions") or (reference and sub in REFERENCE_EXTRAS):
                continue
            if key not in actual:
                out.append(f"{sub}: missing (expected {json.dumps(expected[key])[:80]})")
            elif key not in expected:
                if not (reference and sub in DOCUMENT_METADATA):
                    out.append(f"{sub}: unexpected ({json.dumps(actual[key])[:80]})")
            else:
                out += differences(expected[key], actual[key], sub, reference)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(actual)} elements, expected {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += differences(e, a, f"{path}[{i}]", reference)
    elif reference and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (expected, actual)):
        integral = float(expected).is_integer() and float(actual).is_integer()
        if (expected != actual) if integral else not abs(expected - actual) <= 0.005:
            out.append(f"{path}: expected {expected}, got {actual}")
    elif expected != actual or type(expected) != type(actual):
        out.append(f"{path}: expected {json.dumps(expected)[:80]}, got {json.dumps(actual)[:80]}")
    return out


def identity(record):
    problems = record.get("problems") or []
    return (record["reason"], record.get("key") or "", record.get("respondent_id") or "", record.get("instance_id") or "",
            tuple(sorted((p.get("pointer", ""), p.get("code", "")) for p in problems)))


def json_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def dead_letter_differences(expected_path, actual_path):
    expected = collections.Counter(identity(r) for r in json_lines(expected_path))
    letters = json_lines(actual_path)
    actual = collections.Counter(identity(d) for d in letters)
    sources = collections.Counter(f'{d["source"]["topic"]}/{d["source"]["partition"]}/{d["source"]["offset"]}' for d in letters)
    found = [f"dead letters {i[:4]}: expected {expected[i]}, got {actual[i]}"
             for i in sorted(set(expected) | set(actual)) if expected[i] != actual[i]]
    found += [f"dead letters: source {s} rejected {n} times (by different workers)" for s, n in sorted(sources.items()) if n > 1]
    if found:
        found.insert(0, f"# {sum(actual.values())} dead letters, {sum(expected.values())} offline rejections")
    return found


def main(argv):
    if len(argv) != 4 or argv[1] not in ("tallies", "expected", "dead-letters"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, expected_path, actual_path = argv[1:]
    try:
        if mode == "dead-letters":
            found = dead_letter_differences(expected_path, actual_path)
        else:
            documents = []
            for path in (expected_path, actual_path):
                with open(path, encoding="utf-8") as f:
                    documents.append(json.load(f))
            found = differences(*documents, reference=(mode == "expected"))
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot compare {expected_path} with {actual_path}: {error!r}")
        return 2
    for line in found[:40]:
        print(line)
    if len(found) > 40:
        print(f"… and {len(found) - 40} more")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
