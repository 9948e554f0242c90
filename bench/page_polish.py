#!/usr/bin/python3
"""Page-level typesetting faults in our own layout (`kiosk layout` JSON), counted per text
and screen size — the figures issue 17 asks to bring to zero:

  head@foot   a heading or title that ends a page (fewer than two lines of what it heads
              follow it there) on a page that is not the item's last
  1-char      a title, heading or table-cell line holding one character (or only closing
              marks) where its block or cell has more than one line
  short tail  an item whose last page holds two lines or fewer, or only right-aligned
              lines (a signature and date); a picture counts as more
  gap         the largest empty space at the foot of a page that is not the item's last,
              in body lines; "gap>2" counts such pages ending more than two lines short
              where what follows is not a table or a picture (nor the page before the
              last, when it was shortened to balance the last)

  bench/page_polish.py [--kiosk build/kiosk] [--sizes 1920x1080,1080x1920,1280x720] [FILE ...]

Without FILEs: the bundled report, the other demo texts, the portal article fixtures and
tests/fixtures/pages/*. A benchmark, not a test. (Chromium's counts beside these are the rest of
issue 17's deliverable 5: not here yet.)
"""
import argparse
import glob
import json
import os
import subprocess
import sys

CLOSING = set("、，。．：；！？”’」』）］｝】〗〕〉》…")
HEADS = {"title", "heading"}
BODY = {"paragraph", "article", "list", "notice", "caption", "table-cell"}


def visible(text):
    return [c for c in text if not c.isspace()]


def one_char(text):
    chars = visible(text)
    core = [c for c in chars if c not in CLOSING]
    return len(chars) > 0 and len(core) <= 1


