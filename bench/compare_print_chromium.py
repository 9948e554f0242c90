#!/usr/bin/python3
"""新旧对照 (issue 30) on Chromium's side: the same pairs as the kiosk's, printed by Chromium.

Reads the comparisons bench/compare_bench wrote (`--json DIR`: NAME.json in kiosk-compare/1 and
sizes.json with each page size's body box, body px and line pitch), sets each as the HTML a
careful web developer would write for print — a two-column table, 修订前 | 修订后 in a <thead>
repeated on every printed page, <del>/<ins> at the same marks, 新增/删除 in the empty cell,
lang="zh-CN", Noto Sans CJK SC at the kiosk's body px, line-break: strict, text-align: justify,
tr { break-inside: avoid }, orphans/widows 2, @page the screen's size with the kiosk's margins —
prints it with WebDriver's print (driver.print_page: page size in cm from px at 96 dpi, no
shrinking), and measures the PDF with poppler's `pdftotext -bbox-layout`: each column's lines are
mapped back to pairs by walking the cells' text in order, then counted as compare_bench counts
them: misaligned starts (a row whose first lines in the two columns are not on one baseline),
one-line stubs (a row piece of one line on a page), stranded numbers (a column's last line on a
page holding a 第X条 whose text goes on overleaf) and characters lost or clipped.

  /usr/bin/python3 bench/compare_print_chromium.py DIR [--keep OUT] [--runs N]

Needs Debian's chromium, chromium-driver, python3-selenium and poppler-utils
(scripts/install-deps.sh). A benchmark, not a test.
"""
import argparse, glob, html, json, os, re, shutil, statistics, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

ARTICLE_NUMBER = re.compile(r"^\s*第[一二三四五六七八九十百千零〇两0-9]+条")
HEAD_OLD, HEAD_NEW = "修订前", "修订后"
PLACEHOLDER = {"added": "新增", "deleted": "删除"}


def marked(paragraph, marks, p, tag):
    """One paragraph as HTML with its marks [[p, begin, end]] (code points) wrapped in `tag`."""
    spans = sorted((b, e) for q, b, e in marks if q == p)
    out, at = [], 0
    for b, e in spans:
        out.append(html.escape(paragraph[at:b]))
        out.append(f"<{tag}>{html.escape(paragraph[b:e])}</{tag}>")
        at = e
    out.append(html.escape(paragraph[at:]))
    return "".join(out)


def side_cell(pair, side):
    s = pair[side]
    tag = "del" if side == "old" else "ins"
    if not s.get("paragraphs"):
        return f'<td class="none">{PLACEHOLDER.get(pair["change"], "")}</td>', [PLACEHOLDER.get(pair["change"], "")]
    paras = [f"<p>{marked(t, s.get('marks', []), i, tag)}</p>" for i, t in enumerate(s["paragraphs"])]
    texts = list(s["paragraphs"])
    note = pair.get("note") or ""
    # The note goes under the pair, in the new side's cell (the old side's when there is no new one).
    if note and (side == "new" or not pair["new"].get("paragraphs")):
        paras.append(f'<p class="note">{html.escape(note)}</p>')
        texts.append(note)
    return f"<td>{''.join(paras)}</td>", texts


