// brain/forecast tab: a detector's history and next hour with its uncertainty band, and
// the detectors where congestion is expected within the hour.
import { api, h, svg, toast } from "../../app.js";
import { isPreparing } from "./congestion_layer.js";
import { loopLabel, loopStreets } from "./network.js";

const W = 720;
const H = 280;
const PAD = { left: 52, right: 16, top: 16, bottom: 36 };
const UNITS = { flow: "veh / 5 min", speed: "km/h" };
const REFRESH_MS = 60_000;
const PREPARING_MS = 3_000;

function scale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

function clock(iso) {
  const d = new Date(iso);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / count || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(v);
  return ticks;
}

// Draw history (solid), forecast (dashed) and the band (shaded) for one feature.
export function drawChart(data, feature) {
  const hist = data.history.filter((p) => p[feature] !== null && p[feature] !== undefined);
  const fc = data.forecast;
  const times = [...data.history.map((p) => Date.parse(p.time)), ...fc.map((p) => Date.parse(p.time))];
  const values = [
    ...hist.map((p) => p[feature]),
    ...fc.map((p) => p[`${feature}_low`]),
    ...fc.map((p) => p[`${feature}_high`]),
  ];
  const lo = Math.max(0, Math.min(...values) * 0.9);
  const hi = Math.max(...values) * 1.05 || 1;
  const x = scale(Math.min(...times), Math.max(...times), PAD.left, W - PAD.right);
  const y = scale(lo, hi, H - PAD.bottom, PAD.top);
  const chart = svg("svg", {
    id: "forecast-chart", viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img",
    "aria-label": `${feature} of detector ${data.detector}: history and forecast`,
  });
  for (const v of niceTicks(lo, hi)) {
    chart.append(
      svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), stroke: "rgba(128, 128, 128, 0.3)" }),
      svg("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, document.createTextNode(String(Math.round(v)))),
    );
  }
  const every = 6;
  data.history.concat(fc).forEach((p, i) => {
    if (i % every) return;
    chart.append(svg("text", { x: x(Date.parse(p.time)), y: H - PAD.bottom + 16, "text-anchor": "middle", "font-size": 11 },
      document.createTextNode(clock(p.time))));
  });
  const last = hist[hist.length - 1];
  const upper = fc.map((p) => `${x(Date.parse(p.time))},${y(p[`${feature}_high`])}`);
  const lower = fc.map((p) => `${x(Date.parse(p.time))},${y(p[`${feature}_low`])}`).reverse();
  const start = last ? [`${x(Date.parse(last.time))},${y(last[feature])}`] : [];
  chart.append(svg("polygon", { id: "forecast-band", points: [...start, ...upper, ...lower, ...start].join(" "),
    fill: "rgba(31, 119, 180, 0.18)", stroke: "none" }));
  chart.append(svg("polyline", { id: "forecast-history", fill: "none", stroke: "currentColor", "stroke-width": 2,
    points: hist.map((p) => `${x(Date.parse(p.time))},${y(p[feature])}`).join(" ") }));
  chart.append(svg("polyline", { id: "forecast-line", fill: "none", stroke: "#1f77b4", "stroke-width": 2,
    "stroke-dasharray": "6 4", points: [...start, ...fc.map((p) => `${x(Date.parse(p.time))},${y(p[feature])}`)].join(" ") }));
  if (last) {
    const nowX = x(Date.parse(last.time));
    chart.append(svg("line", { x1: nowX, x2: nowX, y1: PAD.top, y2: H - PAD.bottom, stroke: "#999", "stroke-dasharray": "2 3" }),
      svg("text", { x: nowX + 4, y: PAD.top + 10, "font-size": 11, fill: "#666" }, document.createTextNode("now")));
  }
  chart.append(svg("text", { x: 4, y: PAD.top - 4, "font-size": 11, fill: "#666" },
    document.createTextNode(`${feature} (${UNITS[feature] || ""})`)));
  return chart;
}

