// Live-map layer: where the forecast service expects congestion within the hour.
import { api, h, svg } from "../../app.js";

const REFRESH_MS = 60_000;
const RETRY_MS = 10_000;
const PREPARING_MS = 3_000;

// True for the API's answer while the first model is being prepared (the demo's job).
export function isPreparing(error) {
  return Boolean(error && error.body && error.body.error === "forecast_preparing");
}

// Colour by how soon: red within a quarter hour, amber within half an hour, yellow within the hour.
export const BANDS = [
  { max: 15, colour: "#ff5d5d", label: "≤ 15 min" },
  { max: 30, colour: "#f5b942", label: "15–30 min" },
  { max: 60, colour: "#ffe066", label: "30–60 min" },
];

export function minutesColour(minutes) {
  return (BANDS.find((b) => minutes <= b.max) || BANDS[BANDS.length - 1]).colour;
}

function clock(iso) {
  const d = new Date(iso);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

export function isPossible(c) {
  return c.likelihood === "possible";
}

export function tooltip(c) {
  const value = `${Number(c.expected).toFixed(1)} ${c.unit}`;
  const limit = `${c.feature === "speed" ? "below" : "above"} ${Number(c.threshold).toFixed(1)}`;
  if (isPossible(c)) {
    return `congestion possible in ${c.minutes_ahead} min · ${c.detector}: the band's edge ` +
      `reaches ${c.feature} ${value}, ${limit} (the forecast itself stays clear)`;
  }
  return `congestion expected in ${c.minutes_ahead} min · ${c.detector} (${c.severity}): ` +
    `${c.feature} ${value}, ${limit}`;
}

// The layer's controls (toggle, legend, state) and its drawing on the map's <svg>.
export function congestionLayer(map) {
  let network = null;
  let on = false;
  let timer = null;
  let generation = 0;
  let latest = null;  // the last answer, redrawn when the "possible" box changes
  const group = svg("g", { id: "congestion-layer" });
  const state = h("span", { id: "congestion-state", class: "muted" }, "off");
  const toggle = h("input", { type: "checkbox", id: "congestion-toggle",
    onchange: () => setOn(toggle.checked) });
  const possibleToggle = h("input", { type: "checkbox", id: "congestion-possible-toggle",
    onchange: () => { if (latest) draw(latest); } });
  const legend = h("div", { id: "congestion-legend", class: "muted", hidden: true,
    style: "display:flex;gap:12px;flex-wrap:wrap;margin-top:4px" },
    h("span", {}, "Congestion expected in:"),
    ...BANDS.map((b) => h("span", { class: "congestion-band" },
      h("span", { style: `display:inline-block;width:10px;height:10px;border-radius:50%;background:${b.colour};margin-right:4px` }),
      b.label)),
    h("label", { class: "congestion-band" }, possibleToggle,
      h("span", { style: "display:inline-block;width:10px;height:10px;border-radius:50%;border:2px dashed #ff5d5d;box-sizing:border-box;margin:0 4px;vertical-align:middle" }),
      "also where it is possible (only the congested edge of the forecast's 10–90% band reaches it)"));
  const el = h("div", { id: "congestion-controls", dataset: { state: "off" } },
    h("label", {}, toggle, " Congestion expected (forecast)"), " · ", state, legend);

  function show(kind, text) {
    el.dataset.state = kind;
    state.textContent = text;
    state.className = kind === "error" ? "warn" : "muted";
  }

  // "forecasts are being prepared: 40% (...)": retried soon, and not an error.
  function showFailure(error) {
    if (isPreparing(error)) {
      show("preparing", error.message);
      return PREPARING_MS;
    }
    show("error", error.status === 404 ? `no forecasts: ${error.message}` : `forecasts unavailable: ${error.message}`);
    return RETRY_MS; // a model may be training right now
  }

  function scale() {
    const [xmin, ymin, xmax, ymax] = network.bounds;
    return Math.max(xmax - xmin, ymax - ymin) / 600;
  }

  function draw(data) {
    const shapes = new Map(network ? network.edges.map((e) => [e.id, e.shape]) : []);
    const s = network ? scale() : 1;
    latest = data;
    const shown = possibleToggle.checked ? data.congestion : data.congestion.filter((c) => !isPossible(c));
    const placed = shown.filter((c) => c.x !== null && c.y !== null);
    const highlights = svg("g", { "stroke-linecap": "round", fill: "none", opacity: "0.55" });
    const markers = svg("g", {});
    // soonest last, so it is drawn on top
    for (const c of [...placed].reverse()) {
      const colour = minutesColour(c.minutes_ahead);
      const shape = shapes.get(c.edge);
      const possible = isPossible(c);  // a dashed ring, no road highlight: not the forecast
      if (shape && !possible) {
        highlights.append(svg("polyline", { points: shape.map(([x, y]) => `${x},${-y}`).join(" "),
          stroke: colour, "stroke-width": s * 7, class: "congestion-edge" }));
      }
      const look = possible
        ? { r: s * 7, fill: "none", stroke: colour, "stroke-width": s * 2.5,
          "stroke-dasharray": `${s * 3} ${s * 2}`, class: "congestion-marker congestion-possible",
          "data-likelihood": "possible" }
        : { r: s * (c.severity === "severe" ? 10 : 7), fill: colour, stroke: "#0f1720",
          "stroke-width": s * 1.5, class: "congestion-marker" };
      markers.append(svg("circle", { cx: c.x, cy: -c.y, ...look,
        "data-detector": c.detector, "data-minutes": c.minutes_ahead, style: "cursor:pointer",
        onclick: () => { location.hash = `#/brain/forecast/${encodeURIComponent(c.detector)}`; } },
        svg("title", {}, `${tooltip(c)} (click for its forecast chart)`)));
    }
    group.replaceChildren(highlights, markers);
    const possible = data.congestion.filter(isPossible).length;
    const soon = data.congestion.length - possible;
    let text = `${soon} of ${data.detectors} detector(s) expect congestion within ` +
      `${data.horizon_min} min (${possible} more possible) · ${placed.length} on this map · ${data.model.name}, ` +
      `issued ${clock(data.issued_at)} (${data.source})`;
    if (data.on_map === 0) text += " · the model's detectors are not on this map";
    show("on", text);
  }

  // Each start bumps the generation, so a reply or timer of an earlier one is dropped.
  async function refresh(gen) {
    if (!on || gen !== generation) return;
    if (!group.isConnected) map.append(group);
    let wait = REFRESH_MS;
    try {
      const data = await api("/api/brain/forecasts/congestion");
      if (!on || gen !== generation) return;
      draw(data);
    } catch (error) {
      if (!on || gen !== generation) return;
      group.replaceChildren();
      wait = showFailure(error);
    }
    timer = setTimeout(() => refresh(gen), wait);
  }

  function restart() {
    generation += 1;
    clearTimeout(timer);
    if (on) refresh(generation);
  }

  function setOn(value) {
    on = value;
    legend.hidden = !on;
    if (on) {
      show("loading", "loading forecasts…");
    } else {
      group.remove();
      show("off", "off");
    }
    restart();
  }

  return {
    el,
    // Call after the map is (re)drawn: the layer goes back on top of the new network.
    attach(net) {
      network = net;
      restart();
    },
    stop() {
      on = false;
      restart();
    },
  };
}
