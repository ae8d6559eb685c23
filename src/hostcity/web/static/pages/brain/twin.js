// City Brain live tab: the twin's map (edges by speed, junctions by phase), KPIs, controllers.
import { api, h, svg, toast, token } from "../../app.js";
import { twinNetwork } from "./network.js";
import { congestionLayer } from "./congestion_layer.js";
import { sensorFeedsPanel } from "./sensor_feeds.js";
import { LEGEND as SENSOR_LEGEND, sensorMap } from "./sensor_map.js";

const RETRY_MS = 3000;
const POLL_MS = 2000;
const SENSOR_REDRAW_MS = 3000;

// Speed as a share of the limit: red when crawling, amber when slow, green when free-flowing.
export function speedColour(speedMps, limitMps) {
  if (speedMps === undefined || speedMps === null || !(limitMps > 0)) return "#5b6b7b";
  const ratio = speedMps / limitMps;
  if (ratio < 0.3) return "#ff5d5d";
  if (ratio < 0.6) return "#f5b942";
  return "#3ecf8e";
}

// One colour per signal phase: amber while changing, otherwise a hue from the phase's state string.
export function phaseColour(state) {
  if (!state) return "#5b6b7b";
  if (/y/i.test(state)) return "#f5b942";
  if (!/g/i.test(state)) return "#ff5d5d";
  let hash = 0;
  for (const ch of state) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${hash}, 70%, 60%)`;
}

function fmt(value, digits = 1) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function tile(id, label) {
  const value = h("div", { class: "value", id }, "–");
  return { el: h("div", { class: "tile" }, value, h("div", { class: "label" }, label)), value };
}

// Parse Server-Sent Events from a fetch() body; fetch lets the bearer token go in a header.
async function readStream(signal, onEvent) {
  const headers = { Authorization: `Bearer ${token()}` };
  const response = await fetch("/api/brain/stream", { headers, signal });
  if (!response.ok || !response.body) throw new Error(`stream: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let kind = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) kind = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length) onEvent(kind, JSON.parse(data.join("\n")));
    }
  }
}

