"""test_svg.py: the svg flame graph and the speedscope file, end to end.

fullprof profiles scripts/singledispatch.py, where two callers reach two
implementations through functools.singledispatch's one shared wrapper, and
writes both formats. The flame graph must be well-formed XML (Python's
parser, and xmllint when libxml2-utils is installed) that keeps the two
paths apart in the call tree and in the reverse graph; --width and
--threshold must shape it. When Debian's chromium is installed it renders
the graph once headless: the screenshot must not be blank, and a second run
clicks a frame and searches, through the graph's own script. The speedscope
file must validate against speedscope's schema (tests/data, MIT) when
python3-jsonschema is installed. What is not installed is reported as SKIP;
nothing is downloaded.
"""
import json
import os
import re
import shutil
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (SRCDIR, TempDir, check, eq, main, row, run, run_cmd,
                    script, skip, test, write)

SVG_NS = "{http://www.w3.org/2000/svg}"
SCHEMA = os.path.join(SRCDIR, "tests", "data",
                      "speedscope-file-format-schema.json")
WRAPPER = "singledispatch.<locals>.wrapper"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-quic", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

_cache = {}


def outputs(*opts):
    """Profiles scripts/singledispatch.py once per set of options; returns
    (svg text, speedscope document, JSON document)."""
    if opts in _cache:
        return _cache[opts]
    with TempDir() as d:
        paths = [os.path.join(d, n) for n in
                 ("out.svg", "out.speedscope.json", "out.json")]
        args = ["-q"]
        for p in paths:
            args += ["-o", p]
        rc, out, err = run(args + list(opts) + [script("singledispatch.py")])
        eq(rc, 0, "exit status (stderr: %s)" % err[-2000:])
        with open(paths[0], encoding="utf-8") as f:
            svg = f.read()
        with open(paths[1], encoding="utf-8") as f:
            speedscope = json.load(f)
        with open(paths[2], encoding="utf-8") as f:
            doc = json.load(f)
    _cache[opts] = (svg, speedscope, doc)
    return _cache[opts]


def frames(root, graph):
    """Returns the frames of a graph ("tree" or "callers") as dicts with
    name, title, x, y, w and path (the names from the graph's base on),
    rebuilt from their order and levels as the graph's script does: |y|
    grows with the level, down from the top in the call tree and up from
    the base in the reverse graph."""
    g = [e for e in root.iter(SVG_NS + "g") if e.get("id") == graph]
    check(len(g) == 1, "no graph %r" % graph)
    out, stack = [], []
    for e in g[0].iter(SVG_NS + "g"):
        if e.get("class") != "f":
            continue
        r, title = e.find(SVG_NS + "rect"), e.find(SVG_NS + "title").text
        f = dict(name=title.split("\n")[0], title=title,
                 x=float(r.get("x")), y=int(r.get("y")),
                 w=float(r.get("width")))
        while stack and abs(stack[-1]["y"]) >= abs(f["y"]):
            stack.pop()
        if stack:
            p = stack[-1]
            check(p["x"] - 0.01 <= f["x"] and
                  f["x"] + f["w"] <= p["x"] + p["w"] + 0.01,
                  "%s does not fit in %s" % (f["name"], p["name"]))
        f["path"] = [s["name"] for s in stack] + [f["name"]]
        stack.append(f)
        out.append(f)
    return out


def has_path(fr, *names):
    """Returns True when some frame's path ends with names."""
    n = len(names)
    return any(tuple(f["path"][-n:]) == names for f in fr)


@test
def svg_singledispatch_paths_stay_apart():
    svg, _, _ = outputs()
    root = ET.fromstring(svg.encode("utf-8"))
    eq(root.tag, SVG_NS + "svg", "root element")
    tree = frames(root, "tree")
    for caller, impl, other in (("caller_a", "for_int", "for_str"),
                                ("caller_b", "for_str", "for_int")):
        check(has_path(tree, caller, WRAPPER, impl),
              "no %s -> wrapper -> %s in the call tree" % (caller, impl))
        check(not has_path(tree, caller, WRAPPER, other),
              "%s -> wrapper -> %s in the call tree" % (caller, other))
    # The reverse graph: each implementation's callers, from the base up.
    callers = frames(root, "callers")
    for impl, caller, other in (("for_int", "caller_a", "caller_b"),
                                ("for_str", "caller_b", "caller_a")):
        check(has_path(callers, "all", impl, WRAPPER, caller),
              "no %s <- wrapper <- %s in the reverse graph" % (impl, caller))
        check(not has_path(callers, "all", impl, WRAPPER, other),
              "%s <- wrapper <- %s in the reverse graph" % (impl, other))
    # caller_a runs inside the coroutine too, with the same paths.
    check(has_path(tree, "sleeper", "caller_a", WRAPPER, "for_int"),
          "no sleeper -> caller_a -> wrapper -> for_int")
    wrapper = [f for f in tree if f["name"] == WRAPPER][0]
    check("functools.py:" in wrapper["title"], "wrapper's details: %r"
          % wrapper["title"])


