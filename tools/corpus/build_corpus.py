#!/usr/bin/env python3
"""Build an English -> X parallel corpus from Debian's LibreOffice packages.

Sources (all MPL-2.0, see data/corpus/README.md):
  * libreoffice-help-en-us + libreoffice-help-<lang>: offline help as HTML.
    Paragraphs and headings carry the same ``id`` attribute in both languages,
    so segments are aligned by (file path, element id, occurrence of that id).
  * libreoffice-l10n-<lang>: gettext catalogs (.mo) of the user interface.
    The msgid is the en-US source string, the msgstr its translation.

The packages are fetched with ``apt-get download`` and unpacked with
``dpkg-deb -x`` (nothing is installed); catalogs are decoded with ``msgunfmt``
(package gettext).  Only the Python standard library is used.

Usage:
  python3 tools/corpus/build_corpus.py --lang de --out data/corpus/en-de
  python3 tools/corpus/build_corpus.py --lang fr --out /tmp/corpus-fr

Outputs in --out: {train,valid,test}.{en,<lang>,doc}.gz (one segment per line,
UTF-8, NFC; gzip written with mtime 0 so a rebuild from the same packages gives
identical bytes) and MANIFEST.json (packages, checksums, rules, counts).
"""

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

SCRIPT = Path(__file__).resolve()
DEFAULT_WORK = SCRIPT.parent / "work"
DEFAULT_SEED = 1
SPLIT_TARGET = 2000  # pairs wanted in each of valid and test
SPLIT_SLACK = 40  # a document may push a split at most this far past its target

MIN_WORDS = 1
MAX_WORDS = 80
MAX_CHAR_RATIO = 2.5  # on (longer + RATIO_SMOOTHING) / (shorter + RATIO_SMOOTHING)
RATIO_SMOOTHING = 10  # characters; keeps "Up" -> "Nach oben" while catching bad pairs

# --------------------------------------------------------------------------
# Packages


def package_names(lang):
    return [
        ("help_src", "libreoffice-help-en-us"),
        ("help_tgt", "libreoffice-help-" + lang),
        ("ui_tgt", "libreoffice-l10n-" + lang),
    ]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def deb_field(deb, field):
    out = subprocess.run(["dpkg-deb", "-f", str(deb), field], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def fetch_package(pkg, work, download, pin):
    """Download (unless told not to) and unpack one .deb; return its record."""
    debdir = work / "debs"
    debdir.mkdir(parents=True, exist_ok=True)
    if download:
        for old in debdir.glob(pkg + "_*.deb"):
            old.unlink()
        spec = pkg + "=" + pin if pin else pkg
        print(f"[fetch] apt-get download {spec}", file=sys.stderr)
        subprocess.run(["apt-get", "download", "-q", spec], cwd=debdir, check=True)
    debs = sorted(debdir.glob(pkg + "_*.deb"))
    if len(debs) != 1:
        sys.exit(f"error: expected exactly one {pkg}_*.deb in {debdir}, found {len(debs)}")
    deb = debs[0]
    root = work / "root" / pkg
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return {
        "package": deb_field(deb, "Package"),
        "version": deb_field(deb, "Version"),
        "filename": deb.name,
        "bytes": deb.stat().st_size,
        "sha256": sha256_file(deb),
        "root": root,
    }


def only_subdir(parent, exclude, must_contain=None):
    cands = [d for d in sorted(parent.iterdir())
             if d.is_dir() and d.name not in exclude
             and (must_contain is None or (d / must_contain).exists())]
    if len(cands) != 1:
        sys.exit(f"error: cannot identify the language folder in {parent}: {[c.name for c in cands]}")
    return cands[0]


# --------------------------------------------------------------------------
# Help HTML

SEGMENT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
             "meta", "param", "source", "track", "wbr"}
# Paragraph classes holding program code (Basic, Python, SQL, formulas): not prose.
CODE_CLASSES = {"code", "codeintable", "bascode", "pycode", "smathcode"}