export function renderTwin(el, ctx) {
  const isOperator = ctx.user && ctx.user.role === "operator";
  const status = h("p", { id: "twin-status", class: "muted" }, "Connecting to the twin…");
  const vehicles = tile("kpi-vehicles", "vehicles in the network");
  const speed = tile("kpi-speed", "mean speed, km/h");
  const delay = tile("kpi-delay", "mean delay so far, s");
  const clock = tile("kpi-clock", "simulated time");
  const map = svg("svg", { id: "brain-map", role: "img", "aria-label": "live traffic map",
    width: "100%", height: "560", preserveAspectRatio: "xMidYMid meet" });
  const congestion = congestionLayer(map);
  const junctionBody = h("tbody", {});
  const feed = h("ul", { id: "observation-feed", class: "muted" });
  const feeds = isOperator ? sensorFeedsPanel() : null;
  const legend = h("p", { id: "map-legend", class: "muted" },
    "Edges: green free-flowing, amber slow, red crawling. White dots: vehicles. ",
    "Junction colour: current signal phase (amber while changing).");
  const junctionPanel = h("div", { class: "panel" }, h("h3", {}, "Junctions"),
    h("div", { style: "max-height:420px;overflow:auto" }, h("table", { id: "junction-list", style: "table-layout:fixed" },
      h("thead", {}, h("tr", {}, h("th", {}, "signal"), h("th", { style: "width:140px" }, "controller"))),
      junctionBody)));
  el.append(
    status,
    h("div", { class: "tiles" }, vehicles.el, speed.el, delay.el, clock.el),
    h("div", { style: "display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:16px;margin-top:16px" },
      h("div", { class: "panel" }, map, legend, congestion.el),
      h("div", {},
        junctionPanel,
        h("div", { class: "panel" }, h("h3", {}, "Latest detector readings"), feed),
        feeds ? feeds.el : [])));

  const edgeEls = new Map();
  const edgeLimits = new Map();
  const junctionEls = new Map();
  const vehicleLayer = svg("g", { id: "brain-map-vehicles", fill: "#e7edf3", "fill-opacity": 0.85 });
  let mapScale = 1;
  const sensors = sensorMap(map);
  let sensorsShown = false;  // no twin: the map shows the real sensors
  let sensorRedraw = false;
  let controllers = {};
  let stopped = false;
  const abort = new AbortController();
  const timers = [];
  const later = (fn, ms) => { const t = setTimeout(fn, ms); timers.push(t); };

  function drawNetwork(network) {
    const [xmin, ymin, xmax, ymax] = network.bounds;
    const pad = Math.max(xmax - xmin, ymax - ymin) * 0.03 + 10;
    map.setAttribute("viewBox", `${xmin - pad} ${-ymax - pad} ${xmax - xmin + 2 * pad} ${ymax - ymin + 2 * pad}`);
    const scale = Math.max(xmax - xmin, ymax - ymin) / 600;
    mapScale = scale;
    const roads = svg("g", { id: "brain-map-edges", "stroke-linecap": "round", fill: "none" });
    for (const edge of network.edges) {
      const points = edge.shape.map(([x, y]) => `${x},${-y}`).join(" ");
      const line = svg("polyline", { points, stroke: "#5b6b7b", "stroke-width": scale * (1 + edge.lanes),
        "data-edge": edge.id }, svg("title", {}, edge.id));
      edgeEls.set(edge.id, line);
      edgeLimits.set(edge.id, edge.speed_limit_mps);
      roads.append(line);
    }
    const nodes = svg("g", { id: "brain-map-junctions" });
    const seen = new Set();
    for (const j of network.junctions) {
      if (!j.tls) continue;
      const dot = svg("circle", { cx: j.x, cy: -j.y, r: scale * 6, fill: "#5b6b7b", stroke: "#0f1720",
        "stroke-width": scale, id: seen.has(j.tls) ? null : `junction-${j.tls}`, "data-tls": j.tls },
        svg("title", {}, `signal ${j.tls}`));
      seen.add(j.tls);
      if (!junctionEls.has(j.tls)) junctionEls.set(j.tls, []);
      junctionEls.get(j.tls).push(dot);
      nodes.append(dot);
    }
    map.replaceChildren(roads, vehicleLayer, nodes);
    congestion.attach(network);
  }

  // A time-compressed scenario (the demo city's day) shows the hour of the day it stands for.
  let day = null;
  function showClock(simS) {
    if (day) {
      const at = new Date(Date.parse(day.epoch) + simS * day.compression * 1000);
      clock.value.textContent = at.toISOString().slice(11, 16);
      return;
    }
    const t = Math.floor(simS);
    clock.value.textContent = `${String(Math.floor(t / 3600)).padStart(2, "0")}:` +
      `${String(Math.floor((t % 3600) / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  }

  function showStatus(s) {
    const compressed = s.clock_epoch && s.time_compression !== 1;
    day = compressed ? { epoch: s.clock_epoch, compression: s.time_compression } : null;
    if (!sensorsShown) {
      clock.el.querySelector(".label").textContent = compressed
        ? `time of day (UTC) on the simulated day, ${s.time_compression}× compressed`
        : "simulated time";
    }
    const restarting = s.state.startsWith("restarting");
    const speedText = s.achieved_speed ? ` · ${s.achieved_speed}× real time` : "";
    status.textContent = s.state === "disabled"
      ? "Twin disabled: the map shows the city's sensors; their readings arrive below."
      : `Twin ${s.state} · scenario ${s.scenario} · ${s.detectors} loops${speedText}` +
        (s.restarts ? ` · ${s.restarts} restart(s)` : "");
    status.className = restarting ? "warn" : s.state.startsWith("running") ? "ok" : "muted";
  }

  function showState(state) {
    vehicles.value.textContent = String(state.kpis.vehicles);
    const kmh = state.kpis.mean_speed_mps === null ? null : state.kpis.mean_speed_mps * 3.6;
    speed.value.textContent = fmt(kmh);
    delay.value.textContent = fmt(state.kpis.mean_delay_s);
    showClock(state.sim_time_s);
    for (const [id, v] of Object.entries(state.edge_speed_mps)) {
      const line = edgeEls.get(id);
      if (line) line.setAttribute("stroke", speedColour(v, edgeLimits.get(id)));
    }
    vehicleLayer.replaceChildren(...(state.vehicle_xy || []).map(([x, y]) =>
      svg("circle", { cx: x, cy: -y, r: mapScale * 2.5 })));
    for (const [tls, phase] of Object.entries(state.tls_state)) {
      for (const dot of junctionEls.get(tls) || []) {
        dot.setAttribute("fill", phaseColour(phase));
        dot.firstChild.textContent = `signal ${tls}: ${phase} (${state.controllers[tls] || "fixed"})`;
      }
    }
    if (JSON.stringify(state.controllers) !== JSON.stringify(controllers)) {
      controllers = state.controllers;
      for (const [tls, name] of Object.entries(controllers)) {
        const select = document.getElementById(`controller-select-${tls}`);
        if (select && document.activeElement !== select) select.value = name;
        const text = document.getElementById(`controller-${tls}`);
        if (text) text.textContent = name;
      }
    }
  }

  function showObservations(event) {
    const items = event.observations.slice(0, 5).map((o) => h("li", {},
      `${o.detector_id}: ${fmt(o.flow_veh_per_h, 0)} veh/h, occupancy ${fmt(o.occupancy, 2)}, ` +
      `${fmt(o.speed_mps === null ? null : o.speed_mps * 3.6)} km/h (${o.source})`));
    feed.replaceChildren(h("li", {}, `${event.count} reading(s) from ${event.source}`), ...items);
    if (!sensorsShown) return;
    if (sensors.update(event.observations) && !sensorRedraw) {
      sensorRedraw = true;  // a sensor reported from a new place: draw the map again, soon
      later(() => { sensorRedraw = false; showSensors().catch(() => {}); }, SENSOR_REDRAW_MS);
    }
    showSensorTiles();
  }

  // The tiles sum up the sensors instead of the twin's simulation.
  function showSensorTiles() {
    const s = sensors.summary();
    vehicles.value.textContent = String(s.sensors);
    speed.value.textContent = fmt(s.meanKmh);
    delay.value.textContent = String(s.congested);
    clock.value.textContent = s.newest ? s.newest.slice(11, 16) : "–";
  }

  // Without the twin the map shows the city's own sensors (those that sent a location).
  async function showSensors() {
    sensorsShown = true;
    junctionPanel.hidden = true;
    congestion.el.hidden = true;
    const { detectors } = await api("/api/brain/detectors");
    const drawn = sensors.draw(detectors);
    vehicles.el.querySelector(".label").textContent = "sensors on the map";
    speed.el.querySelector(".label").textContent = "mean speed at the sensors, km/h";
    delay.el.querySelector(".label").textContent = "sensors congested (red)";
    clock.el.querySelector(".label").textContent = "newest reading (UTC)";
    showSensorTiles();
    legend.textContent = drawn
      ? SENSOR_LEGEND
      : "No sensor has sent its location yet: sensors appear here once their readings carry one.";
  }

  async function switchController(tls, select) {
    const previous = controllers[tls] || "fixed";
    try {
      await api(`/api/brain/twin/junctions/${encodeURIComponent(tls)}/controller`,
        { method: "PUT", body: { controller: select.value } });
      controllers = { ...controllers, [tls]: select.value };
      toast(`Signal ${tls} now runs ${select.value}`, "ok");
    } catch (error) {
      select.value = previous;
      toast(`Could not switch ${tls}: ${error.message}`, "error");
    }
  }

  function drawJunctions(data) {
    junctionBody.replaceChildren(...data.junctions.map((j) => {
      controllers[j.tls] = j.controller;
      const cell = isOperator
        ? h("select", { id: `controller-select-${j.tls}`, "aria-label": `controller of ${j.tls}`,
          onchange: (e) => switchController(j.tls, e.target) },
          data.controllers.map((name) => h("option", { value: name, selected: name === j.controller }, name)))
        : h("span", { id: `controller-${j.tls}` }, j.controller);
      const name = h("td", { title: j.tls,
        style: "overflow:hidden;text-overflow:ellipsis;white-space:nowrap" }, j.tls);
      return h("tr", { dataset: { tls: j.tls } }, name, h("td", { style: "width:140px" }, cell));
    }));
  }

  function onEvent(kind, data) {
    if (kind === "status") showStatus(data);
    else if (kind === "state") showState(data);
    else if (kind === "observations") showObservations(data);
  }

  async function poll() {
    if (stopped) return;
    try {
      onEvent("status", await api("/api/brain/twin/status"));
      onEvent("state", await api("/api/brain/twin/live"));
    } catch { /* the twin may be restarting; keep polling */ }
    later(poll, POLL_MS);
  }

  async function load() {
    if (stopped) return;
    try {
      const { network, status: twin } = await twinNetwork();
      showStatus(twin);
      if (!network && twin.state !== "disabled") { later(load, RETRY_MS); return; }  // starting
      if (network) {
        drawNetwork(network);
        drawJunctions(await api("/api/brain/twin/junctions"));
      } else {
        await showSensors();
      }
      const recent = await api("/api/brain/observations?limit=5");
      if (recent.observations.length) {
        showObservations({ count: recent.observations.length, source: "the store", observations: recent.observations });
      }
    } catch (error) {
      if (error.status === 401) { status.textContent = "Log in to see the live twin."; return; }
      if (!stopped) later(load, RETRY_MS);
      return;
    }
    follow();
  }

  // Follow the stream; reconnect when the server ends it, fall back to polling when it fails.
  function follow() {
    readStream(abort.signal, onEvent)
      .then(() => { if (!stopped) later(follow, 100); })
      .catch(() => { if (!stopped) poll(); });
  }

  load();
  return () => {
    stopped = true;
    congestion.stop();
    if (feeds) feeds.stop();
    abort.abort();
    for (const t of timers) clearTimeout(t);
  };
}
