#!/usr/bin/python3
"""Our layout beside Chromium's, measured by one set of metrics.

Lays the body paragraphs out with `kiosk layout`, renders the same paragraphs at the same
width and size in headless Chromium with every CSS opt-in (line-break: strict;
text-spacing-trim: trim-start; text-autospace: normal; text-align: justify; text-wrap:
pretty), reads Chromium's character boxes with Range.getClientRects(), and prints the same
figures for both: lines, breaks before a mark that may not start a line (R1) or after one
that may not end it (R2), split numbers, adjacent marks wider than 1.5 em (S2), non-last
lines flush with the measure, and the gaps between characters on justified lines.

  bench/compare_chromium.py [--size 1920x1080] [--input FILE] [--kiosk build/kiosk]

Installs nothing: run scripts/install-chromium.sh first (Debian's chromium). A benchmark,
not a test.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, html

R1 = set("、，。．：；！？‼⁇⁈⁉”’」』）］｝】〗〕〉》–—～〜‐·‧・,.:;!?)]}%‰℃°％…")
R2 = set("“‘「『（［｛【〖〔〈《([{￥¥$＄£")
MARKS = set("、，。．：；！？”’」』）］｝】〗〕〉》“‘「『（［｛【〖〔〈《")

def is_han(c):
    return 0x3400 <= ord(c) <= 0x9FFF or 0x20000 <= ord(c) <= 0x3FFFF

def is_al(c):
    return c.isascii() and c.isalnum()

def metrics(paragraphs):
    """paragraphs: list of (font_size, measure_right_edge_per_line, lines); each line a list of (char, x, w)."""
    m = dict(lines=0, r1=0, r2=0, r5=0, number_split=0, word_split=0, p1=0, s2=0, pair_max=0.0, flush=0, nonlast=0,
             gaps=[], han_latin=[])
    for fs, lines in paragraphs:
        for k, (right, chars) in enumerate(lines):
            m["lines"] += 1
            text = "".join(c for c, _, _ in chars)
            if k > 0 and text and text[0] in R1:
                m["r1"] += 1
            if k + 1 < len(lines) and text and text.rstrip()[-1:] in R2:
                m["r2"] += 1
            if k + 1 < len(lines):
                nxt = "".join(c for c, _, _ in lines[k + 1][1])
                end = text.rstrip()[-1:]
                if end.isdigit() and nxt[:1].isdigit():
                    m["number_split"] += 1
                if end.isascii() and end.isalpha() and nxt[:1].isascii() and nxt[:1].isalpha() and text == text.rstrip():
                    m["word_split"] += 1
                if (end == "—" and nxt[:1] == "—") or (end == "…" and nxt[:1] == "…"):
                    m["r5"] += 1
                m["nonlast"] += 1
                vis = [ch for ch in chars if not ch[0].isspace()]
                if vis and abs(max(x + w for _, x, w in vis) - right) <= 0.5:
                    m["flush"] += 1
            if k + 1 == len(lines) and len(lines) >= 2:
                core = [c for c in text if c not in MARKS and c not in R1 and not c.isspace()]
                if len(core) <= 1:
                    m["p1"] += 1
            for (a, xa, wa), (b, xb, wb) in zip(chars, chars[1:]):
                if a.isspace() or b.isspace():
                    continue
                gap = (xb - (xa + wa)) / fs
                if a in MARKS and b in MARKS:
                    m["pair_max"] = max(m["pair_max"], (wa + wb) / fs)
                    if (wa + wb) / fs > 1.52:
                        m["s2"] += 1
                if (is_han(a) and is_al(b)) or (is_al(a) and is_han(b)):
                    m["han_latin"].append(gap)
                elif k + 1 < len(lines):
                    m["gaps"].append(gap)
    return m

def report(name, m):
    g = sorted(m["gaps"])
    p95 = g[int(0.95 * (len(g) - 1))] if g else 0
    hl = m["han_latin"]
    flush = 100.0 * m["flush"] / m["nonlast"] if m["nonlast"] else 100.0
    hl_text = f"{min(hl):.3f}-{max(hl):.3f}" if hl else "-"
    return (f"{name:10} lines={m['lines']:4} R1={m['r1']} R2={m['r2']} R5={m['r5']} numbers-split={m['number_split']} "
            f"words-split={m['word_split']} P1={m['p1']} S2>1.5em={m['s2']} widest-pair={m['pair_max']:.2f}em "
            f"flush={flush:5.1f}% gap p95={p95:.3f}em max={g[-1] if g else 0:.3f}em han-latin={hl_text}em")

def ours(kiosk, size, source):
    args = [kiosk, "layout", "--size", size] + source
    doc = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    blocks = {}
    order = []
    for page in doc["items"][0]["pages"]:
        for line in page["lines"]:
            if line["role"] not in ("paragraph", "article", "list"):
                continue
            b = line["block"]
            if b not in blocks:
                blocks[b] = []
                order.append(b)
            blocks[b].append(line)
    paragraphs, texts = [], []
    for b in order:
        lines = blocks[b]
        fs = lines[0]["font_size"]
        right = lines[0]["x"] + lines[0]["measure"]
        paragraphs.append((fs, [(right, [(l["text"][g["c"]], g["x"], g["w"]) for g in l["glyphs"]]) for l in lines]))
        texts.append("".join(l["text"] for l in lines))
    return paragraphs, texts, fs, max(l["measure"] for b in order for l in blocks[b])

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body { margin: 0; font-family: "Noto Sans CJK SC"; font-size: %(fs)spx; }
p { width: %(w)spx; margin: 0 0 1em 0; text-indent: 2em; line-break: strict; text-spacing-trim: trim-start;
    text-autospace: normal; text-align: justify; text-wrap: pretty; }
</style></head><body>%(ps)s
<script>
// Chromium puts justification (and autospace) inside the character boxes; the advance of
// each character alone comes from a copy set without them, on one line.
function bareWidths(p) {
  const copy = p.cloneNode(true);
  copy.style.cssText = "text-align: left; text-autospace: no-autospace; white-space: nowrap; width: auto; text-indent: 0";
  document.body.appendChild(copy);
  const node = copy.firstChild, text = node.textContent, widths = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i), n = cp > 0xFFFF ? 2 : 1;
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + n);
    widths.push(r.getBoundingClientRect().width);
    i += n;
  }
  copy.remove();
  return widths;
}
const out = [];
for (const p of document.querySelectorAll("p")) {
  const right = p.getBoundingClientRect().right;
  const bare = bareWidths(p);
  let k = 0;
  const node = p.firstChild, text = node.textContent, lines = [];
  let top = null, cur = null;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i), n = cp > 0xFFFF ? 2 : 1;
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + n);
    const rects = r.getClientRects();
    if (rects.length) {
      const b = rects[rects.length - 1];
      if (top === null || Math.abs(b.top - top) > 2) { top = b.top; cur = []; lines.push(cur); }
      cur.push([String.fromCodePoint(cp), b.left, bare[k]]);
    }
    i += n; k += 1;
  }
  out.push([right, lines]);
}
const pre = document.createElement("pre"); pre.id = "out"; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script></body></html>"""

