#!/usr/bin/env python3
"""Packs generalisation texts (JSON lines: id, source, text, gold, duration_weeks) into a stream of
valid wwc-csc-2018 submissions (synthetic respondents = real frame units) plus a gold-codes.json in
the sample's format and an expected.json holding only message_outcomes.
Usage: convert.py FRAME.csv OUT_DIR NAME IN.jsonl [IN.jsonl ...]"""
import json, sys, uuid, csv, hashlib, os

frame_csv, out, name, inputs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
units = sorted(row['respondent_id'] for row in csv.DictReader(open(frame_csv)))
texts = [json.loads(l) for f in inputs for l in open(f) if l.strip()]
texts.sort(key=lambda t: t['id'])
APPROACHES = ['whole_system', 'edge_of_care', 'early_help', 'family_group_conferencing',
              'parenting_programmes', 'short_breaks', 'other']

def path_parts(src):
    assert src.startswith('answers.'), src
    return src[len('answers.'):].split('.')

people = []  # each: {'answers': {...paths...}, 'items': [text]}
def slot_free(p, parts):
    if parts[0] == 'fgc_offer_point':
        return 'fgc_offer_point' not in p['top']
    _, appr, leaf = parts
    return (appr, leaf) not in p['sections']

# Descriptions first, then the rest, so that evidence can join a respondent describing that approach.
order = sorted(texts, key=lambda t: (0 if t['source'].endswith('.description') else 1, t['id']))
for t in order:
    parts = path_parts(t['source'])
    target = None
    for p in people:
        if not slot_free(p, parts):
            continue
        if parts[0] == 'approaches' and parts[2] == 'evidence' and (parts[1], 'description') not in p['sections'] and parts[1] != 'other':
            continue
        target = p
        break
    if target is None:
        target = {'sections': {}, 'top': {}, 'items': []}
        people.append(target)
    if parts[0] == 'fgc_offer_point':
        target['top']['fgc_offer_point'] = t['text']
    else:
        target['sections'][(parts[1], parts[2])] = t['text']
    target['items'].append(t)
assert len(people) <= len(units), (len(people), len(units))

lines, gold, outcomes = [], {}, []
for n, (p, unit) in enumerate(zip(people, units)):
    appr = sorted({a for (a, _) in p['sections']}, key=APPROACHES.index)
    if not appr:
        appr = ['other']
    sections = {}
    for a in appr:
        sections[a] = {'description': p['sections'].get((a, 'description'), 'Other approach (see attached).' if a == 'other' else None)}
        if sections[a]['description'] is None:
            sections[a]['description'] = 'Details were given in the attached document.'
            raise SystemExit(f'no description for {a} of {unit}')
        ev = p['sections'].get((a, 'evidence'))
        if ev is not None:
            sections[a]['evidence'] = ev
    top = [a for a in appr if a != 'other'][:3] or ['other']
    answers = {'top_approaches': top, 'approaches': sections, 'care_trend': ['reduced', 'increased', 'stable', 'not_known'][n % 4]}
    if 'other' in top:
        answers['other_approach_text'] = 'Other approach'
    if 'fgc_offer_point' in p['top']:
        answers['fgc_offer_point'] = p['top']['fgc_offer_point']
    seed = hashlib.sha256(f'{name}/{unit}'.encode()).hexdigest()
    instance = 'uuid:' + str(uuid.UUID(seed[:32], version=4))
    submitted = f'2018-05-{(n % 28) + 1:02d}T10:{n % 60:02d}:00+01:00'
    msg = {'form_id': 'wwc-csc-2018', 'form_version': '2018.1', 'instance_id': instance, 'respondent_id': unit,
           'submitted_at': submitted, 'answers': answers}
    lines.append(unit + '\t' + json.dumps(msg, ensure_ascii=False, separators=(',', ':')))
    outcomes.append({'line': n + 1, 'key': unit, 'outcome': 'accepted', 'kind': 'first', 'respondent_id': unit, 'instance_id': instance})
    coded, codes, duration = {}, {}, None
    for t in p['items']:
        entry = {k: list(v) for k, v in t['gold'].items()}
        if t.get('duration_weeks') is not None:
            entry['duration_weeks'] = t['duration_weeks']
            duration = t['duration_weeks']
        coded[t['source'][len('answers.'):]] = entry
        for f, cs in t['gold'].items():
            codes.setdefault(f, [])
            codes[f] += [c for c in cs if c not in codes[f]]
    person = {'instance_id': instance, 'submitted_at': submitted, 'top_approaches': top, 'coded_fields': coded,
              'codes': codes, 'text_ids': sorted(t['id'] for t in p['items'])}
    if duration is not None:
        person['duration_weeks'] = duration
    gold[unit] = person

os.makedirs(out, exist_ok=True)
open(os.path.join(out, 'stream.tsv'), 'w').write('\n'.join(lines) + '\n')
json.dump({'dataset': name, 'form_id': 'wwc-csc-2018', 'form_version': '2018.1',
           'note': 'generalisation set: texts written by sessions that saw only code labels and definitions; codes per text as in the sample gold',
           'respondents': gold}, open(os.path.join(out, 'gold-codes.json'), 'w'), indent=1, ensure_ascii=False)
json.dump({'dataset': name, 'message_outcomes': outcomes}, open(os.path.join(out, 'expected.json'), 'w'), indent=1)
with open(os.path.join(out, 'texts.jsonl'), 'w') as f:
    for t in texts:
        f.write(json.dumps(t, ensure_ascii=False) + '\n')
print(f'{name}: {len(texts)} texts in {len(people)} respondents -> {out}')
