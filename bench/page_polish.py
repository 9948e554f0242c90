#!/usr/bin/python3
"""Page-level typesetting faults in our own layout (`kiosk layout` JSON), counted per text
and screen size — the figures issue 17 asks to bring to zero:

  head@foot   a heading or title that ends a page (fewer than two lines of what it heads
              follow it there) on a page that is not the item's last
  1-char      a title, heading or table-cell line holding one character (or only closing
              marks) where its block or cell has more than one line
  short tail  an item whose last page holds two lines or fewer besides its signature
              (right-aligned short lines at its end: office and date); a picture counts
              as more
  gap         the largest empty space at the foot of a page that is not the item's last,
              in body lines; "gap>2" counts such pages ending more than two lines short
              where what follows is not a table or a picture (nor the page before the
              last, when it was shortened to balance the last)

  bench/page_polish.py [--kiosk build/kiosk] [--sizes 1920x1080,1080x1920,1280x720]
                       [--chromium] [--verbose] [FILE ...]

Without FILEs: the bundled report, the other demo texts, the portal article fixtures and
tests/fixtures/pages/*. A benchmark, not a test.

--chromium: the same Document (`kiosk extract`) also set by headless Chromium in pages of
the same body box, with the same font sizes, line pitches and spaces, and the CSS a careful
web developer would write for paged text (break-after: avoid on headings, orphans and
widows 2, break-inside: avoid on figures and table rows, text-wrap: balance on headings,
line-break: strict). Pages are CSS columns of the body's height (Chromium fragments them as
it fragments printed pages, and the DOM can be read back); the same counts are printed on a
second row. Needs scripts/install-chromium.sh.
"""
import argparse
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

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
            last = [l for l in pages[-1]["lines"] if not l.get("repeat")]
            lright = pages[-1]["box"]["x"] + pages[-1]["box"]["width"]
            nlast = len([l for l in last if l["role"] in HEADS or abs(l["x"] + l["width"] - lright) >= 2 or
                         l["width"] >= 0.6 * l["measure"]])
            balanced = n + 2 == len(pages) and nlast - int(gap) <= 2
            if int(gap + 0.01) > 2 and not follows_object and not balanced and not p.get("images"):
                out["gap_pages"] += 1
                out["where"].append(f"gap p{p['number']}: {gap:.1f} lines")
        elif len(pages) > 1:
            right = p["box"]["x"] + p["box"]["width"]
            # The signature: the page's last lines set flush right and short (office, date).
            k = len(lines)
            while k > 0 and abs(lines[k - 1]["x"] + lines[k - 1]["width"] - right) < 2 and \
                    lines[k - 1]["width"] < 0.6 * lines[k - 1]["measure"] and lines[k - 1]["role"] not in HEADS:
                k -= 1
            body = lines[:k]
            signature = k < len(lines)
            if len(body) <= 2 and not p.get("images"):
                out["short_tail"] += 1
                out["where"].append(f"short tail p{p['number']}: {len(body)} lines" + (" (signature)" if signature else ""))
    return out


PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
html, body { margin: 0; background: #fff; }
#pages { position: absolute; left: 0; top: 0; width: %(w)spx; height: %(h)spx; column-width: %(w)spx;
  column-gap: %(gap)spx; column-fill: auto; font-family: "Noto Sans CJK SC"; color: #222; }
#pages * { margin: 0; }
h1 { font-size: %(title)spx; line-height: 1.35; text-align: center; text-wrap: balance; break-after: avoid; }
h2 { font-size: %(heading)spx; line-height: %(heading_lh)spx; margin-top: %(heading_sb)spx !important;
  text-wrap: balance; break-after: avoid; }
h3 { font-size: %(body)spx; line-height: %(body_lh)spx; margin-top: %(h3_sb)spx !important; break-after: avoid; }
.meta { font-size: %(meta)spx; line-height: 1.5; text-align: center; color: #777; margin-top: %(meta_sb)spx !important; }
.meta + .meta { margin-top: 0 !important; }
.sign { font-size: %(body)spx; line-height: 1.5; text-align: right; break-inside: avoid; }
p { font-size: %(body)spx; line-height: %(body_lh)spx; text-indent: 2em; text-align: justify;
  line-break: strict; text-spacing-trim: trim-start; text-autospace: normal; text-wrap: pretty; orphans: 2; widows: 2; }
figure { break-inside: avoid; text-align: center; margin-top: %(fig_sb)spx !important; }
figure img { max-width: 100%%; max-height: %(img_h)spx; }
figcaption { font-size: %(caption)spx; line-height: 1.45; color: #777; }
table { border-collapse: collapse; width: 100%%; font-size: %(table)spx; line-height: 1.4; margin-top: %(fig_sb)spx !important; }
td, th { border: 1px solid #999; padding: %(pad_y)spx %(pad_x)spx; line-break: strict; }
tr { break-inside: avoid; }
</style></head><body><div id="pages">%(blocks)s</div>
<script>
// A picture that does not load takes our placeholder's place: 40 %% of the width, 16:9.
for (const img of document.images)
  img.addEventListener("error", () => { img.style.cssText = "width: 40%%; aspect-ratio: 16 / 9; background: #eee"; });
window.addEventListener("load", () => {
const cont = document.getElementById("pages"), box = cont.getBoundingClientRect();
const W = %(w)s, GAP = %(gap)s;
const pages = [];
function page(n) { while (pages.length <= n) pages.push({lines: [], images: []}); return pages[n]; }
function pageOf(x) { return Math.max(0, Math.floor((x - box.left + GAP / 2) / (W + GAP))); }
for (const el of cont.querySelectorAll("[data-role]")) {
  const role = el.dataset.role, block = +el.dataset.block;
  if (role === "image-pic") {
    const r = el.getBoundingClientRect(), n = pageOf(r.left);
    page(n).images.push({block: block, y: r.top - box.top, height: r.height});
    continue;
  }
  const fs = parseFloat(getComputedStyle(el).fontSize);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let cur = null;
  const lines = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i), len = cp > 0xFFFF ? 2 : 1;
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + len);
      const rects = range.getClientRects();
      i += len;
      if (!rects.length) continue;
      const b = rects[rects.length - 1], n = pageOf(b.left);
      if (!cur || cur.page !== n || Math.abs(b.top - cur.top) > fs * 0.5) {
        cur = {page: n, top: b.top, left: b.left, right: b.right, text: "", bottom: b.bottom};
        lines.push(cur);
      }
      cur.text += String.fromCodePoint(cp);
      cur.left = Math.min(cur.left, b.left); cur.right = Math.max(cur.right, b.right); cur.bottom = Math.max(cur.bottom, b.bottom);
    }
  }
  for (const l of lines) {
    const x0 = box.left + l.page * (W + GAP);
    const line = {role: role, block: block, text: l.text, font_size: fs, y: l.bottom - 0.288 * fs - box.top,
                  x: l.left - x0, width: l.right - l.left, measure: W};
    if (el.dataset.row !== undefined) line.cell = {row: +el.dataset.row, col: +el.dataset.col};
    page(l.page).lines.push(line);
  }
}
const pre = document.createElement("pre"); pre.id = "out"; pre.textContent = JSON.stringify(pages);
document.body.appendChild(pre);
});
</script></body></html>"""


def document_html(doc):
    out = []
    for i, b in enumerate(doc["blocks"]):
        role, text = b["role"], html.escape(b.get("text", ""))
        if role == "title":
            out.append(f'<h1 data-role="title" data-block="{i}">{text}</h1>')
        elif role == "heading":
            tag = "h2" if b.get("level", 1) <= 1 else "h3"
            out.append(f'<{tag} data-role="heading" data-block="{i}">{text}</{tag}>')
        elif role == "meta":
            cls = "sign" if b.get("align") == "end" else "meta"
            out.append(f'<div class="{cls}" data-role="meta" data-block="{i}">{text}</div>')
        elif role == "image":
            im = b.get("image", {})
            out.append(f'<figure><img data-role="image-pic" data-block="{i}" src="{html.escape(im.get("url", ""))}" '
                       f'alt="{html.escape(im.get("alt", ""))}"><figcaption data-role="caption" data-block="{i}">{text}</figcaption></figure>')
        elif role == "table":
            rows = []
            header = b["table"].get("header_rows", 0)
            slots = {}  # the HTML table model's slot of each cell, for its row and column
            for r, row in enumerate(b["table"]["rows"]):
                cells, c = [], 0
                for cell in row:
                    while (r, c) in slots:
                        c += 1
                    for dr in range(cell.get("rowspan", 1)):
                        for dc in range(cell.get("colspan", 1)):
                            slots[(r + dr, c + dc)] = True
                    tag = "th" if cell.get("header") else "td"
                    cells.append(f'<{tag} rowspan="{cell.get("rowspan", 1)}" colspan="{cell.get("colspan", 1)}" '
                                 f'data-role="table-cell" data-block="{i}" data-row="{r}" data-col="{c}">'
                                 f'{html.escape(cell.get("text", ""))}</{tag}>')
                    c += cell.get("colspan", 1)
                rows.append("<tr>" + "".join(cells) + "</tr>")
            head = "".join(rows[:header])
            body = "".join(rows[header:])
            out.append(f'<table><thead>{head}</thead><tbody>{body}</tbody></table>')
        else:
            out.append(f'<p data-role="paragraph" data-block="{i}">{text}</p>')
    return "\n".join(out)


def chromium_item(kiosk, path, ours):
    """The Document of `path` set by Chromium into pages of our body box: a layout-JSON item."""
    exe = shutil.which("chromium")
    if not exe:
        sys.exit("chromium is not installed: run scripts/install-chromium.sh")
    doc = json.loads(subprocess.run([kiosk, "extract", path], check=True, capture_output=True, text=True).stdout)
    box = ours["pages"][0]["box"]
    sizes = {}
    for p in ours["pages"]:
        for l in p["lines"]:
            sizes.setdefault(l["role"], l["font_size"])
    body = sizes.get("paragraph", 40.0)
    pitch = body * 1.65
    heading = sizes.get("heading", round(body * 1.1))
    values = dict(w=box["width"], h=box["height"], gap=200, body=body, body_lh=pitch, title=sizes.get("title", round(body * 1.4)),
                  heading=heading, heading_lh=max(heading * 1.5, pitch), heading_sb=body * 0.5, h3_sb=body * 0.2,
                  meta=sizes.get("meta", round(body * 0.8)), meta_sb=sizes.get("meta", body) * 0.4,
                  caption=sizes.get("image", sizes.get("caption", round(body * 0.85))), fig_sb=body * 0.5,
                  img_h=box["height"] * 0.62, table=sizes.get("table-cell", round(body * 0.8)),
                  pad_x=sizes.get("table-cell", 32) * 0.35, pad_y=sizes.get("table-cell", 32) * 0.25, blocks=document_html(doc))
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "page.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(PAGE % values)
        width = int(box["width"]) + 400
        dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                              "--allow-file-access-from-files", "--disable-background-networking", "--disable-component-update",
                              "--disable-sync", "--virtual-time-budget=10000", f"--window-size={width},{int(box['height']) + 200}",
                              "--user-data-dir=" + os.path.join(tmp, "profile"), "--dump-dom", "file://" + page],
                             check=True, capture_output=True, text=True, timeout=120).stdout
    pages = json.loads(html.unescape(re.search(r'<pre id="out">(.*?)</pre>', dom, re.S).group(1)))
    local = {"x": 0.0, "y": 0.0, "width": box["width"], "height": box["height"]}
    for n, p in enumerate(pages):
        p["number"] = n + 1
        p["box"] = local
        p["lines"].sort(key=lambda l: (l["y"], l["x"]))
    return {"pages": [p for p in pages if p["lines"] or p["images"]]}


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
    ap.add_argument("--chromium", action="store_true", help="Chromium's counts beside ours")
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
            rows = [("", size, item)]
            if a.chromium:
                rows.append((" chromium", size + "c", chromium_item(a.kiosk, f, item)))
            for tag, key, it in rows:
                c = count(it)
                t = totals.setdefault(key, {"head_foot": 0, "one_char": 0, "short_tail": 0, "gap_pages": 0, "gap": 0.0})
                for k in ("head_foot", "one_char", "short_tail", "gap_pages"):
                    t[k] += c[k]
                t["gap"] = max(t["gap"], c["gap"])
                name = (os.path.basename(f)[:44 - len(tag)] + tag) if tag else os.path.basename(f)[:44]
                print(f"{name:44} {size:>9} {c['pages']:>5} {c['head_foot']:>9} {c['one_char']:>6} "
                      f"{c['short_tail']:>4} {c['gap']:>5.1f} {c['gap_pages']:>5}")
                if a.verbose:
                    for w in c["where"]:
                        print("      " + w)
    print()
    for size, t in totals.items():
        who = "chromium" if size.endswith("c") else "kiosk"
        size = size.rstrip("c")
        print(f"{who:8} {size:>9}: head@foot {t['head_foot']}, 1-char {t['one_char']}, short tails {t['short_tail']}, "
              f"pages >2 lines short {t['gap_pages']}, largest foot gap {t['gap']:.1f} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