@test
def svg_widths_are_running_time():
    svg, _, doc = outputs()
    root = ET.fromstring(svg.encode("utf-8"))
    tree = frames(root, "tree")
    # The coroutine's frame: suspended ~0.1s in its details, not in its
    # width, which its children fill but for its own time.
    sleeper = [f for f in tree if f["name"] == "sleeper"]
    check(len(sleeper) == 1, "sleeper frames: %r" % sleeper)
    m = re.search(r"\nsuspended ([0-9.]+)(ms|s) at await or yield, "
                  r"total with suspension", sleeper[0]["title"])
    check(m is not None, "sleeper's details: %r" % sleeper[0]["title"])
    secs = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    # asyncio.sleep(0.1): on a busy machine the loop may wake up late,
    # never early.
    check(0.09 < secs < 5, "suspended %r" % secs)
    # The width is the time sleeper ran, its total but for the time it was
    # suspended, both from the same run's JSON. (Not two thirds of
    # caller_a's total: on a busy machine its three calls are not equal.)
    total = sum(r["own"] for r in doc["functions"])
    srow = row(doc, "sleeper")
    running = srow["total"] - srow["suspended"]
    share = sleeper[0]["w"] / tree[0]["w"] * total
    check(abs(share - running) <= 0.01 * running + 0.002,
          "sleeper's width is %.4fs of running time, it ran %.4fs (total "
          "%.4fs, suspended %.4fs)" % (share, running, srow["total"],
                                       srow["suspended"]))
    check(share < srow["total"] - 0.09, "sleeper's width %.4fs holds its "
          "suspension (total %.4fs)" % (share, srow["total"]))
    check("not time suspended at await or yield" in svg, "no subtitle")


@test
def svg_width_and_threshold_options():
    svg, _, _ = outputs("--width=800", "--threshold=2%")
    root = ET.fromstring(svg.encode("utf-8"))
    eq(root.get("width"), "800", "svg width")
    tree = frames(root, "tree")
    eq(tree[0]["w"], 780.0, "width of 'all'")
    check(all(f["w"] >= 0.02 * 780 - 0.01 for f in tree),
          "a frame under 2%% is drawn: %r" % min(f["w"] for f in tree))
    notes = [e.text for e in root.iter(SVG_NS + "text")
             if e.get("class") == "note"]
    check(re.match(r"\d+ frames? under 2% of the running time (is|are) "
                   r"not drawn$", notes[0]) is not None, "note %r" % notes)
    full, _, _ = outputs()
    check(len(frames(ET.fromstring(full.encode("utf-8")), "tree")) >
          len(tree), "the threshold hides nothing")


@test
def svg_xmllint():
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        skip("xmllint is not installed (libxml2-utils)")
    svg, _, _ = outputs()
    with TempDir() as d:
        path = write(os.path.join(d, "out.svg"), svg)
        rc, out, err = run_cmd([xmllint, "--noout", path])
        eq((rc, out, err), (0, "", ""), "xmllint --noout")