export function renderForecast(el, ctx) {
  if (!ctx || !ctx.user) {
    el.append(h("p", { class: "muted" }, "Log in to see forecasts."));
    return undefined;
  }
  const picker = h("select", { id: "forecast-detector", "aria-label": "detector" });
  const featurePicker = h("select", { id: "forecast-feature", "aria-label": "feature" });
  const model = h("p", { id: "forecast-model", class: "muted" });
  const chartBox = h("div", { id: "forecast-chart-box" });
  const summary = h("p", { id: "forecast-summary" });
  const congestion = h("ul", { id: "forecast-congestion" });
  // The pickers and the congestion list wait for the first forecasts (hidden while preparing).
  const toolbar = h("div", { class: "toolbar", hidden: true },
    h("label", {}, "Detector ", picker), " ", h("label", {}, "Show ", featurePicker));
  const congestionSection = h("div", { id: "forecast-congestion-section", hidden: true },
    h("h3", {}, "Congestion expected (or possible) this hour"), congestion);
  el.append(toolbar, model, chartBox, summary, congestionSection);
  let current = null;
  let timer = null;
  let streets = null;

  // Says when the model had to fill in readings the store does not hold (a twin just started).
  function inputsNote(forecast) {
    const { inputs_observed: seen, inputs_needed: needed } = forecast;
    if (seen === undefined || seen >= needed) return "";
    if (seen === 0) return `No reading of this detector in the last ${needed * 5} minutes: the forecast has nothing recent to go on. `;
    return `Only ${seen} of the last ${needed} five-minute readings are in; the gaps are filled with the nearest reading. `;
  }

  function drawCurrent() {
    if (!current) return;
    chartBox.replaceChildren(drawChart(current, featurePicker.value || "flow"));
  }

  async function showDetector(id) {
    try {
      current = await api(`/api/brain/forecasts?detector=${encodeURIComponent(id)}`);
    } catch (error) {
      chartBox.replaceChildren(h("p", { class: "error" }, error.message));
      return;
    }
    const keep = featurePicker.value;
    featurePicker.replaceChildren(...current.features.map((f) => h("option", { value: f }, f)));
    if (current.features.includes(keep)) featurePicker.value = keep;
    const held = current.model.band_coverage;
    const band = held == null ? "" : ` Its band held ${Math.round(held * 100)}% of the backtest's readings (nominally 80%).`;
    model.textContent = `Model: ${current.model.name} (version ${current.model.version}); ${current.model.note}.${band} Inputs from ${current.source}.`;
    summary.textContent = inputsNote(current) + (current.congestion_in_min !== null
      ? `Congestion expected at detector ${id} in ${current.congestion_in_min} minutes.`
      : current.congestion_possible_in_min != null
        ? `Congestion possible at detector ${id} in ${current.congestion_possible_in_min} minutes: the band's edge crosses the threshold, the forecast does not.`
        : `No congestion expected at detector ${id} in the next hour.`);
    drawCurrent();
  }

  // Returns how long to wait before the next refresh: soon while the model is being prepared.
  async function load() {
    let overview;
    try {
      overview = await api("/api/brain/forecasts");
    } catch (error) {
      if (isPreparing(error)) {
        chartBox.replaceChildren(h("p", { class: "muted", id: "forecast-empty", dataset: { state: "preparing" } },
          `${error.message}. `, h("progress", { max: 100, value: preparedPercent(error.message) })));
        return PREPARING_MS;
      }
      const hint = error.body && error.body.hint ? ` ${error.body.hint}` : "";
      chartBox.replaceChildren(h("p", { class: "muted", id: "forecast-empty" }, `${error.message}.${hint}`));
      return REFRESH_MS;
    }
    const selected = picker.value || (ctx.args && ctx.args[1]) || overview.detectors[0];
    if (streets === null) streets = await loopStreets();  // the loops' street names, once
    picker.replaceChildren(...overview.detectors.map((d) => h("option", { value: d },
      loopLabel(streets, d))));
    picker.value = overview.detectors.includes(selected) ? selected : overview.detectors[0];
    const item = (c) => h("li", {},
      h("a", { href: "#", dataset: { detector: c.detector }, onclick: (e) => {
        e.preventDefault(); picker.value = c.detector; showDetector(c.detector);
      } }, loopLabel(streets, c.detector)), `: congestion ${c.likelihood || "expected"} in ${c.congestion_in_min} minutes`);
    const expected = overview.congestion.filter((c) => c.likelihood !== "possible");
    const possible = overview.congestion.filter((c) => c.likelihood === "possible");
    congestion.replaceChildren(
      ...(expected.length ? expected.map(item) : [h("li", { class: "muted" }, "None expected in the next hour.")]),
      ...(possible.length ? [h("li", { class: "muted" }, h("details", { id: "forecast-possible" },
        h("summary", {}, `${possible.length} more where it is possible (only the band's edge crosses)`),
        h("ul", {}, ...possible.map(item))))] : []));
    toolbar.hidden = false;
    congestionSection.hidden = false;
    await showDetector(picker.value);
    return REFRESH_MS;
  }

  let stopped = false;
  async function refresh(first) {
    let wait = REFRESH_MS;
    try {
      wait = await load();
    } catch (error) {
      if (first) toast(error.message, "error");
    }
    if (!stopped) timer = setTimeout(() => refresh(false), wait);
  }

  picker.addEventListener("change", () => showDetector(picker.value));
  featurePicker.addEventListener("change", drawCurrent);
  refresh(true);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// The N of "forecasts are being prepared: N% (...)".
function preparedPercent(message) {
  const found = /(\d+)%/.exec(message || "");
  return found ? Number(found[1]) : 0;
}