def page_html(doc, size):
    W, H = size["width"], size["height"]
    bx, by, bw, bh = size["body"]
    margins = (by, W - bx - bw, H - by - bh, bx)  # top right bottom left, px
    fs, lh = size["body_px"], size["line_height"]
    rows, streams = [], {"old": [], "new": []}
    for k, pair in enumerate(doc["pairs"]):
        if pair.get("heading"):
            cells = []
            for side in ("old", "new"):
                t = "".join(pair[side].get("paragraphs", [])) or PLACEHOLDER.get(pair["change"], "")
                cells.append(f"<td>{html.escape(t)}</td>")
                streams[side].append((k, [t]))
            rows.append(f'<tr class="heading">{"".join(cells)}</tr>')
            continue
        old_cell, old_texts = side_cell(pair, "old")
        new_cell, new_texts = side_cell(pair, "new")
        streams["old"].append((k, old_texts))
        streams["new"].append((k, new_texts))
        rows.append(f"<tr>{old_cell}{new_cell}</tr>")
    s = doc.get("summary", {})
    summary = (f"新增 {s.get('added', 0)} 条，删除 {s.get('deleted', 0)} 条，修改 {s.get('modified', 0)} 条，"
               f"未改 {s.get('unchanged', 0)} 条" + (f"　{s['effective']}起施行" if s.get("effective") else ""))
    css = f"""
@page {{ size: {W}px {H}px; margin: {margins[0]}px {margins[1]}px {margins[2]}px {margins[3]}px; }}
html {{ font-family: "{size['font_family']}", "Noto Sans CJK SC", sans-serif; font-size: {fs}px; line-height: {lh}; }}
body {{ margin: 0; color: #111; }}
h1 {{ font-size: {size['heading_px']}px; text-align: center; margin: 0 0 0.3em; break-after: avoid; }}
p.summary {{ text-align: center; margin: 0 0 0.6em; color: #444; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
thead {{ display: table-header-group; }}
th {{ width: 50%; background: #e8eef5; font-weight: bold; padding: 0.1em 0.6em; text-align: center; }}
td {{ width: 50%; vertical-align: top; padding: 0 0.6em 0.5em; }}
td + td, th + th {{ border-left: 1px solid #999; }}
tr {{ break-inside: avoid; }}
tr.heading td {{ font-weight: bold; text-align: center; padding-top: 0.3em; }}
td p {{ margin: 0; text-align: justify; line-break: strict; orphans: 2; widows: 2; }}
td p + p {{ margin-top: 0.15em; }}
td.none {{ color: #888; text-align: center; }}
p.note {{ color: #666; font-size: 0.8em; }}
del {{ color: #888; text-decoration: line-through; text-decoration-thickness: 0.06em; }}
ins {{ color: #0b57a4; text-decoration: underline; text-decoration-thickness: 0.06em; text-underline-offset: 0.12em; }}
"""
    body = (f"<h1>{html.escape(doc.get('title', ''))}</h1><p class=\"summary\">{html.escape(summary)}</p>"
            f"<table><thead><tr><th>{HEAD_OLD}</th><th>{HEAD_NEW}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(doc.get("title", ""))}'
            f"</title><style>{css}</style></head><body>{body}</body></html>"), streams


def start_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--font-render-hinting=none"):
        opts.add_argument(a)
    if shutil.which("chromium"):
        opts.binary_location = shutil.which("chromium")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)


def print_pdf(driver, path, size, out_pdf, runs):
    import base64
    from selenium.webdriver.common.print_page_options import PrintOptions
    cm = lambda px: px * 2.54 / 96
    po = PrintOptions()
    po.page_width, po.page_height = cm(size["width"]), cm(size["height"])
    bx, by, bw, bh = size["body"]
    po.margin_top, po.margin_right = cm(by), cm(size["width"] - bx - bw)
    po.margin_bottom, po.margin_left = cm(size["height"] - by - bh), cm(bx)
    po.shrink_to_fit = False
    po.background = True
    times = []
    for _ in range(runs):
        driver.get("file://" + path)
        driver.execute_script("return document.fonts.ready")
        t0 = time.perf_counter()
        data = driver.print_page(po)
        times.append((time.perf_counter() - t0) * 1000)
    with open(out_pdf, "wb") as f:
        f.write(base64.b64decode(data))
    return statistics.median(times)


