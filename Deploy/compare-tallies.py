#!/usr/bin/env python3
# The comparison rules of Deploy/crash-test.sh and Deploy/reliability.sh (those of Deploy/demo.sh; Python stdlib):
#   compare-tallies.py tallies EXPECTED.json ACTUAL.json
#       every key exact (zero tolerance) except as_of, partitions and paradata.coding_review
#       (counted offline; the pipeline does not publish it yet);
#   compare-tallies.py dead-letters OFFLINE-REJECTED.jsonl DEAD-LETTERS.jsonl
#       `tally offline --rejected` against `tally rejected --format json` as multisets of
#       (reason, key, respondent, instance, problem codes), each source position rejected once.
# Prints one line per difference; exits 1 when there is any.
import collections, json, sys

def differences(expected, actual, path=""):
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            sub = f"{path}.{key}" if path else key
            # paradata.coding_review: counted offline; the pipeline does not publish it yet.
            if sub in ("as_of", "partitions", "paradata.coding_review"):
                continue
            if key not in actual:
                out.append(f"{sub}: missing (expected {json.dumps(expected[key])[:80]})")
            elif key not in expected:
                out.append(f"{sub}: unexpected ({json.dumps(actual[key])[:80]})")
            else:
                out += differences(expected[key], actual[key], sub)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(actual)} elements, expected {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += differences(e, a, f"{path}[{i}]")
    elif expected != actual or type(expected) != type(actual):
        out.append(f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}")
    return out

def identity(reason, key, respondent, instance, problems):
    return (reason, key or "", respondent or "", instance or "",
            tuple(sorted((p.get("pointer", ""), p.get("code", "")) for p in problems or [])))

mode = sys.argv[1]
if mode == "tallies":
    expected = json.load(open(sys.argv[2]))
    actual = json.load(open(sys.argv[3]))
    found = differences(expected, actual)
else:
    expected = collections.Counter()
    for line in open(sys.argv[2]):
        if line.strip():
            r = json.loads(line)
            expected[identity(r["reason"], r.get("key"), r.get("respondent_id"), r.get("instance_id"), r.get("problems"))] += 1
    actual = collections.Counter()
    sources = collections.Counter()
    for line in open(sys.argv[3]):
        if line.strip():
            d = json.loads(line)
            actual[identity(d["reason"], d.get("key"), d.get("respondent_id"), d.get("instance_id"), d.get("problems"))] += 1
            s = d["source"]
            sources[f'{s["topic"]}/{s["partition"]}/{s["offset"]}'] += 1
    found = []
    for ident in sorted(set(expected) | set(actual)):
        if expected[ident] != actual[ident]:
            found.append(f"dead letters {ident[:4]}: expected {expected[ident]}, got {actual[ident]}")
    for source, n in sorted(sources.items()):
        if n > 1:
            found.append(f"dead letters: source {source} rejected {n} times (by different workers)")
    if found:
        found.insert(0, f"# {sum(actual.values())} dead letters, {sum(expected.values())} offline rejections")
for line in found:
    print(line)
sys.exit(1 if found else 0)
