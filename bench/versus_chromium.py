#!/usr/bin/python3
"""The first page of the corpus at 1920x1080, side by side, as whole processes:

  kiosk render --item report --pages 1        (start, config, fonts, shaping, layout, PNG)
  chromium --headless --screenshot            (the same text, styled like the kiosk's page)

alternating, RUNS times each (default 10); wall time and peak memory of each — for
Chromium the largest of its processes (ru_maxrss from wait4 covers the process tree) — and
the ratios. Then `kiosk run` showing the demo for IDLE seconds (default 30) under Xvfb
(or SDL's dummy driver without it): CPU time used and peak RSS.

  scripts/install-chromium.sh; bench/versus_chromium.py [--runs 10] [--idle 30]

A benchmark, never a test: it needs Chromium, which CI does not install.
"""
import argparse, html, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, env=None):
    """Wall seconds and peak RSS (kB) of the process tree of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss


def chromium_page(out_dir):
    """The report's text as the kiosk's first page shows it: title, meta, paragraphs, 40 px."""
    with open(os.path.join(ROOT, "assets/samples/changchun-2019-xxgk-annual-report.txt"), encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip()]
    body = "".join(f"<p>{html.escape(l)}</p>" for l in lines[2:])
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
html,body{{margin:0;background:#FBF8F1;color:#1F1F1F;font-family:'Noto Sans CJK SC';}}
header{{height:92px;background:#B22222;color:#fff;font-size:32px;display:flex;align-items:center;justify-content:space-between;padding:0 59px}}
main{{padding:32px 59px;height:860px;overflow:hidden}}
h1{{font-size:56px;text-align:center;color:#B22222;margin:0}}
p{{font-size:40px;line-height:1.65;text-indent:2em;margin:0;text-align:justify;line-break:strict}}
footer{{position:absolute;top:1004px;left:59px;right:59px;font-size:32px;color:#6B6B6B;border-top:2px solid #B22222}}
</style></head><body><header><b>长春市政务服务中心</b><span>2019年政府信息公开工作年度报告</span></header>
<main><h1>{html.escape(lines[0])}</h1>{body}</main><footer>第 1/9 页</footer></body></html>"""
    path = os.path.join(out_dir, "page.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--idle", type=int, default=30)
    ap.add_argument("--kiosk", default=os.path.join(ROOT, "build/kiosk"))
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("no chromium: run scripts/install-chromium.sh")
    tmp = tempfile.mkdtemp()
    page = chromium_page(tmp)
    demo = os.path.join(ROOT, "config/kiosk.json")
    kiosk_cmd = [args.kiosk, "render", "--config", demo, "--out", tmp, "--item", "report", "--pages", "1", "--size", "1920x1080",
                 "--now", "2026-11-27T09:30"]
    chrome_cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={tmp}/profile", "--window-size=1920,1080",
                  f"--screenshot={tmp}/chromium.png", "file://" + page]
    timed(kiosk_cmd), timed(chrome_cmd)  # warm the page cache for both
    k, c = [], []
    for _ in range(args.runs):  # alternating, so both see the same machine
        k.append(timed(kiosk_cmd))
        c.append(timed(chrome_cmd))
    kw, km = statistics.median(w for w, _ in k), max(m for _, m in k)
    cw, cm = statistics.median(w for w, _ in c), max(m for _, m in c)
    print(f"first page of the corpus at 1920x1080, {args.runs} runs each, alternating (median wall, peak RSS)")
    print(f"  kiosk render --pages 1     {kw * 1000:8.1f} ms  {km / 1024:7.1f} MB")
    print(f"  chromium --screenshot      {cw * 1000:8.1f} ms  {cm / 1024:7.1f} MB (largest process)")
    print(f"  ratio kiosk/chromium       {kw / cw:8.3f}     {km / cm:7.3f}   (targets: <= 0.100 and <= 0.200)")

    if args.idle > 0:
        env = dict(os.environ)
        xvfb = None
        if shutil.which("Xvfb") and not env.get("DISPLAY"):
            xvfb = subprocess.Popen(["Xvfb", ":97", "-screen", "0", "1920x1080x24"], stderr=subprocess.DEVNULL)
            env["DISPLAY"] = ":97"
            time.sleep(1)
        if not env.get("DISPLAY"):
            env["SDL_VIDEODRIVER"] = "dummy"
        env["XDG_RUNTIME_DIR"] = tmp
        env["XDG_STATE_HOME"] = tmp
        env["XDG_CACHE_HOME"] = tmp
        run = subprocess.Popen([args.kiosk, "run", "--config", demo], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)  # started, first page up

        def cpu_ticks():
            with open(f"/proc/{run.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])

        t0, c0 = time.perf_counter(), cpu_ticks()
        time.sleep(args.idle)
        t1, c1 = time.perf_counter(), cpu_ticks()
        with open(f"/proc/{run.pid}/status") as f:
            status = dict(l.split(":", 1) for l in f if ":" in l)
        run.terminate()
        run.wait()
        if xvfb:
            xvfb.terminate()
        hz = os.sysconf("SC_CLK_TCK")
        print(f"kiosk run showing the demo for {args.idle} s ({'Xvfb' if xvfb else env.get('SDL_VIDEODRIVER', 'display')}):"
              f" CPU {100 * (c1 - c0) / hz / (t1 - t0):.2f}% of one core,"
              f" peak RSS {int(status['VmHWM'].split()[0]) / 1024:.1f} MB")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
