#!/usr/bin/env python3
"""What a browser downloads from dist/, against the size budgets (issue: a light app).

First paint is what index.html makes the browser fetch before the annotator can draw: the page,
its style sheets, boot.js, the wasm-bindgen glue (and what it imports: the loader of the parts
fetched on demand) and the main wasm. The other wasm modules are those parts (scripts/build-wasm
splits them off; "later" below): fetched the first time their feature is used. A returning
visit (the library holds documents) also fetches the reader of stored entries before its first
paint (index.html lists its files for boot.js). Everything is every file the app can ever fetch. Sizes are deterministic for one build, so the ceilings below may fail the build:
they are ratchets at today's size (lower them when a change makes the app smaller; never raise
them without saying why in the commit). The goals are the issue's budgets; a missed goal is
printed, not hidden."""
import gzip, html.parser, pathlib, re, shutil, subprocess, sys

KIB = 1024
# (name, goal KiB gzip, ceiling KiB gzip)
# Loading on demand (ARCHITECTURE.md) took first paint from 741 to 580 KiB and raised everything
# from 743 to 798 KiB: each part is compressed on its own (gzip finds less to share in six
# small files than in one large one) and the split adds a little glue per boundary (raw +70 KiB).
# Merged with it the same day: the class through the server and the creator field, saving in
# parts, typed reading and drawing in steps with its progress bar, links routed in the gutter.
# Built without the split they took 741.1 to 779.9 KiB; with it, first paint is 627.7 KiB and
# everything 854.2 KiB. Ratchet down again when the next parts (Set up class, Hand in, opening
# an article from HTML) load on demand.
# Paragraphs that keep their element near the screen (a signal each, the selection kept by
# offsets in refilled text nodes) add 3 KiB: 630.7 / 857.2.
# The Library, the New article screen, the article reader (HTML to text) and the student's side
# on demand: first paint 630.6 -> 575.7; everything 857.2 -> 891.9 (raised: the code that left
# the main module is 55.4 KiB there and 90.1 KiB in the new parts and shared chunks, compressed apart
# and optimised apart; raw +46 KiB). The first paint is what every visit pays.
# Then the tags' list and forms, Needs review and the keyboard help: 575.7 -> 562.3 and
# 891.9 -> 910.2 (raised again: 35 KiB raw left the main module, 63 KiB raw came in parts).
# "Loading…" drawn by one function for every part instead of a copy per part: 561.3 / 909.1.
# Sharing the details, tags and relations (their own server documents, merged field by field;
# the engine runs at start, so it is in the first paint), tags renamed in place, the 401 told
# apart and progress against the library's sequence add 13.1 KiB: 643.7 / 869.1 (of the code,
# about 22 KB raw is the sync logic and 15.5 KB the ordered maps it keeps the pieces in).
# With the parts above on demand, the three together measure 574.9 / 922.3; the edit path's
# tag counts in one pass, a sorted page instead of a sorted list and dropped observer reports
# add 3.3 KiB: 578.2 / 925.6. The article reader back in the main module (a part may not call
# another part: the wasm-bindgen tests cannot link it, ARCHITECTURE.md): 586.1 / 921.2.
# The sharing engine on demand (fetched when the open document is shared or Sharing is opened;
# ui/sharing/watch.rs): first paint 578.2 -> 536.9 (main wasm 1,443,173 -> 1,333,504 B raw);
# everything 925.6 -> 940.3 (raised 14.7: the 41.5 KiB gzip that left the main wasm came back
# as 56 KiB in the parts, mostly one 41.6 KiB chunk the engine's part shares with the Sharing
# panel's; the loader, 19 chunks more, +0.3 KiB). Merged with the reader back in the main module
# and the details panel's one shared memo: 545.9 / 936.5.
# One compiled sort for every sort and ordered sets and maps built by inserting
# (domain/sorting.rs), and one kind of map in the three-way merge: 545.9 -> 519.0 and
# 936.5 -> 873.9; the article's groups of paragraphs (issue 15) +2.5 / +2.5.
# The selected annotation's details panel on demand (fetched when an annotation is first
# selected): first paint 521.5 -> 480.5; everything 876.4 -> 901.4 (raised: the panel's views
# are 50.3 KiB as a part of their own, and the Leptos code it shares with other parts, in the
# main module before, is 27 more small chunks, +15.3 KiB).
# Applying a prepared import in the readers' part: 473.5 / 905.4 (raised 4: the readers' part
# grew by 8.7 KiB for the 7.0 that left the main module).
# The merge of another tab's revision on demand: 470.8 / 907.2 (raised 1.8: the part and its
# chunks, 4.6 KiB, for the 2.8 that left the main module).
# Imported and dropped files handled in the readers' part, and with it the article reader in a
# chunk shared with the Library and New article: 453.8 / 913.8 (raised 6.6: the reader is one
# more module compressed apart, and the readers' part grew by 5.2 KiB).
# The Export menu's items in the writers' part: 449.4 / 915.8 (raised 2.0). The merge's
# boundary reached through an installed function pointer (so the parts' test build links):
# 449.8 / 916.1.
# Underline lanes assigned along the chain of overlaps around an edit: 450.3 / 916.7 (the
# ceilings keep about 0.7 KiB of room, so a change of a few hundred bytes does not fail CI
# while the next split is being made).
# wasm-opt strips the "producers" and "target_features" custom sections (tools read them, not
# browsers; about 200 bytes in each of the 131 modules, each compressed alone): 449.9 / 896.1.
# The ten style sheets joined into one by scripts/finish-build (compressed together: 17.4 ->
# 12.3 KiB gzip; one request): 444.8 / 890.8.
# The answer-key check's matching installed by the student's exercise panel (ui/classroom/
# context.rs), so it is fetched with the student's part: 444.8 -> 439.3; everything 890.8 ->
# 892.0 (raised 1.2: the matching is in the student's part and in a chunk it shares with Class
# results, compressed apart).
# The question an import may ask drawn by the readers' part, whose answers then apply the
# import directly (no second crossing of that boundary): 439.3 -> 433.5; everything 892.0 ->
# 894.2 (raised 2.2: the readers' part grew by 4.6 KiB for the 5.8 that left the first paint).
# Link mode's banner and kind menu drawn by the details panel's part (link mode starts from a
# selected annotation, so that part is fetched by then; the listeners stay): 433.5 -> 430.7;
# everything 894.2 -> 897.0 (raised 2.8, one for one: kept because only people who link
# annotations use it, and the first paint is what every first visit waits for).
# "Open exercise" and an exercise link handed to the student's part, which reads and routes
# the classroom files and unpacks the link (inflate included): 430.7 -> 420.2; everything
# 897.0 -> 900.3 (raised 3.3: the student's part grew by 6.9 KiB, some of it shared with the
# readers' part, which routes dropped classroom files).
# The selected annotation's links in the gutter drawn by the details panel's part (they show
# only while an annotation is selected, which fetches that part; the SVG view code and the
# link routing left with them): 420.2 -> 410.5; everything 900.3 -> 903.9 (raised 3.6: the
# details panel's part grew from 53.2 to 64.8 KiB, paid at the first selection).
# All of link mode (its listeners and rules too, not only its view) with the links in the
# details panel's part, mounted once that part is here: 410.5 -> 405.8; everything 903.9 ->
# 905.3 (the part 64.8 -> 70.0 KiB).
# Unicode's case tables out of the first paint: badge letters upper-cased by the style sheet,
# the app's messages capitalised in ASCII, tag ids and date lines lower-cased without the table
# (405.8 -> 399.7; everything 905.3 -> 905.9, the upper-case table now in the details panel's
# part, for relation names people type); the annotation list's search folding by Unicode's
# lower case a part fetched at the first search (399.7 -> 393.3; everything 905.9 -> 907.1,
# raised 1.5: the lower-case code is one more chunk, shared by the five parts that use it).
# Snapping a selection to graphemes and words in a part fetched when a person starts selecting
# (ui/snapping.rs; the segmentation tables and code): 393.3 -> 373.9; everything 907.1 ->
# 908.9 (raised 1.8: the part is 2.1 KiB and the tables sit in a chunk it shares with the
# readers and Class results).
# The annotation list (its filters, search and the search's lower-case tables) in a part
# fetched once the article's first frame is painted, when the list was drawn already:
# 374.0 -> 354.6; everything 908.8 -> 924.5 (raised 15.7: the view code the list shared with
# the main module now sits in 30 more chunks the list's part shares with the other parts, each
# compressed alone; kept because the article is what every visit waits for).
# The style sheets joined without their comments (scripts/finish-build): 354.6 -> 352.0;
# everything 924.5 -> 921.8.
# What only the parts draw in a second sheet (style/later-*.css), fetched with the first part
# after the article's first frame; a part's view waits for it (ui/on_demand.rs): 352.0 ->
# 349.0 (the first paint's sheet 9.9 -> 5.4, the code that fetches and awaits the sheet +1.2);
# everything 921.8 -> 923.9 (raised 1.4: two sheets compress apart).
# The Tags section (made in the main module: the tags' list is a part of its own) and the
# article's details drawn by the annotation list's part, below the list: 349.0 -> 347.4;
# everything 923.9 -> 927.2 (raised 2.6: 16 more shared chunks, each compressed alone).
# The tag toolbar, the chooser and the keyboard shortcuts (with the editing only they reach)
# in a part fetched once the article's first frame is painted (ui/annotate/tools.rs): 347.4 ->
# 324.5; everything 927.2 -> 944.3 (raised 17.1: the main module's code they shared with the
# other parts is 42 more chunks, each compressed alone, and the loader lists them; one part
# with the list's measured 941.0, but a failure of one would take both).
# The generated JavaScript (the loader and the glue) without its whole-line comments
# (scripts/build-wasm): 324.5 -> 322.6; everything 944.3 -> 942.4.
# The endnotes for print mounted from the annotating tools' part once it is here: 322.6 ->
# 321.4; everything 942.4 -> 945.1 (raised 2.7: 11 more chunks; kept because the service worker
# fetches everything in the background, after the first paint). Dropping files too measured
# 320.3 / 946.8, but the drop reaches the readers' part, and a part may not cross another's
# boundary (the wasm-bindgen tests' page did not load).
# Rust's float formatting out of the first paint (its code and tables, 15 KB raw): the drawn
# caret's lengths written with integers (web/caret.rs), and a fractional offset in a native
# file quoted as serde_json wrote it: 321.4 -> 313.1; everything 945.1 -> 945.2.
# wasm-opt rebuilds each function's control flow (--flatten --rereloop) before two rounds of
# -Oz (scripts/build-wasm; 20 s more to build, speed the same in the benchmark): 313.1 -> 311.4;
# everything 945.2 -> 940.0.
# The header's menu (its groups and their controls) in a part fetched once the first frame is
# painted (ui/shell/menu.rs), the remembered theme applied as the app starts: 311.4 -> 306.1;
# everything 940.0 -> 948.2 (raised 8.2: 27 more chunks the menu's part shares with the
# others, each compressed alone; kept, as the tools were, because the first paint is what
# every visit waits for).
# The main wasm's 265 imports from the glue renamed "a", "b", … in both files
# (scripts/short-imports.mjs; wasm-bindgen's names end in a hash that does not compress):
# 306.2 -> 298.3; everything 948.2 -> 940.3.
# The glue and the loader shrunk by terser (scripts/build-tools): 298.3 -> 295.7; everything
# 940.3 -> 937.7.
# The sample's details written out (domain/sample.rs) instead of read from its first lines at
# every start: 295.7 -> 294.5; everything 937.7 -> 938.1 (raised 0.4: the metadata suggestion
# went to a chunk the screens that open articles share, compressed alone).
# The loader fails a part only once all its files have ended (a retry starts afresh): the
# same sizes. wasm-opt told that the first KiB of memory is unused (--low-memory-unused: the
# stack comes first there), so added constants become load and store offsets: 294.5 -> 293.3;
# everything 938.1 -> 932.7 (every chunk shrinks a little).
# The loader makes its 271 chunks from their numbers and lists each part's chunks as gaps
# between numbers (scripts/compact-loader.mjs; 3.5 -> 1.5 KiB gzip): 293.3 -> 291.3;
# everything 932.7 -> 930.7.
# The registry's paths left out of panic messages (scripts/build-wasm: the sizes no longer
# depend on where the building machine keeps cargo's registry): 291.3 -> 291.2; everything
# 930.7 -> 930.5.
# Writing the open document into the library in a part fetched with the annotating tools
# once the first frame is painted (ui/library/writer.rs; what would write waits for it):
# 291.2 -> 285.2; everything 930.5 -> 935.8 (raised 5.3: the writer's code sits in chunks it
# shares with the import, the Library and sharing, each compressed alone; kept, as the tools
# were, because the first paint is what every visit waits for).
# The snapping's, the tab merge's and the writer's keeping in one module (ui/kept_part.rs),
# compiled once for the three: 285.2 -> 285.1; everything 935.8, unchanged.
# The page's state and the contexts the app provides once in page signals (ui/page_signal.rs:
# one untyped trigger and a cell, so Leptos's signal code is not compiled once per value type):
# 285.1 -> 276.6; everything 935.8 -> 923.5.
# The components' own signals as view signals (ui/view_signal.rs: the same cell in one untyped
# arena slot), the page's state kept in page-wide cells rather than Leptos contexts, and one
# wording for the browser's errors: 276.6 -> 273.2; everything 923.5 -> 910.4.
# The components' memos and stored values compiled once (ui/view_memo.rs, ui/view_value.rs),
# the print state a page signal: 273.2 -> 267.8; everything 910.5 -> 893.3.
# The native writer and the careful reader of stored entries in saving's part (fetched once the
# first frame is painted), a stored entry's layout told by the typed reader, wasm-streams'
# unused classes left out, a student's kept session read in the student's part: 267.8 ->
# 256.1; everything 893.3 -> 898.0 (raised 4.5: the writer's and the careful reader's code
# sits in chunks it shares with the import, the exports and the classroom, each compressed
# alone; kept because the first paint is what every visit waits for).
# The style sheets minified by csso (rules kept in their order), index.html without its
# comments and boot.js shrunk by terser, in a release build (scripts/finish-build): 256.1 ->
# 255.1; everything 898.0 -> 896.7.
# The reader of stored entries (typed and careful) in a part of its own, which a first visit
# does not fetch before its first paint and a returning visit downloads alongside the main
# module (boot.js; src/ui/library/reader.rs); the service worker answers the build's hashed
# files from its copy: 255.1 -> 235.0 (the goal met); a returning visit 255.1 -> 267.0 (38
# files more, answered by the worker's copy); everything 896.7 -> 907.4 (raised 10.7: the
# reader's code sits in chunks it shares with the import, Class results and the student's
# part, each compressed alone; kept because the first paint is what every first visit waits
# for, and a returning visit with the worker downloads none of the build's hashed files).
# The splitter's ~350 shared chunks merged into a few (scripts/build-tools/wasm-split-merged-
# chunks.patch; ARCHITECTURE.md, "Few shared chunks"): the reader's chunks as one, the chunks of
# the parts every visit loads after the first paint as one, the other chunks under 2,000 bytes
# of code as one. 372 wasm files -> 44; first paint 235.0 -> 233.1 (the loader lists 22 chunks
# instead of 350); a returning visit 267.0 -> 259.9 (the reader's 38 files are 2); everything
# 907.4 -> 842.6.
# The Library's fixes (the open document copied from the page, a notice when a row's document
# is gone, each row's buttons named, the storage meter counted with the rows): everything
# 842.6 -> 843.0, its ceiling raised to 843.5 (a one-line message change moved the totals by
# a tenth or two, the first paint's too: the build's hash is in every file name).
FIRST_PAINT = ("first paint (html + css + js + wasm)", 250, 233.5)
# A returning visit (the library holds documents) needs the reader of stored entries before its
# first paint too: boot.js downloads its part alongside the main module (src/ui/library/
# reader.rs), and the service worker answers the build's hashed files from its copy.
RETURNING = ("returning visit, before its first paint", None, 260.5)
EVERYTHING = ("everything the app can fetch", 600, 843.5)

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
if not (dist / "index.html").is_file():
    sys.exit(f"size-report: {dist}/index.html is missing; run `trunk build --release --locked` first")

