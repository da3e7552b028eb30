// The explainability report's explorer (glassbox/explain/explorer.py embeds it).
// No library, no network: it reads the JSON embedded in the page.
(function () {
  const d = JSON.parse(document.getElementById("explorer-data").textContent);
  const n = d.features.length;
  // Each method's attributions: one signed byte per value, in steps of `step`.
  const codes = {};
  d.methods.forEach((m) => {
    const bytes = Uint8Array.from(atob(d.attributions[m].codes), (c) => c.charCodeAt(0));
    codes[m] = new Int8Array(bytes.buffer);
  });
  const attributions = (m, i) => Array.from(codes[m].subarray(i * n, (i + 1) * n),
    (q) => Number((q * d.attributions[m].step).toPrecision(3)));
  const $ = (id) => document.getElementById(id);
  const list = $("explorer-list"), view = $("explorer-view");
  const cls = $("explorer-class"), which = $("explorer-which"), search = $("explorer-row");
  const text = (tag, s) => { const e = document.createElement(tag); e.textContent = s; return e; };
  function colour(v, limit) {
    const t = Math.max(-1, Math.min(1, v / limit)), c = Math.round(255 * (1 - Math.abs(t)));
    return t >= 0 ? `rgb(255,${c},${c})` : `rgb(${c},${c},255)`;
  }
  function canvas(values, paint) {
    const [h, w] = d.image, s = 14, cv = document.createElement("canvas");
    cv.width = w * s; cv.height = h * s; const g = cv.getContext("2d");
    values.forEach((v, f) => {
      const p = d.pixels[f]; if (p < 0) return;
      g.fillStyle = paint(v); g.fillRect((p % w) * s, Math.floor(p / w) * s, s, s);
    });
    return cv;
  }
  function matching() {
    return d.rows.filter((r) => (!cls || !cls.value || r.true === cls.value) &&
      (!which || !which.value || (which.value === "correct") === (r.true === r.predicted)));
  }
  function fill() {
    const rows = matching();
    list.replaceChildren(...rows.map((r) => {
      const o = text("option", `row ${r.id}: true ${r.true}, predicted ${r.predicted}`);
      o.value = r.id; return o;
    }));
    $("explorer-count").textContent = `${rows.length} of ${d.rows.length} explained rows`;
    if (rows.length) show(rows[0].id); else view.replaceChildren(text("p", "No row matches."));
  }
  function show(id) {
    const i = d.rows.findIndex((r) => r.id === Number(id));
    if (i < 0) {
      view.replaceChildren(text("p", `Test row ${id} is not among the explained rows.`));
      return;
    }
    const r = d.rows[i], parts = [];
    list.value = String(r.id);
    parts.push(text("h3", `Test row ${r.id}: true ${r.true}, predicted ${r.predicted}`));
    if (r.probabilities) {
      const top = r.probabilities.map((p, k) => [p, d.classes[k]]).sort((a, b) => b[0] - a[0]).slice(0, 3);
      parts.push(text("p", "probabilities: " + top.map(([p, c]) => `${c} ${p.toFixed(3)}`).join(", ")));
    }
    const grid = document.createElement("div"); grid.className = "explorer-grid";
    if (d.image) {
      const lo = Math.min(...r.values), span = (Math.max(...r.values) - lo) || 1;
      const grey = (v) => { const c = Math.round(255 * (1 - (v - lo) / span)); return `rgb(${c},${c},${c})`; };
      const cell = document.createElement("figure");
      cell.append(canvas(r.values, grey), text("figcaption", "image"));
      grid.append(cell);
    }
    d.methods.forEach((m) => {
      const a = attributions(m, i), cell = document.createElement("figure");
      if (d.image) {
        cell.append(canvas(a, (v) => colour(v, d.limits[m])), text("figcaption", m.replace(/_/g, " ")));
      } else {
        const order = a.map((v, f) => f).sort((x, y) => Math.abs(a[y]) - Math.abs(a[x])).slice(0, 8);
        const t = document.createElement("table");
        t.append(text("caption", m.replace(/_/g, " ")));
        order.forEach((f) => {
          const tr = document.createElement("tr");
          tr.append(text("td", d.features[f]), text("td", String(r.values[f])), text("td", (a[f] >= 0 ? "+" : "") + a[f]));
          tr.lastChild.style.background = colour(a[f], d.limits[m]); t.append(tr);
        });
        cell.append(t);
      }
      grid.append(cell);
    });
    parts.push(grid);
    view.replaceChildren(...parts);
  }
  [cls, which].forEach((e) => e && e.addEventListener("change", fill));
  list.addEventListener("change", () => show(list.value));
  search.addEventListener("change", () => show(search.value));
  fill();
})();