def chromium(texts, fs, width):
    exe = shutil.which("chromium")
    if not exe:
        sys.exit("chromium is not installed: run scripts/install-chromium.sh")
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "page.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(PAGE % dict(fs=fs, w=width, ps="\n".join("<p>%s</p>" % html.escape(t) for t in texts)))
        dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync",
                              "--user-data-dir=" + os.path.join(tmp, "profile"), "--dump-dom", "file://" + page],
                             check=True, capture_output=True, text=True).stdout
    data = json.loads(html.unescape(re.search(r'<pre id="out">(.*?)</pre>', dom, re.S).group(1)))
    return [(fs, [(right, line) for line in lines]) for right, lines in data]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--input")
    ap.add_argument("--kiosk", default=os.path.join(os.path.dirname(__file__), "..", "build", "kiosk"))
    a = ap.parse_args()
    source = ["--input", a.input] if a.input else ["--item", "report"]
    mine, texts, fs, width = ours(a.kiosk, a.size, source)
    theirs = chromium(texts, fs, width)
    print(f"{a.size}, {len(texts)} paragraphs, {fs:.0f} px, measure {width:.0f} px")
    print(report("kiosk", metrics(mine)))
    print(report("chromium", metrics(theirs)))

if __name__ == "__main__":
    main()
