/*
 * flamegraph.js: the script that makes fullprof's svg flame graph
 * interactive (see runtime/report/svg.c): click a frame to zoom to it,
 * search function names by regular expression, hover a frame for its
 * figures. It is embedded at build time (embed.awk makes a C string of it,
 * without this comment) and runs at the end of the document, inside a
 * function that defines FL and FW (left edge and width of the frames'
 * area), H (the document's height) and BH (the details bar's).
 */
var NS = "http://www.w3.org/2000/svg", CW = 7.2;
var graphs = [], details, bar, help, hint, last = "";
function init() {
  var probe = document.getElementById("probe"), gs, i;
  try { if (probe.getComputedTextLength() > 0)
    CW = probe.getComputedTextLength() / 20; } catch (e) {}
  details = document.getElementById("details");
  bar = document.getElementById("bar");
  help = hint = details.textContent;
  gs = document.querySelectorAll("g.graph");
  for (i = 0; i < gs.length; i++) graphs.push(load(gs[i]));
  document.addEventListener("click", click);
  document.addEventListener("mouseover", over);
  document.addEventListener("mouseout", function () {
    details.textContent = hint; });
  document.addEventListener("keydown", key);
  window.addEventListener("scroll", pin);
  window.addEventListener("resize", pin);
  pin();
}
/* Keeps the details bar at the bottom of the window. */
function pin() {
  var y = Math.min(H - BH, window.scrollY + window.innerHeight - BH);
  bar.setAttribute("transform", "translate(0," + Math.max(y, 0) + ")");
}
/* Frames come depth first, and a child is one level further from the
   graph's base than its parent: a stack of its ancestors rebuilds the
   tree. (Levels go down from y 0 in the call tree, up from y -16 in the
   reverse graph: |y| grows with the level in both.) */
function load(g) {
  var es = g.querySelectorAll("g.f"), gr = {frames: [],
    matched: g.querySelector(".matched")}, st = [], i, e, r, f;
  for (i = 0; i < es.length; i++) {
    e = es[i]; r = e.querySelector("rect");
    f = {e: e, r: r, t: e.querySelector("text"), i: i, end: es.length,
      kids: [], up: null, g: gr, nx: 0,
      w: parseFloat(r.getAttribute("width")),
      y: parseFloat(r.getAttribute("y")),
      name: e.querySelector("title").textContent.split("\n")[0]};
    while (st.length && Math.abs(st[st.length - 1].y) >= Math.abs(f.y))
      st.pop().end = i;
    if (st.length) { f.up = st[st.length - 1]; f.up.kids.push(f); }
    st.push(f); e.fp = f; gr.frames.push(f);
  }
  gr.root = gr.frames[0];
  return gr;
}
function label(f, x, w) {
  var n = Math.floor((w - 6) / CW), s = "";
  if (n >= 3) s = f.name.length > n ? f.name.slice(0, n - 2) + ".." : f.name;
  if (!f.t) {
    if (!s) return;
    f.t = document.createElementNS(NS, "text");
    f.t.setAttribute("y", f.y + 12);
    f.e.appendChild(f.t);
  }
  f.t.setAttribute("x", (x + 3).toFixed(2));
  f.t.textContent = s;
}
function place(f, x, w, faded) {
  f.r.setAttribute("x", x.toFixed(2));
  f.r.setAttribute("width", w.toFixed(3));
  f.e.classList.remove("z");
  f.e.classList.toggle("a", faded);
  label(f, x, w);
}
/* Shows f across the whole width, its subtree laid out from the widths
   alone, its ancestors faded, and hides the rest. */
function zoom(gr, f) {
  var fr = gr.frames, s = FW / f.w, i, k, q, c, x;
  for (i = 0; i < fr.length; i++)
    if (i < f.i || i >= f.end) fr[i].e.classList.add("z");
  for (q = f.up; q; q = q.up) place(q, FL, FW, true);
  f.nx = FL;
  place(f, FL, FW, false);
  for (i = f.i; i < f.end; i++) {
    q = fr[i]; x = q.nx;
    for (k = 0; k < q.kids.length; k++) {
      c = q.kids[k]; c.nx = x;
      place(c, x, c.w * s, false);
      x += c.w * s;
    }
  }
}
function reset() {
  for (var i = 0; i < graphs.length; i++)
    if (graphs[i].root) zoom(graphs[i], graphs[i].root);
}
/* Marks the frames whose name matches re (null: none) and shows the
   share of the running time under a marked frame, each counted once. */
function search(re) {
  var gi, gr, fr, i, sum;
  for (gi = 0; gi < graphs.length; gi++) {
    gr = graphs[gi]; fr = gr.frames; sum = 0;
    for (i = 1; i < fr.length; i++)
      fr[i].e.classList.toggle("m", re !== null && re.test(fr[i].name));
    for (i = 1; i < fr.length;) {
      if (re !== null && fr[i].e.classList.contains("m")) {
        sum += fr[i].w; i = fr[i].end;
      } else i++;
    }
    if (gr.matched) gr.matched.textContent = re === null ? "" :
      "Matched: " + (100 * sum / gr.root.w).toFixed(2) +
      "% of the running time";
    if (gi === 0) hint = re === null ? help : "Search " + re + ": " +
      gr.matched.textContent + " (Esc to clear)";
  }
  details.textContent = hint;
}
function ask() {
  var s = window.prompt("Search function names (a regular expression; " +
    "empty to clear)", last), re;
  if (s === null) return;
  last = s;
  if (s === "") { search(null); return; }
  try { re = new RegExp(s); } catch (e) {
    window.alert("Not a regular expression: " + s); return; }
  search(re);
}
function click(ev) {
  var t = ev.target, b = t.closest ? t.closest(".btn") : null,
    e = t.closest ? t.closest("g.f") : null;
  if (b && b.id === "search") ask();
  else if (b && b.id === "clear") { last = ""; search(null); }
  else if (b && b.id === "reset") reset();
  else if (e && e.fp) zoom(e.fp.g, e.fp);
}
function over(ev) {
  var e = ev.target.closest ? ev.target.closest("g.f") : null;
  if (e) details.textContent =
    e.querySelector("title").textContent.split("\n").join("  |  ");
}
function key(ev) {
  if ((ev.ctrlKey || ev.metaKey) && (ev.key === "f" || ev.key === "F")) {
    ev.preventDefault(); ask();
  } else if (ev.key === "Escape") { reset(); search(null); }
}
init();
