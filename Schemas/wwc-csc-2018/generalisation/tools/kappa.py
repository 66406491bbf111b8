#!/usr/bin/env python3
"""Per-field Cohen's kappa of `tally offline --coded` output against a gold-codes.json, pooled over
(respondent x reported code) decisions, as Tests/SurveyEngineTests/CodingAgreementTests does; plus
duration_weeks agreement. Prints numbers only (no texts).
Usage: kappa.py GOLD.json CODED.jsonl FIELD_CODES.json"""
import json, sys
gold = json.load(open(sys.argv[1]))['respondents']
codes_of = json.load(open(sys.argv[3]))
coded = {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    coded[r['respondent_id']] = {'fields': {f: {'codes': c} for f, c in r.get('codes', {}).items()},
                                 'numbers': {k: {'value': v} for k, v in r.get('numbers', {}).items()}}
print(f"{'field':24} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'kappa':>6}")
for field, codes in codes_of.items():
    tp = fp = fn = tn = 0
    for rid, g in gold.items():
        answered = any(field in v for v in g['coded_fields'].values())
        if not answered: continue
        gs = set(g['codes'].get(field, []))
        cs = set(coded.get(rid, {}).get('fields', {}).get(field, {}).get('codes', []))
        for c in codes:
            a, b = c in gs, c in cs
            tp += a and b; fp += (not a) and b; fn += a and not b; tn += (not a) and not b
    n = tp + fp + fn + tn
    po = (tp + tn) / n if n else 1
    gy, cy = (tp + fn) / n if n else 0, (tp + fp) / n if n else 0
    pe = gy * cy + (1 - gy) * (1 - cy)
    k = 1.0 if pe >= 1 else (po - pe) / (1 - pe)
    print(f"{field:24} {n//max(len(codes),1):4d} {tp:4d} {fp:4d} {fn:4d} {k:6.3f}")
ok = tot = 0
for rid, g in gold.items():
    for src, v in g['coded_fields'].items():
        if 'duration_weeks' in v or src.endswith('edge_of_care.description'):
            want = v.get('duration_weeks')
            got = coded.get(rid, {}).get('numbers', {}).get('duration_weeks', {}).get('value')
            tot += 1; ok += (want == got) or (want is not None and got is not None and abs(want - got) < 0.5)
print(f"duration_weeks exact for {ok} of {tot} edge-of-care texts")