class HelpPage(HTMLParser):
    """Collects the text of every <p>/<h1..6> that has an id, in document order.

    Nested inline markup contributes its text.  ``<span class="switchinline">``
    holds hidden per-platform/per-application variants (MAC, WRITER, ...,
    default); only one is kept: the one whose id starts with "default", else
    the first.  <br> becomes a space.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: dicts with tag, kind and, if any, buf
        self.segments = []  # (id, tag, text)
        self.capturing = False
        self.stats = {"code_skipped": 0, "implicitly_closed": 0,
                      "switches": 0, "switches_without_default": 0}

    # nearest enclosing frame that decides where text goes
    def _sink(self):
        for frame in reversed(self.stack):
            if frame["kind"] in ("segment", "switch", "variant"):
                return frame
        return None

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            if tag == "br" and self.capturing:
                sink = self._sink()
                if sink["kind"] != "switch":
                    sink["buf"].append(" ")
            return
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag in SEGMENT_TAGS and self.capturing:
            # <p> or <hN> cannot nest: the open segment ends here (HTML rules)
            self.stats["implicitly_closed"] += 1
            while self.capturing:
                self._pop()
        if tag in SEGMENT_TAGS and a.get("id"):
            if classes & CODE_CLASSES:
                self.stats["code_skipped"] += 1
                self.stack.append({"tag": tag, "kind": "plain"})
                return
            self.stack.append({"tag": tag, "kind": "segment", "id": a["id"], "buf": []})
            self.capturing = True
            return
        if self.capturing:
            sink = self._sink()
            if sink["kind"] == "switch":
                self.stack.append({"tag": tag, "kind": "variant", "buf": [],
                                   "default": (a.get("id") or "").startswith("default")})
                return
            if tag == "span" and "switchinline" in classes:
                self.stats["switches"] += 1
                self.stack.append({"tag": tag, "kind": "switch", "variants": []})
                return
        self.stack.append({"tag": tag, "kind": "plain"})

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                while len(self.stack) > i:
                    self._pop()
                return
        # stray end tag: ignore

    def handle_data(self, data):
        if self.capturing:
            sink = self._sink()
            if sink["kind"] != "switch":  # whitespace between variants
                sink["buf"].append(data)

    def _pop(self):
        frame = self.stack.pop()
        kind = frame["kind"]
        if kind == "variant":
            self._sink()["variants"].append((frame["default"], "".join(frame["buf"])))
        elif kind == "switch":
            variants = frame["variants"]
            chosen = [t for d, t in variants if d]
            if not chosen:
                self.stats["switches_without_default"] += 1
                chosen = [t for _, t in variants[:1]]
            if chosen:
                self._sink()["buf"].append(chosen[0])
        elif kind == "segment":
            self.segments.append((frame["id"], frame["tag"], "".join(frame["buf"])))
            self.capturing = False

    def close(self):
        super().close()
        while self.stack:
            self._pop()


def read_help_dir(lang_dir, stats):
    """Return {relative path: [(key, text)]} with key = (id, occurrence)."""
    pages = {}
    for path in sorted(lang_dir.rglob("*.html")):
        rel = path.relative_to(lang_dir).as_posix()
        parser = HelpPage()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        for k, v in parser.stats.items():
            stats[k] = stats.get(k, 0) + v
        seen = {}
        segs = []
        for sid, _tag, text in parser.segments:
            occ = seen.get(sid, 0)
            seen[sid] = occ + 1
            segs.append(((sid, occ), text))
        pages[rel] = segs
    return pages


def extract_help(src_root, tgt_root):
    src_dir = src_root / "usr/share/libreoffice/help/en-US"
    tgt_help = tgt_root / "usr/share/libreoffice/help"
    tgt_dir = only_subdir(tgt_help, {"en-US", "media"}, must_contain="text")
    stats_src, stats_tgt = {}, {}
    src_pages = read_help_dir(src_dir, stats_src)
    tgt_pages = read_help_dir(tgt_dir, stats_tgt)
    stats = {
        "help_dir_src": "usr/share/libreoffice/help/en-US",
        "help_dir_tgt": tgt_dir.relative_to(tgt_root).as_posix(),
        "files_src": len(src_pages), "files_tgt": len(tgt_pages),
        "files_only_src": len(set(src_pages) - set(tgt_pages)),
        "files_only_tgt": len(set(tgt_pages) - set(src_pages)),
        "segments_src": sum(len(v) for v in src_pages.values()),
        "segments_tgt": sum(len(v) for v in tgt_pages.values()),
        "parser_src": stats_src, "parser_tgt": stats_tgt,
        "keys_only_src": 0, "keys_only_tgt": 0, "aligned": 0,
    }
    docs = {}
    for rel in sorted(set(src_pages) & set(tgt_pages)):
        tgt_map = dict(tgt_pages[rel])
        src_keys = set()
        pairs = []
        for key, text in src_pages[rel]:
            src_keys.add(key)
            if key in tgt_map:
                pairs.append((text, tgt_map[key]))
            else:
                stats["keys_only_src"] += 1
        stats["keys_only_tgt"] += sum(1 for k in tgt_map if k not in src_keys)
        stats["aligned"] += len(pairs)
        docs["help:" + rel] = pairs
    return docs, stats


# --------------------------------------------------------------------------
# UI catalogs

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v"}


def c_unquote(s):
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError("not a quoted string: " + s)
    return re.sub(r'\\(.)', lambda m: _ESCAPES.get(m.group(1), m.group(1)), s[1:-1])


def parse_po(text):
    """Minimal PO reader for msgunfmt output: list of entry dicts."""
    entries = []
    cur = {"flags": set()}
    field = None

    def flush():
        nonlocal cur, field
        if "msgid" in cur:
            entries.append(cur)
        cur = {"flags": set()}
        field = None

    for line in text.splitlines():
        s = line.strip()
        if not s:
            flush()
            continue
        if s.startswith("#,"):
            cur["flags"].update(f.strip() for f in s[2:].split(","))
            continue
        if s.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', s)
        if m:
            name = m.group(1)
            if name in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in cur):
                flush()  # a new entry without a separating blank line
            field = name
            cur[field] = c_unquote(m.group(2))
        elif s.startswith('"') and field:
            cur[field] += c_unquote(s)
        else:
            raise ValueError("unexpected PO line: " + line)
    flush()
    return entries


def strip_accelerators(s):
    """Remove LibreOffice ("~") and GTK ("_") accelerator marks.

    A GTK label has at most one mnemonic, written as "_" before a character
    ("_Save", "Pr_esets", "PDF_/A").  Strings with several lone underscores
    ("OPT_PROB_HIT", "_underline_") are identifiers or literal text and keep
    them, as does a quoted "(_)"; "__" stands for a literal underscore.
    """
    s = s.replace("~", "")
    lone = re.findall(r"(?<!_)_(?!_)", s)
    quoted = re.search(r"[(\[\"'“„‘]_[)\]\"'”“’]", s)  # "(_)": the character itself
    if len(lone) == 1 and not quoted:
        s = re.sub(r"(?<!_)_(?=[^\s_])", "", s, count=1)
    return s.replace("__", "_")


def extract_ui(tgt_root):
    res_root = tgt_root / "usr/lib/libreoffice/program/resource"
    lang_dir = only_subdir(res_root, {"en-US"})
    mo_dir = lang_dir / "LC_MESSAGES"
    stats = {"mo_dir": mo_dir.relative_to(tgt_root).as_posix(), "modules": 0, "entries": 0,
             "header": 0, "plural": 0, "fuzzy": 0, "untranslated": 0, "kept": 0}
    docs = {}
    for mo in sorted(mo_dir.glob("*.mo")):
        out = subprocess.run(["msgunfmt", "--no-wrap", str(mo)], check=True,
                             capture_output=True)
        entries = parse_po(out.stdout.decode("utf-8"))
        stats["modules"] += 1
        pairs = []
        for e in entries:
            stats["entries"] += 1
            if e["msgid"] == "":
                stats["header"] += 1
            elif "msgid_plural" in e:
                stats["plural"] += 1
            elif "fuzzy" in e["flags"]:
                stats["fuzzy"] += 1
            elif not e.get("msgstr"):
                stats["untranslated"] += 1
            else:
                pairs.append((strip_accelerators(e["msgid"]), strip_accelerators(e["msgstr"])))
        stats["kept"] += len(pairs)
        docs["ui:" + mo.stem] = pairs
    return docs, stats


# --------------------------------------------------------------------------
# Cleaning

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")


def normalize(s):
    s = unicodedata.normalize("NFC", s)
    s = s.translate(_INVISIBLE)
    s = s.replace("%PRODUCTNAME", "LibreOffice")
    return _SPACES.sub(" ", s).strip()


PLACEHOLDER = re.compile(
    r"%(?:\d+\$)?(?:ll|l|h|z)?[sdiuxXfFeEgGc](?!\w)"  # printf: %s %d %1$s %ld
    r"|%\d"  # %1 %2
    r"|%[A-Z][A-Z0-9_]+"  # %PRODUCTVERSION %MOD %NAME ...
    r"|%\w+%"  # %VAR%
    r"|\$\(\w+\)"  # $(ARG1)
    r"|\$[a-z][a-z_]*\$|\$\d+\$"  # $name$ $1$ (not cell references like $B$6)
    r"|(?<![\w$])\$\d"  # $1
    r"|(?<!\w)#\d(?!\d)"  # #1
    r"|\{\d+\}|\{[A-Z_][A-Z0-9_]*\}"  # {0} {NAME}
)
MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")

RULES = [
    ("empty", "either side empty after normalization"),
    ("placeholder", "either side contains a placeholder: printf (%s, %d, %1$s), %1, %NAME, "
                    "%VAR%, $(ARG1), $name$, $1$, $1, #1, {0}, {NAME} (%PRODUCTNAME is first "
                    "replaced by 'LibreOffice', as the help viewer does)"),
    ("markup", "either side contains an HTML/XML tag or a character entity"),
    ("identical", "source and target are the same string"),
    ("words", f"a side has fewer than {MIN_WORDS} or more than {MAX_WORDS} "
              "whitespace-separated words"),
    ("ratio", f"(longer + {RATIO_SMOOTHING}) / (shorter + {RATIO_SMOOTHING}) in characters "
              f"above {MAX_CHAR_RATIO}"),
    ("duplicate", "exact (source, target) pair already kept earlier (whole corpus, "
                  "documents in sorted id order, before splitting)"),
]


def reject_reason(src, tgt):
    if not src or not tgt:
        return "empty"
    if PLACEHOLDER.search(src) or PLACEHOLDER.search(tgt):
        return "placeholder"
    if MARKUP.search(src) or MARKUP.search(tgt):
        return "markup"
    if src == tgt:
        return "identical"
    ws, wt = len(src.split()), len(tgt.split())
    if not (MIN_WORDS <= ws <= MAX_WORDS and MIN_WORDS <= wt <= MAX_WORDS):
        return "words"
    ls, lt = len(src), len(tgt)
    if max(ls, lt) + RATIO_SMOOTHING > MAX_CHAR_RATIO * (min(ls, lt) + RATIO_SMOOTHING):
        return "ratio"
    return None


def clean(raw_docs):
    """raw_docs: {doc: [(src, tgt)]} -> ({doc: [(src, tgt)]}, dropped counts)."""
    dropped = {src: {name: 0 for name, _ in RULES} for src in ("help", "ui")}
    seen = set()
    docs = {}
    for doc in sorted(raw_docs):
        kind = doc.split(":", 1)[0]
        kept = []
        for s, t in raw_docs[doc]:
            s, t = normalize(s), normalize(t)
            reason = reject_reason(s, t)
            if reason is None and (s, t) in seen:
                reason = "duplicate"
            if reason:
                dropped[kind][reason] += 1
                continue
            seen.add((s, t))
            kept.append((s, t))
        if kept:
            docs[doc] = kept
    return docs, dropped


# --------------------------------------------------------------------------
# Split and output


def split_docs(docs, seed):
    """Assign each document to train, valid or test (deterministic for a seed).

    Stratified by source: valid and test each get about SPLIT_TARGET pairs, of
    which UI pairs take the UI share of the whole corpus and help pairs the
    rest.  Documents are visited in one seeded shuffle of the sorted ids; a
    document goes to valid, else test, if that split still needs pairs of its
    source and would overshoot the need by at most SPLIT_SLACK; otherwise train.
    """
    ids = sorted(docs)
    random.Random(seed).shuffle(ids)
    size = {d: len(docs[d]) for d in ids}
    total = sum(size.values())
    ui_total = sum(n for d, n in size.items() if d.startswith("ui:"))
    assign = {d: "train" for d in ids}
    count = {"valid": 0, "test": 0}
    for kind in ("ui", "help"):
        if kind == "ui":
            need = {s: round(SPLIT_TARGET * ui_total / total) for s in count}
        else:
            need = {s: SPLIT_TARGET - count[s] for s in count}
        got = {s: 0 for s in count}
        for doc in ids:
            if not doc.startswith(kind + ":"):
                continue
            n = size[doc]
            for split in ("valid", "test"):
                if got[split] < need[split] and got[split] + n <= need[split] + SPLIT_SLACK:
                    assign[doc] = split
                    got[split] += n
                    count[split] += n
                    break
    return assign


def write_gz(path, lines):
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    return len(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", required=True, help="target language code of the Debian packages (de, fr, ...)")
    ap.add_argument("--out", required=True, help="output folder, e.g. data/corpus/en-de")
    ap.add_argument("--work", default=str(DEFAULT_WORK),
                    help="download/unpack folder (default: tools/corpus/work, git-ignored)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the document split")
    ap.add_argument("--pin-version", dest="pin", default=None,
                    help="download this exact Debian version of all three packages")
    ap.add_argument("--no-download", action="store_true",
                    help="reuse the .deb files already in WORK/debs")
    args = ap.parse_args()

    lang = args.lang
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", lang):
        sys.exit("error: --lang must be a Debian language suffix such as de or fr")
    work = Path(args.work).resolve()
    out = Path(args.out)
    work.mkdir(parents=True, exist_ok=True)

    pkgs = {role: fetch_package(name, work, not args.no_download, args.pin)
            for role, name in package_names(lang)}

    help_docs, help_stats = extract_help(pkgs["help_src"]["root"], pkgs["help_tgt"]["root"])
    ui_docs, ui_stats = extract_ui(pkgs["ui_tgt"]["root"])
    raw = dict(help_docs)
    raw.update(ui_docs)
    docs, dropped = clean(raw)

    assign = split_docs(docs, args.seed)
    splits = {name: [] for name in ("train", "valid", "test")}
    for doc in sorted(docs):
        for s, t in docs[doc]:
            splits[assign[doc]].append((s, t, doc))

    # sanity: no pair in two splits (guaranteed by the global dedupe)
    owner = {}
    for name, rows in splits.items():
        for s, t, _ in rows:
            if owner.setdefault((s, t), name) != name:
                sys.exit(f"error: pair in {owner[(s, t)]} and {name}: {s!r}")

    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, rows in splits.items():
        for suffix, col in (("en", 0), (lang, 1), ("doc", 2)):
            fname = f"{name}.{suffix}.gz"
            n = write_gz(out / fname, [r[col] for r in rows])
            files[fname] = {"lines": n, "bytes": (out / fname).stat().st_size,
                            "sha256": sha256_file(out / fname)}

    train_src = {s for s, _, _ in splits["train"]}
    train_tgt = {t for _, t, _ in splits["train"]}
    overlap = {}
    for name in ("valid", "test"):
        rows = splits[name]
        overlap[name] = {
            "source_in_train_with_other_target": sum(1 for s, _, _ in rows if s in train_src),
            "target_in_train_with_other_source": sum(1 for _, t, _ in rows if t in train_tgt),
        }
    overlap["valid_source_in_test"] = sum(
        1 for s in {s for s, _, _ in splits["valid"]} if s in {s for s, _, _ in splits["test"]})

    def by_source(rows):
        return {k: sum(1 for r in rows if r[2].startswith(k + ":")) for k in ("help", "ui")}

    split_counts = {name: {"pairs": len(rows), **by_source(rows),
                           "documents": len({r[2] for r in rows}),
                           "words_en": sum(len(r[0].split()) for r in rows),
                           "words_" + lang: sum(len(r[1].split()) for r in rows)}
                    for name, rows in splits.items()}
    all_rows = [r for rows in splits.values() for r in rows]

    command = f"python3 tools/corpus/build_corpus.py --lang {lang} --out {args.out}"
    if args.seed != DEFAULT_SEED:
        command += f" --seed {args.seed}"
    if args.pin:
        command += f" --pin-version {args.pin}"
    manifest = {
        "name": f"LibreOffice en-{lang} parallel corpus (help + UI), from Debian packages",
        "languages": {"source": "en", "target": lang},
        "license": "MPL-2.0 (LibreOffice help and UI translations, as shipped by Debian)",
        "builder": "tools/corpus/build_corpus.py",
        "builder_sha256": sha256_file(SCRIPT),
        "command": command,
        "packages": [{k: v for k, v in pkgs[role].items() if k != "root"}
                     for role, _ in package_names(lang)],
        "format": "one segment per line, UTF-8, NFC; line i of {split}.en.gz translates line i "
                  f"of {{split}}.{lang}.gz; {{split}}.doc.gz gives its document "
                  "('help:<file under help/LANG/>' or 'ui:<.mo module>'); gzip mtime 0",
        "extraction": {
            "help": {"alignment": "(file relative path, element id, occurrence of the id in the file)",
                     "elements": "p and h1-h6 with an id attribute; text of nested inline markup "
                                 "kept; switchinline variants: 'default' variant (else first); "
                                 "classes " + ", ".join(sorted(CODE_CLASSES)) + " skipped (code)",
                     **help_stats},
            "ui": {"pairing": "msgid (en-US source) -> msgstr; translated, non-fuzzy, "
                              "singular entries; '~' and '_' accelerators removed",
                   **ui_stats},
        },
        "cleaning": {
            "normalization": "Unicode NFC; soft hyphens and zero-width characters removed; "
                             "%PRODUCTNAME -> LibreOffice; runs of whitespace -> one space; trimmed",
            "thresholds": {"min_words": MIN_WORDS, "max_words": MAX_WORDS,
                           "max_char_length_ratio": MAX_CHAR_RATIO,
                           "ratio_smoothing_chars": RATIO_SMOOTHING},
            "rules_in_order": [{"rule": n, "drops": d} for n, d in RULES],
            "dropped": dropped,
            "dropped_total": {n: dropped["help"][n] + dropped["ui"][n] for n, _ in RULES},
        },
        "split": {
            "unit": "document (help file or UI module)",
            "seed": args.seed,
            "method": "sorted document ids shuffled once with random.Random(seed); valid and "
                      f"test each need {SPLIT_TARGET} pairs, stratified by source: UI pairs "
                      "round(target * UI share of the corpus), help pairs the rest. UI documents "
                      "first, then help documents, are taken in shuffled order: a document goes "
                      "to valid, else test, while that split still needs pairs of its source and "
                      f"the document overshoots the need by at most {SPLIT_SLACK} pairs; every "
                      "other document goes to train",
        },
        "counts": {"total": len(all_rows), "sources": by_source(all_rows), "splits": split_counts,
                   "documents": len(docs)},
        "overlap": overlap,
        "files": files,
    }
    with open(out / "MANIFEST.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2, sort_keys=False)
        f.write("\n")

    # ---- summary
    print(f"en-{lang}: {len(all_rows)} pairs from {len(docs)} documents "
          f"(help {manifest['counts']['sources']['help']}, ui {manifest['counts']['sources']['ui']})")
    for name, c in split_counts.items():
        print(f"  {name:5s} {c['pairs']:6d} pairs  help {c['help']:6d}  ui {c['ui']:5d}  "
              f"docs {c['documents']:5d}")
    print("  dropped: " + ", ".join(f"{k} {v}" for k, v in manifest["cleaning"]["dropped_total"].items()))
    for name in ("valid", "test"):
        print(f"  {name} sources also in train with another target: "
              f"{overlap[name]['source_in_train_with_other_target']}")
    print("  examples:")
    for s, t, doc in random.Random(args.seed).sample(all_rows, min(5, len(all_rows))):
        print(f"    [{doc}]\n      en: {s}\n      {lang}: {t}")
    print(f"  wrote {out}/")


if __name__ == "__main__":
    main()