class Fetched(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.files = set(); self.reader = set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet": self.files.add(a.get("href"))
        if tag == "script":
            for key in ("src", "data-annotator-js", "data-annotator-wasm"):
                if a.get(key): self.files.add(a[key])
            # The reader of stored entries, which boot.js downloads alongside the main module
            # when the library holds documents (src/ui/library/reader.rs).
            self.reader |= set((a.get("data-annotator-reader") or "").split())

page = Fetched(); page.feed((dist / "index.html").read_text(encoding="utf-8"))
first = {"index.html"} | {f.removeprefix("./") for f in page.files if f}
# A module a first-paint script imports statically is fetched before the first paint too (the
# glue imports __wasm_split.js, the loader of the parts fetched on demand). A release build's
# scripts are minified: `import{initSync as t}from"./x.js";` has no spaces and need not start
# a line.
STATIC_IMPORT = re.compile(
    r"""(?:^|[;}])\s*import\s*[\w$*{}\s,]*?\s*from\s*["']\./([A-Za-z0-9._-]+)["']""", re.M)
pending = [f for f in first if f.endswith(".js")]
while pending:
    script = dist / pending.pop()
    if script.is_file():
        for imported in STATIC_IMPORT.findall(script.read_text(encoding="utf-8")):
            if imported not in first:
                first.add(imported); pending.append(imported)

brotli = shutil.which("brotli")
def sizes(path):
    raw = path.read_bytes()
    gz = len(gzip.compress(raw, compresslevel=9, mtime=0))
    br = len(subprocess.run([brotli, "-c", "-q", "11", str(path)], capture_output=True, check=True).stdout) if brotli else None
    return len(raw), gz, br

reader = {f.removeprefix("./") for f in page.reader}
if not reader:
    sys.exit("size-report: index.html lists no files of the reader of stored entries (scripts/finish-build)")
rows, totals = [], {"first": [0, 0, 0], "returning": [0, 0, 0], "all": [0, 0, 0]}
for path in sorted(p for p in dist.rglob("*") if p.is_file()):
    name = str(path.relative_to(dist))
    raw, gz, br = sizes(path)
    is_first = name in first
    rows.append((name, raw, gz, br, is_first))
    keys = (["first", "returning"] if is_first else ["returning"] if name in reader else []) + ["all"]
    for key in keys:
        t = totals[key]; t[0] += raw; t[1] += gz; t[2] += br or 0

fmt_br = lambda b: f"{b:>10}" if brotli else f"{'-':>10}"
when = lambda name, is_first: "first paint" if is_first else ("later" if name.endswith(".wasm") else "")
fetched = lambda name, is_first: when(name, is_first) + (" (returning visit: before)" if name in reader else "")
print(f"{'file':<52} {'raw':>10} {'gzip -9':>10} {'brotli':>10}  fetched")
for name, raw, gz, br, is_first in rows:
    print(f"{name:<52} {raw:>10} {gz:>10} {fmt_br(br)}  {fetched(name, is_first)}")
later = [r for r in rows if when(r[0], r[4]) == "later"]
if later:
    print(f"\n{len(later)} part(s) fetched on demand, gzip -9 KiB: " +
          ", ".join(f"{name.split('-')[0]} {gz / KIB:.1f}" for name, _, gz, _, _ in later))
missing = sorted(f for f in first | reader if not (dist / f).is_file())
if missing:
    sys.exit(f"size-report: index.html fetches files that are not in {dist}: {', '.join(missing)}")

# The later sheet holds what only the parts fetched on demand draw (style/later-*.css); the
# app fetches it after the article's first frame. A rule there whose every class the first
# paint's code also uses could style something that code draws, unstyled until the sheet
# comes: each selector needs a class that only the parts use.
later_sheet = re.search(r'<meta name="annotator-later-styles" content="\./([^"]+)"',
                        (dist / "index.html").read_text(encoding="utf-8"))
if not later_sheet or not (dist / later_sheet.group(1)).is_file():
    sys.exit("size-report: index.html names no later style sheet (scripts/finish-build makes it)")
first_code = b"".join((dist / f).read_bytes() for f in first if not f.endswith(".css"))
def drawn_by_first_paint(css_class):
    block = re.split(r"__|--", css_class)[0]
    return css_class.encode() in first_code or block.encode() in first_code
sheet_text = re.sub(r"/\*.*?\*/", "", (dist / later_sheet.group(1)).read_text(encoding="utf-8"), flags=re.S)
styled_early = []
for prelude in re.findall(r"([^{}]+)\{", sheet_text):
    if prelude.strip().startswith("@"):
        continue
    for selector in prelude.split(","):
        classes = re.findall(r"\.(ann-[A-Za-z0-9_-]+)", selector)
        if not classes or all(drawn_by_first_paint(c) for c in classes):
            styled_early.append(selector.strip())
if styled_early:
    sys.exit("size-report: the later style sheet styles what the first paint's code draws; move "
             "these rules from style/later-*.css to the first paint's sheets: " + "; ".join(styled_early))

print()
print(f"{'budget (KiB, gzip -9)':<40} {'now':>8} {'goal':>8} {'ceiling':>8}  verdict")
failed = False
for (label, goal, ceiling), key in ((FIRST_PAINT, "first"), (RETURNING, "returning"), (EVERYTHING, "all")):
    now = totals[key][1] / KIB
    if goal is None:
        verdict = "no goal of its own: the service worker answers these files from its copy"
    else:
        verdict = "goal met" if now <= goal else f"goal missed by {now - goal:.1f} KiB"
    if now > ceiling:
        verdict = f"OVER THE CEILING by {now - ceiling:.1f} KiB"; failed = True
    br = f", brotli {totals[key][2] / KIB:.1f} KiB" if brotli else ""
    print(f"{label:<40} {now:>8.1f} {goal or '-':>8} {ceiling:>8}  {verdict} (raw {totals[key][0] / KIB:.1f} KiB{br})")
if not brotli:
    print("(brotli sizes: install Debian's `brotli` to see them)")
if failed:
    sys.exit("size-report: the build grew past a size ceiling; find what grew with `scripts/size-report --breakdown`")