def count(item):
    pages = item["pages"]
    out = {"head_foot": 0, "one_char": 0, "short_tail": 0, "gap": 0.0, "gap_pages": 0, "pages": len(pages), "where": []}
    # Lines per block (and per cell) over the whole item, to know which are multi-line.
    lines_of = {}
    for p in pages:
        for l in p["lines"]:
            if l.get("repeat"):
                continue
            key = (l["block"], l["cell"]["row"], l["cell"]["col"]) if "cell" in l else (l["block"],)
            lines_of.setdefault(key, []).append(l)
    for key, ls in lines_of.items():
        role = ls[0]["role"]
        if role in HEADS or role == "table-cell":
            if len(ls) > 1:
                for l in ls:
                    if one_char(l["text"]):
                        out["one_char"] += 1
                        out["where"].append(f"1-char {role}: …{ls[-2]['text'][-8:]}/{l['text']}")
    body_pitch = []
    for p in pages:
        prev = None
        for l in p["lines"]:
            if l["role"] == "paragraph" and prev is not None and prev["role"] == "paragraph" and prev["block"] == l["block"]:
                body_pitch.append(l["y"] - prev["y"])
            prev = l
    pitch = sorted(body_pitch)[len(body_pitch) // 2] if body_pitch else 40.0
    for n, p in enumerate(pages):
        lines = [l for l in p["lines"] if not l.get("repeat")]
        last_page = n + 1 == len(pages)
        if not lines:
            continue
        if not last_page:
            # A heading with fewer than two lines of what it heads on this page, where what
            # it heads goes on over the page (a whole one-line paragraph is fine).
            nxt_lines = [l for l in pages[n + 1]["lines"] if not l.get("repeat")]
            for k in range(len(lines) - 1, -1, -1):
                if lines[k]["role"] in HEADS:
                    after = [l for l in lines[k + 1:] if l["role"] not in HEADS]
                    continues = bool(after) and any(l["block"] == after[-1]["block"] for l in nxt_lines)
                    if not after or (len(after) < 2 and continues) or \
                            (after and all(l["role"] == "table-cell" for l in after) and continues and
                             len({l["cell"]["row"] for l in after if "cell" in l}) < 2):
                        out["head_foot"] += 1
                        out["where"].append(f"head@foot p{p['number']}: {lines[k]['text'][:20]}")
                    break
                if k < len(lines) - 3:
                    break
            box = p["box"]
            bottom = box["y"] + box["height"]
            # Whole body lines that would still fit under the last line's box.
            last_y = max(l["y"] + 0.12 * l["font_size"] + (pitch - l["font_size"]) / 2 for l in lines)
            gap = (bottom - last_y) / pitch
            out["gap"] = max(out["gap"], gap)
            nxt = nxt_lines
            # What follows is a table or a picture (at the top of the next page): it could
            # not fit in the space left, which is then no fault.
            # (Headings at its top go with it.)
            first = next((l for l in nxt if l["role"] not in HEADS), None)
            top_image = [im for im in pages[n + 1].get("images", []) if first is None or im["y"] < first["y"]]
            follows_object = bool(top_image) or (first is not None and first["role"] in ("table-cell", "image"))
            # The page before the last, made shorter so that the last holds more than a line
            # or two (or a signature): balanced, no fault when taking back the lines that would
            # fit here would leave the last page a short tail again.
            nlast = len([l for l in pages[-1]["lines"] if not l.get("repeat")])
            balanced = n + 2 == len(pages) and nlast - int(gap) <= 2
            if int(gap + 0.01) > 2 and not follows_object and not balanced and not p.get("images"):
                out["gap_pages"] += 1
                out["where"].append(f"gap p{p['number']}: {gap:.1f} lines")
        elif len(pages) > 1:
            right = p["box"]["x"] + p["box"]["width"]
            signature = all(abs(l["x"] + l["width"] - right) < 2 and l["width"] < 0.6 * l["measure"] for l in lines)
            body = lines
            if (len(lines) <= 2 or signature) and not p.get("images"):
                out["short_tail"] += 1
                out["where"].append(f"short tail p{p['number']}: {len(body)} lines" + (" (signature)" if signature else ""))
    return out


def default_inputs(root):
    files = [os.path.join(root, "assets/samples", f) for f in
             ("changchun-2019-xxgk-annual-report.txt", "banshi-xuzhi.txt", "xxgk-shenqing-zhinan.html")]
    for f in sorted(glob.glob(os.path.join(root, "tests/fixtures/portal/*.html"))):
        if not os.path.basename(f).startswith("list-"):
            files.append(f)
    files += sorted(glob.glob(os.path.join(root, "tests/fixtures/pages/*")))
    return files


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", default=os.path.join(root, "build/kiosk"))
    ap.add_argument("--sizes", default="1920x1080,1080x1920,1280x720")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or default_inputs(root)
    totals = {}
    print(f"{'text':44} {'size':>9} {'pages':>5} {'head@foot':>9} {'1-char':>6} {'tail':>4} {'gap':>5} {'gap>2':>5}")
    for f in files:
        for size in a.sizes.split(","):
            run = subprocess.run([a.kiosk, "layout", "--input", f, "--size", size, "--now", "2026-12-03T10:00"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{os.path.basename(f)[:44]:44} {size:>9}  layout failed: {run.stderr.strip()[:80]}")
                continue
            item = json.loads(run.stdout)["items"][0]
            c = count(item)
            t = totals.setdefault(size, {"head_foot": 0, "one_char": 0, "short_tail": 0, "gap_pages": 0, "gap": 0.0})
            for k in ("head_foot", "one_char", "short_tail", "gap_pages"):
                t[k] += c[k]
            t["gap"] = max(t["gap"], c["gap"])
            print(f"{os.path.basename(f)[:44]:44} {size:>9} {c['pages']:>5} {c['head_foot']:>9} {c['one_char']:>6} "
                  f"{c['short_tail']:>4} {c['gap']:>5.1f} {c['gap_pages']:>5}")
            if a.verbose:
                for w in c["where"]:
                    print("      " + w)
    print()
    for size, t in totals.items():
        print(f"total {size:>9}: head@foot {t['head_foot']}, 1-char {t['one_char']}, short tails {t['short_tail']}, "
              f"pages >2 lines short {t['gap_pages']}, largest foot gap {t['gap']:.1f} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
