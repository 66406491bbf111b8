#!/usr/bin/env python3
"""Trains the review queue's second opinion: per field and code, a logistic regression over the
stems of words and word pairs of blind texts with gold codes (TF-IDF, sublinear term counts, rows
scaled to unit length), written as JSON the coder loads (`review.second_opinion` in the codebook).

The coder reads it with no stemmer: `forms` lists every lower-cased word of the training texts with
the index of its stem, so a word the training texts never wrote adds nothing.

Needs scikit-learn and PyStemmer (Snowball through libstemmer, the library the coder stems with):
    python3 -m venv /tmp/so && /tmp/so/bin/pip install scikit-learn PyStemmer
Usage: second_opinion.py OUT.json SET_DIR [SET_DIR ...]
    SET_DIR: a folder with gold-codes.json (the sample's format: per respondent, the codes of each
    text by path) and stream.tsv (key<TAB>message; the head version is the gold's instance_id)."""
import json, re, sys, math
import numpy as np
import Stemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

# Which field a source feeds (the codebook's `sources`; the blind sets use only these).
def field_of(source):
    if source == "answers.fgc_offer_point":
        return "fgc_timing"
    parts = source.split(".")
    if parts[-1] == "evidence":
        return "evidence_source"
    return {"whole_system": "whole_system_model", "edge_of_care": "edge_of_care_service",
            "early_help": "early_help_type", "family_group_conferencing": "fgc_timing",
            "parenting_programmes": "parenting_programme", "short_breaks": "short_break_group"}.get(parts[2])

# Words as the coder's scanner cuts them: ASCII letters or digits, lower-cased, apostrophes dropped,
# a change between letters and digits starts a new word.
def words(text):
    return re.findall(r"[a-z]+|[0-9]+", re.sub(r"['\u2019]", "", text.lower()))

out, inputs = sys.argv[1], sys.argv[2:]
MIN_DF = 4  # a stem or pair in fewer training texts of the field is no feature
stemmer = Stemmer.Stemmer("english")

def texts_of(folder):
    """(source, text, gold) of every non-blank text of every respondent's head version."""
    gold = json.load(open(f"{folder}/gold-codes.json", encoding="utf-8"))["respondents"]
    heads = {r["instance_id"]: r for r in gold.values()}
    for line in open(f"{folder}/stream.tsv", encoding="utf-8", errors="replace"):
        if not line.strip():
            continue
        try:  # the sample's stream holds malformed messages too; they have no gold
            message = json.loads(line.rstrip("\n").split("\t", 1)[1])
        except (ValueError, IndexError):
            continue
        head = heads.get(message.get("instance_id")) if isinstance(message, dict) else None
        if head is None or not isinstance(message.get("answers"), dict):
            continue
        answers = message["answers"]
        found = [("fgc_offer_point", answers.get("fgc_offer_point"))]
        for approach, section in (answers.get("approaches") or {}).items():
            for leaf in ("description", "evidence"):
                found.append((f"approaches.{approach}.{leaf}", (section or {}).get(leaf)))
        for path, text in found:
            if isinstance(text, str) and text.strip():
                yield {"source": "answers." + path, "text": text, "gold": head["coded_fields"].get(path, {})}

texts = [t for folder in inputs for t in texts_of(folder)]
stems, stem_index, forms = [], {}, {}
def stem_of(word):
    if word not in forms:
        stem = stemmer.stemWord(word)
        if stem not in stem_index:
            stem_index[stem] = len(stems)
            stems.append(stem)
        forms[word] = stem_index[stem]
    return forms[word]

by_field = {}
for t in texts:
    field = field_of(t["source"])
    if field is None:
        continue
    ids = [stem_of(w) for w in words(t["text"])]
    by_field.setdefault(field, []).append((ids, set(t["gold"].get(field, []))))

model = {"format": 1, "texts": sum(len(v) for v in by_field.values()), "stems": stems,
         "forms": dict(sorted(forms.items())), "fields": {}}
for field, rows in sorted(by_field.items()):
    # Documents as stem indices joined by spaces: a unigram is "12", a bigram "12 40".
    docs = [" ".join(map(str, ids)) for ids, _ in rows]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True, token_pattern=r"\d+")
    x = vectorizer.fit_transform(docs)
    features = vectorizer.get_feature_names_out()
    codes = sorted({c for _, gold in rows for c in gold})
    entry = {"features": [[int(s) for s in f.split()] for f in features],
             "idf": [round(float(v), 5) for v in vectorizer.idf_], "codes": {}}
    for code in codes:
        y = np.array([code in gold for _, gold in rows])
        if y.sum() < 3:
            continue
        fit = LogisticRegression(C=4, max_iter=4000, class_weight="balanced").fit(x, y)
        entry["codes"][code] = {"intercept": round(float(fit.intercept_[0]), 5),
                                "weights": [round(float(w), 3) for w in fit.coef_[0]]}
    model["fields"][field] = entry
# Only the stems some feature uses, renumbered, and the words that have them.
used = sorted({s for entry in model["fields"].values() for feature in entry["features"] for s in feature})
renumber = {old: new for new, old in enumerate(used)}
model["stems"] = [stems[s] for s in used]
model["forms"] = {w: renumber[s] for w, s in sorted(forms.items()) if s in renumber}
for entry in model["fields"].values():
    entry["features"] = [[renumber[s] for s in feature] for feature in entry["features"]]
with open(out, "w", encoding="utf-8") as f:
    json.dump(model, f, separators=(",", ":"))
    f.write("\n")
print(f"{out}: {model['texts']} texts, {len(model['stems'])} stems, {len(model['forms'])} forms, "
      + ", ".join(f"{k} {len(v['features'])} features × {len(v['codes'])} codes" for k, v in model["fields"].items()))
