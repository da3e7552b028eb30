// The what-if page (glassbox/deploy/what_if.py inlines it): edit a row, ask the service.
(function () {
  const d = JSON.parse(document.getElementById("what-if-data").textContent);
  const form = document.getElementById("row");
  const shown = document.getElementById("prediction");
  const table = document.getElementById("attributions");
  const text = (tag, s) => { const e = document.createElement(tag); e.textContent = s; return e; };
  if (d.grid) { form.className = "image"; form.style.setProperty("--columns", d.grid[1]); }
  const inputs = d.columns.map((c) => {
    const label = text("label", c.name);
    let input;
    if (c.kind === "category") {
      input = document.createElement("select");
      c.options.forEach((o) => input.append(text("option", o)));
    } else {
      input = document.createElement("input");
      input.type = "number"; input.step = "any";
    }
    input.name = c.name; input.value = c.value === null ? "" : c.value;
    label.append(input);
    if (d.grid) {
      label.style.gridRow = 1 + Math.floor(c.cell / d.grid[1]);
      label.style.gridColumn = 1 + (c.cell % d.grid[1]);
    }
    form.append(label);
    return [c, input];
  });
  function record() {
    const row = {};
    inputs.forEach(([c, input]) => {
      row[c.name] = c.kind === "number" ? (input.value === "" ? null : Number(input.value))
        : input.value;
    });
    return row;
  }
  async function ask(path, body) {
    const answer = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const found = await answer.json();
    if (!answer.ok) throw new Error(found.error || found.detail || answer.statusText);
    return found;
  }
  let asked = 0;
  async function update() {
    const mine = ++asked, row = record();
    try {
      const [predicted, explained] = await Promise.all([
        ask("/predict", { records: [row] }), ask("/explain", { records: [row], top_k: 10 }),
      ]);
      if (mine !== asked) return;  // a newer edit is on its way
      const p = predicted.predictions[0];
      if (d.predicts_classes) {
        const top = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]).slice(0, 3);
        shown.textContent = `Prediction: ${p.label} (` +
          top.map(([c, v]) => `${c} ${v.toFixed(3)}`).join(", ") + ")";
      } else {
        shown.textContent = `Prediction: ${Number(p.value.toPrecision(4))}`;
      }
      const a = explained.explanations[0].attributions;
      const largest = Math.max(...Object.values(a).map(Math.abs)) || 1;
      table.replaceChildren(...Object.entries(a).map(([name, v]) => {
        const tr = document.createElement("tr"), bar = document.createElement("span");
        bar.className = "bar";
        bar.style.width = `${Math.round(120 * Math.abs(v) / largest)}px`;
        bar.style.background = v >= 0 ? "#c33" : "#36c";
        const cell = document.createElement("td"); cell.append(bar);
        tr.append(text("td", name), text("td", (v >= 0 ? "+" : "") + v.toFixed(4)), cell);
        return tr;
      }));
    } catch (error) {
      if (mine === asked) shown.textContent = `The service could not answer: ${error.message}`;
    }
  }
  let timer;
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 200); });
  form.addEventListener("submit", (event) => event.preventDefault());
  update();
})();