def pdf_lines(pdf):
    """[(page, page_w, page_h, [(text, xMin, yMin, xMax, yMax, [word boxes])])] in points."""
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, check=True).stdout
    text = out.decode("utf-8")
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    root = ET.fromstring(text)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for i, pg in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page")):
        lines = []
        for ln in pg.iter("{http://www.w3.org/1999/xhtml}line"):
            words = [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
                     for w in ln.findall("x:word", ns)]
            t = "".join(w[0] for w in words)
            if t:
                lines.append((t, float(ln.get("xMin")), float(ln.get("yMin")), float(ln.get("xMax")), float(ln.get("yMax")), words))
        pages.append((i, float(pg.get("width")), float(pg.get("height")), lines))
    return pages


def column_lines(pages, boundary_pt):
    """Each column's lines in reading order: words grouped by page, column and baseline
    (pdftotext's own lines may join the two columns of one row)."""
    cols = {"old": [], "new": []}
    started = False
    for page, pw, ph, lines in pages:
        groups = {}
        for *_, words in lines:
            for w in words:
                t, x0, y0, x1, y1 = w
                side = "old" if (x0 + x1) / 2 < boundary_pt else "new"
                key = (side, round(y1 * 2) / 2)
                groups.setdefault(key, []).append(w)
        heads = [y for (side, y), ws in groups.items() if "".join(w[0] for w in sorted(ws, key=lambda w: w[1])) in (HEAD_OLD, HEAD_NEW)]
        head_y = min(heads) if heads else None
        for (side, y), ws in sorted(groups.items(), key=lambda kv: kv[0][1]):
            ws.sort(key=lambda w: w[1])
            text = "".join(w[0] for w in ws)
            if text in (HEAD_OLD, HEAD_NEW):
                started = True
                continue
            if not started or (head_y is not None and y <= head_y):
                continue  # the title and summary above the first header, or the header band
            clipped = sum(len(w[0]) for w in ws if w[1] < -0.5 or w[3] > pw + 0.5 or w[4] > ph + 0.5)
            cols[side].append(dict(page=page, y=y, text=re.sub(r"\s+", "", text), clipped=clipped))
    return cols


def attribute(cols, streams):
    """Walks each column's lines along its cells' text: each line gets the pair of its first
    character; characters of the cells never met on a page are lost."""
    lost = clipped = 0
    for side in ("old", "new"):
        chars, owner = [], []
        for k, texts in streams[side]:
            for t in texts:
                for ch in re.sub(r"\s+", "", t):
                    chars.append(ch)
                    owner.append(k)
        stream = "".join(chars)
        pos = 0
        for line in cols[side]:
            t = line["text"]
            q = stream.find(t, pos, pos + 4 * len(t) + 400)
            if q >= 0:
                lost += q - pos
                line["pair"] = owner[q]
                pos = q + len(t)
            else:  # character by character, near where we are
                line["pair"] = owner[pos] if pos < len(owner) else -1
                for ch in t:
                    q = stream.find(ch, pos, pos + 40)
                    if q >= 0:
                        lost += q - pos
                        pos = q + 1
            clipped += line["clipped"]
        lost += len(stream) - pos
    return lost, clipped


def measure(cols, n_pairs, landscape_only=False):
    by_pair = {}
    for side in ("old", "new"):
        for line in cols[side]:
            k = line.get("pair", -1)
            if k < 0:
                continue
            by_pair.setdefault(k, {"old": [], "new": []})[side].append(line)
    misaligned = stubs = stranded = 0
    findings = []
    for k, sides in sorted(by_pair.items()):
        if sides["old"] and sides["new"]:
            a, b = sides["old"][0], sides["new"][0]
            if a["page"] != b["page"] or abs(a["y"] - b["y"]) > 1.0:
                misaligned += 1
                findings.append(("misaligned start", k, a["page"] + 1))
        pages = sorted({l["page"] for s in sides.values() for l in s})
        if len(pages) > 1:
            for p in pages:
                if max(sum(1 for l in sides[s] if l["page"] == p) for s in ("old", "new")) == 1:
                    stubs += 1
                    findings.append(("one-line stub", k, p + 1))
    for side in ("old", "new"):
        lines = cols[side]
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt and nxt["page"] != line["page"] and nxt.get("pair") == line.get("pair") and ARTICLE_NUMBER.match(line["text"]):
                stranded += 1
                findings.append(("stranded number", line.get("pair"), line["page"] + 1))
    return dict(pairs=len(by_pair), misaligned=misaligned, stubs=stubs, stranded=stranded), findings