def read_png(path):
    """Returns (width, height, bytes per pixel, rows) of an 8-bit RGB or
    RGBA PNG file, with the rows unfiltered."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG file" % path)
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    check(ihdr is not None, "no IHDR")
    w, h, depth, ctype, _, _, interlace = ihdr
    check(depth == 8 and ctype in (2, 6) and interlace == 0,
          "unexpected PNG kind %r" % (ihdr,))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride, rows, prev, i = w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        ft, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if ft == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif ft in (1, 3, 4):
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                if ft == 1:
                    line[x] = (line[x] + a) & 255
                elif ft == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                else:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (
                        b if pb <= pc else c)
                    line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def chromium(args, d):
    """Runs headless chromium with args and a profile directory in d;
    skips when it is not installed. Returns (rc, stdout, stderr)."""
    exe = shutil.which("chromium")
    if exe is None:
        skip("chromium is not installed")
    return run_cmd([exe] + CHROMIUM_FLAGS +
                   ["--user-data-dir=" + os.path.join(d, "chromium")] +
                   list(args), timeout=120)


@test
def svg_renders_in_chromium():
    svg, _, _ = outputs()
    with TempDir() as d:
        path = write(os.path.join(d, "out.svg"), svg)
        png = os.path.join(d, "out.png")
        rc, out, err = chromium(["--screenshot=" + png,
                                 "--window-size=1400,900",
                                 "file://" + path], d)
        check(os.path.exists(png), "no screenshot (status %r): %s" % (
            rc, err[-2000:]))
        w, h, bpp, rows = read_png(png)
        eq((w, h), (1400, 900), "screenshot size")
        colours, warm, seen = set(), 0, 0
        for line in rows[::3]:
            for x in range(0, w * bpp, bpp * 3):
                r, g, b = line[x], line[x + 1], line[x + 2]
                colours.add((r, g, b))
                seen += 1
                warm += r >= 200 and 40 <= g <= 235 and b <= 60
        check(len(colours) >= 20, "a blank screenshot: %d colours"
              % len(colours))
        check(warm > seen * 0.02, "hardly any flame-coloured pixels: %d "
              "of %d" % (warm, seen))


@test
def svg_script_zooms_and_searches_in_chromium():
    svg, _, doc = outputs()
    # Click caller_a's frame in the call tree, then search: the graph's
    # script hides what is not under caller_a and shows the share matched.
    driver = """<script type="text/ecmascript"><![CDATA[
window.prompt = function () { return "^for_(int|str)$"; };
function click(e) {
  e.dispatchEvent(new MouseEvent("click", {bubbles: true}));
}
var fs = document.querySelectorAll("#tree g.f"), i;
for (i = 0; i < fs.length; i++)
  if (fs[i].querySelector("title").textContent.split("\\n")[0] ===
      "caller_a") { click(fs[i].querySelector("rect")); break; }
click(document.querySelector("#search rect"));
]]></script>
</svg>
"""
    check(svg.endswith("</svg>\n"), "the document does not end the svg")
    with TempDir() as d:
        path = write(os.path.join(d, "out.svg"), svg[:-len("</svg>\n")] +
                     driver)
        rc, out, err = chromium(["--dump-dom", "file://" + path], d)
        eq(rc, 0, "chromium's exit status (%s)" % err[-2000:])
    matched = re.findall(r'<text class="matched"[^>]*>Matched: ([0-9.]+)% '
                         r'of the running time</text>', out)
    check(len(matched) == 2, "matched shares: %r" % matched)
    total = sum(r["own"] for r in doc["functions"])
    want = 100 * (row(doc, "for_int")["total"] +
                  row(doc, "for_str")["total"]) / total
    for share in matched:
        check(abs(float(share) - want) < 0.05,
              "matched %s%%, expected %.2f%%" % (share, want))
    zoomed = re.findall(r'<g class="f( [az]+)*"><title>caller_a\n[^<]*'
                        r'</title><rect x="([0-9.]+)" y="[-0-9]+" '
                        r'width="([0-9.]+)"', out)
    check(("10.00", "1180.000") in [z[1:] for z in zoomed],
          "caller_a is not zoomed to the full width: %r" % zoomed)
    check(re.search(r'<g class="f z"><title>caller_b\n', out) is not None,
          "caller_b is not hidden")
    check(re.search(r'<g class="f m"><title>for_int\n', out) is not None,
          "for_int is not marked")


@test
def speedscope_validates_against_the_schema():
    _, doc, _ = outputs()
    try:
        import jsonschema
    except ImportError:
        skip("python3-jsonschema is not installed")
    if not os.path.exists(SCHEMA):
        skip("no %s" % SCHEMA)
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.validate(doc, schema)


@test
def speedscope_events_and_paths():
    _, doc, _ = outputs()
    eq(doc["$schema"], "https://www.speedscope.app/file-format-schema.json",
       "$schema")
    frames = doc["shared"]["frames"]
    check(len(doc["profiles"]) >= 1, "no profiles")
    stacks = set()
    for p in doc["profiles"]:
        eq((p["type"], p["unit"], p["startValue"]),
           ("evented", "nanoseconds", 0), "profile kind")
        st, at = [], 0
        for e in p["events"]:
            check(e["at"] >= at, "time goes back at %r" % e)
            at = e["at"]
            if e["type"] == "O":
                st.append(frames[e["frame"]]["name"])
                stacks.add(tuple(st))
            else:
                eq(frames[e["frame"]]["name"], st.pop(), "closed frame")
        eq(st, [], "frames left open")
        check(at <= p["endValue"], "events after endValue")

    def has(*names):
        return any(s[-len(names):] == names for s in stacks)

    check(has("caller_a", WRAPPER, "for_int"), "no caller_a path")
    check(has("caller_b", WRAPPER, "for_str"), "no caller_b path")
    check(not has("caller_a", WRAPPER, "for_str"), "crossed caller_a path")
    check(not has("caller_b", WRAPPER, "for_int"), "crossed caller_b path")
    f = [x for x in frames if x["name"] == "caller_a"][0]
    check(f["file"] == script("singledispatch.py") and f["line"] > 0,
          "caller_a's frame: %r" % f)


if __name__ == "__main__":
    main()
