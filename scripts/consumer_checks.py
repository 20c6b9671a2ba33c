"""Feeds the app's exports to the code other tools' users run, and fails on any rejection.

- spaCy (a blank pipeline): every span of a spaCy export slices its quote from the text and
  `Doc.char_span` accepts it.
- pyld: every W3C export expands with the Web Annotation context, read from the local copy
  (no network).
- label-studio-sdk: its Converter turns every Label Studio export into JSON-min and CoNLL 2003
  with every labelled region kept.
- brat: a strict reader of the standoff format: every line is well formed, every offset lies in
  the .txt, and each text column is the fragments' text joined by single spaces (line breaks
  shown as spaces, the one change the format needs since a line cannot hold one).
- Python's zipfile: brat's download (`….brat.zip`) opens, every CRC checks, names are flagged
  UTF-8, and it holds exactly the `.txt` and `.ann` written beside it, byte for byte.

Usage: consumer_checks.py <folder of exports> <anno.jsonld>
"""

import json
import pathlib
import re
import sys

import os
import tempfile
import zipfile

import spacy
from label_studio_sdk.converter import Converter
from pyld import jsonld


def read(path):
    """The file's text exactly (no newline translation: offsets count every CR)."""
    return path.read_bytes().decode("utf-8")

ANNO = "http://www.w3.org/ns/anno.jsonld"
T_LINE = re.compile(r"^T\d+\t[^\s]+ (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
OTHER_LINE = re.compile(r"^(?:[RAM]\d+|#\d+)\t.+$")
BREAKS = "\n\r\u2028\u2029\x85\x0b\x0c"


def check_spacy(path, nlp, problems):
    count = 0
    # splitlines, as many JSONL readers do: it also breaks on U+0085, U+2028 and U+2029.
    for number, line in enumerate(read(path).splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        doc = nlp.make_doc(record["text"])
        for span in record["spans"]:
            start, end = span["start"], span["end"]
            if doc.char_span(start, end, alignment_mode="expand") is None:
                problems.append(f"{path} line {number}: char_span({start}, {end}) is None")
            count += 1
    return count


def check_w3c(path, context, problems):
    def loader(url, options=None):
        if url.rstrip("/") != ANNO:
            raise ValueError(f"no network: {url}")
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": context}

    source = json.loads(read(path))
    expanded = jsonld.expand(source, {"documentLoader": loader})
    targets = json.dumps(expanded).count("http://www.w3.org/ns/oa#hasTarget")
    items = len(source.get("first", {}).get("items", []))
    if targets != items:
        problems.append(f"{path}: {items} annotations, {targets} targets after expansion")
    return targets


def check_label_studio(path, problems):
    tasks = json.loads(read(path))
    regions = [r for t in tasks for a in t["annotations"] for r in a["result"] if r.get("type") == "labels"]
    labels = sorted({label for r in regions for label in r["value"]["labels"]})
    config = ('<View><Labels name="label" toName="text">'
              + "".join(f'<Label value="{label}"/>' for label in labels)
              + '</Labels><Text name="text" value="$text"/></View>')
    converter = Converter(config=config, project_dir=None, download_resources=False)
    with tempfile.TemporaryDirectory() as out:
        converter.convert_to_json_min(str(path), out, is_dir=False)
        converter.convert_to_conll2003(str(path), out, is_dir=False)
        rows = json.loads(read(pathlib.Path(out) / "result.json"))
        if len(rows) != len(tasks) or not os.path.exists(os.path.join(out, "result.conll")):
            problems.append(f"{path}: converter gave {len(rows)} rows for {len(tasks)} tasks")
            return 0
        kept = sum(len(row.get("label", [])) for row in rows)
        if kept != len(regions):
            problems.append(f"{path}: {len(regions)} regions, {kept} after JSON-min conversion")
    return len(regions)


def check_brat(ann_path, problems):
    txt = read(ann_path.with_suffix(".txt"))
    count = 0
    for number, line in enumerate(read(ann_path).split("\n"), 1):
        if not line:
            continue
        match = T_LINE.match(line)
        if not match:
            if not OTHER_LINE.match(line):
                problems.append(f"{ann_path} line {number}: malformed {line!r}")
            continue
        pieces = []
        for fragment in match.group(1).split(";"):
            start, end = (int(n) for n in fragment.split(" "))
            if not 0 <= start < end <= len(txt):
                problems.append(f"{ann_path} line {number}: {start} {end} outside the text")
            pieces.append(txt[start:end])
        shown = " ".join(pieces).translate({ord(c): " " for c in BREAKS})
        if shown != match.group(2):
            problems.append(f"{ann_path} line {number}: text {match.group(2)!r}, offsets give {shown!r}")
        count += 1
    return count


def check_zip(path, problems):
    stem = path.name[: -len(".brat.zip")]
    with zipfile.ZipFile(path) as archive:
        broken = archive.testzip()
        if broken is not None:
            problems.append(f"{path}: bad CRC in {broken}")
        names = archive.namelist()
        if names != [f"{stem}.txt", f"{stem}.ann"]:
            problems.append(f"{path}: holds {names}")
            return 0
        for info in archive.infolist():
            if not info.flag_bits & 0x800 or info.compress_type != zipfile.ZIP_STORED:
                problems.append(f"{path}: {info.filename} flags {info.flag_bits:#x}")
            if archive.read(info) != (path.parent / info.filename).read_bytes():
                problems.append(f"{path}: {info.filename} differs from the brat export")
    return len(names)


def main():
    folder, context_path = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    context = json.loads(context_path.read_text(encoding="utf-8"))
    nlp = spacy.blank("xx")
    problems = []
    spans = sum(check_spacy(p, nlp, problems) for p in sorted(folder.rglob("*.spacy.jsonl")))
    targets = sum(check_w3c(p, context, problems) for p in sorted(folder.rglob("*.jsonld")))
    fragments = sum(check_brat(p, problems) for p in sorted(folder.rglob("*.ann")))
    zipped = sum(check_zip(p, problems) for p in sorted(folder.rglob("*.brat.zip")))
    regions = sum(check_label_studio(p, problems) for p in sorted(folder.rglob("*.label-studio.json")))
    print(f"spaCy: {spans} spans; pyld: {targets} targets expanded; brat: {fragments} spans; "
          f"label-studio-sdk: {regions} regions converted; zipfile: {zipped} files unzipped")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems or not (spans and targets and fragments and regions and zipped):
        sys.exit(1)


if __name__ == "__main__":
    main()