def fragments(doc):
    counts = [len(p["old"].get("marks", [])) + len(p["new"].get("marks", []))
              for p in doc["pairs"] if not p.get("heading") and p["change"] == "modified"]
    return (sum(counts) / len(counts) if counts else 0.0), (max(counts) if counts else 0)


def pair_label(doc, k):
    if k is None or k < 0 or k >= len(doc["pairs"]):
        return "?"
    p = doc["pairs"][k]
    o, n = p["old"].get("number", ""), p["new"].get("number", "")
    return (f"{o}→{n}" if o and n and o != n else (n or o)) or "(unnumbered)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="compare_bench --json DIR")
    ap.add_argument("--keep", help="keep the HTML and PDF files here")
    ap.add_argument("--runs", type=int, default=3, help="prints per text and size (median time)")
    ap.add_argument("--verbose", action="store_true", help="every pair behind a count, not the first three")
    args = ap.parse_args()
    if not shutil.which("pdftotext"):
        sys.exit("compare_print_chromium: pdftotext missing (apt-get install poppler-utils)")
    sizes = json.load(open(os.path.join(args.dir, "sizes.json"), encoding="utf-8"))
    docs = sorted(f for f in glob.glob(os.path.join(args.dir, "*.json")) if not f.endswith("sizes.json"))
    # the 条例 first, as compare_bench prints it
    docs.sort(key=lambda f: (os.path.basename(f) != "xxgk.json", f))
    work = args.keep or tempfile.mkdtemp(prefix="compare-print-")
    os.makedirs(work, exist_ok=True)
    driver = start_driver()
    print(f"新旧对照 printed by Chromium ({driver.capabilities.get('browserVersion', '?')}; print: median of {args.runs} runs)")
    print("%-10s %-9s %5s %5s %5s %5s %5s %5s %6s %6s %9s" % ("text", "size", "pages", "pairs", "misal", "stubs", "stran",
                                                            "lost", "frag/a", "fragmx", "printMs"))
    details = []
    try:
        for f in docs:
            name = os.path.splitext(os.path.basename(f))[0]
            doc = json.load(open(f, encoding="utf-8"))
            fmean, fmax = fragments(doc)
            for size in sizes:
                tag = f"{name}-{size['width']}x{size['height']}"
                page, streams = page_html(doc, size)
                html_path = os.path.abspath(os.path.join(work, tag + ".html"))
                with open(html_path, "w", encoding="utf-8") as out:
                    out.write(page)
                pdf = os.path.join(work, tag + ".pdf")
                ms = print_pdf(driver, html_path, size, pdf, args.runs)
                pages = pdf_lines(pdf)
                boundary_pt = (size["body"][0] + size["body"][2] / 2) * 0.75
                cols = column_lines(pages, boundary_pt)
                lost, clipped = attribute(cols, streams)
                m, findings = measure(cols, len(doc["pairs"]))
                print("%-10s %-9s %5d %5d %5d %5d %5d %5d %6.2f %6d %9.1f" % (
                    name, f"{size['width']}x{size['height']}", len(pages), m["pairs"], m["misaligned"], m["stubs"],
                    m["stranded"], lost + clipped, fmean, fmax, ms))
                found = [f"{name} {size['width']}x{size['height']}: {w} at pair {k} ({pair_label(doc, k)}), page {p}"
                         for w, k, p in findings]
                details += found if args.verbose else found[:3] + ([f"… and {len(found) - 3} more"] if len(found) > 3 else [])
    finally:
        driver.quit()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for d in details:
        print("  " + d)


if __name__ == "__main__":
    main()
