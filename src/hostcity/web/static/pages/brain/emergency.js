// City Brain emergency tab: click the map to place a call, pick a unit by live ETA, follow it.
import { api, h, svg, toast, errorText } from "../../app.js";
import { twinNetwork } from "./network.js";
import { speedColour } from "./twin.js";

const POLL_MS = 1000;
const RETRY_MS = 3000;
const KIND_COLOUR = { ambulance: "#f5f5f5", fire: "#ff5d5d", police: "#4f8cff" };
const STATUS_TEXT = { available: "available", dispatched: "on the way", on_scene: "on scene", returning: "returning",
  cancelled: "cancelled" };

function seconds(value) {
  if (value === null || value === undefined) return "–";
  const s = Math.round(value);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s` : `${s} s`;
}

export function renderEmergency(el, ctx) {
  const isOperator = ctx.user && ctx.user.role === "operator";
  const status = h("p", { id: "emergency-status", class: "muted" }, "Loading the network…");
  if (!isOperator) {
    status.textContent = "Emergency dispatch is for operators; log in with an operator token.";
    el.append(status);
    return () => {};
  }
  const map = svg("svg", { id: "emergency-map", role: "img", "aria-label": "emergency map: click a road to place a call",
    width: "100%", height: "560", preserveAspectRatio: "xMidYMid meet", style: "cursor:crosshair" });
  const roads = svg("g", { id: "emergency-roads", fill: "none", stroke: "#5b6b7b", "stroke-linecap": "round" });
  const routeLayer = svg("g", { id: "emergency-routes", fill: "none", "stroke-linecap": "round" });
  const markerLayer = svg("g", { id: "emergency-markers" });
  const chooser = h("div", { id: "emergency-chooser" },
    h("p", { class: "muted" }, "Click a road on the map to place an emergency call."));
  const unitBody = h("tbody", {});
  const unitId = h("input", { id: "unit-id", placeholder: "id, e.g. amb-6", size: 12, maxlength: 49 });
  const unitKind = h("select", { id: "unit-kind" },
    ...["ambulance", "fire", "police"].map((k) => h("option", { value: k }, k)));
  const unitName = h("input", { id: "unit-name", placeholder: "name (optional)", size: 16, maxlength: 200 });
  const placeButton = h("button", { type: "button", id: "place-station", onclick: () => armStation() },
    "Place its station on the map");
  const unitHint = h("p", { class: "muted", id: "unit-hint" },
    "A unit's station snaps to the nearest road; saving an existing id moves its station.");
  const callBox = h("div", { id: "emergency-call", class: "muted" }, "No call followed yet.");
  el.append(status,
    h("div", { style: "display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:16px" },
      h("div", { class: "panel" }, map,
        h("p", { class: "muted", id: "emergency-legend" }, "Squares: stations. Circles: units on the road. Cross: the call. ",
          "Blue line: the unit's remaining route. Roads: green free-flowing, amber slow, red crawling.", h("br"),
          ...Object.entries(KIND_COLOUR).map(([kind, colour]) => h("span", { style: "margin-right:12px" },
            h("span", { style: `display:inline-block;width:10px;height:10px;margin-right:4px;background:${colour}` }),
            kind)))),
      h("div", {},
        h("div", { class: "panel" }, h("h3", {}, "New call"), chooser),
        h("div", { class: "panel" }, h("h3", {}, "Followed call"), callBox),
        h("div", { class: "panel" }, h("h3", {}, "Units"),
          h("table", { id: "emergency-units" },
            h("thead", {}, h("tr", {}, h("th", {}, "unit"), h("th", {}, "status"), h("th", {}, "ETA"),
              h("th", {}, ""))),
            unitBody)),
        h("div", { class: "panel" }, h("h3", {}, "Add or move a unit"),
          h("p", {}, unitId, " ", unitKind, " ", unitName), placeButton, unitHint))));

  const edges = new Map();
  const roadEls = new Map();
  let scale = 1;
  let units = [];
  let followed = null;
  let placed = null;
  let placingStation = false;
  let stopped = false;
  let timer = null;

  function pathOf(edgeIds) {
    const points = [];
    for (const id of edgeIds) {
      const edge = edges.get(id);
      if (edge) for (const [x, y] of edge.shape) points.push(`${x},${-y}`);
    }
    return points.join(" ");
  }

  async function loadMap() {
    const { network, status: twin } = await twinNetwork();
    if (!network) throw new Error(`the twin is ${twin.state}`);
    const [xmin, ymin, xmax, ymax] = network.bounds;
    const pad = Math.max(xmax - xmin, ymax - ymin) * 0.03 + 10;
    scale = Math.max(xmax - xmin, ymax - ymin) / 600;
    map.setAttribute("viewBox", `${xmin - pad} ${-ymax - pad} ${xmax - xmin + 2 * pad} ${ymax - ymin + 2 * pad}`);
    for (const edge of network.edges) {
      edges.set(edge.id, edge);
      const line = svg("polyline", { points: edge.shape.map(([x, y]) => `${x},${-y}`).join(" "),
        "stroke-width": scale * (1 + edge.lanes), "data-edge": edge.id });
      roadEls.set(edge.id, line);
      roads.append(line);
    }
    map.replaceChildren(roads, routeLayer, markerLayer);
  }

  function drawMarkers() {
    markerLayer.replaceChildren();
    routeLayer.replaceChildren();
    for (const unit of units) {
      const colour = KIND_COLOUR[unit.kind] || "#ccc";
      const side = scale * 12;
      markerLayer.append(svg("rect", { x: unit.station.x - side / 2, y: -unit.station.y - side / 2,
        width: side, height: side, fill: colour, stroke: "#0f1720", "stroke-width": scale * 1.5,
        id: `station-${unit.id}` }, svg("title", {}, `${unit.name}: station`)));
      const live = unit.live;
      if (!live) continue;
      if (live.route && live.route.length) {
        routeLayer.append(svg("polyline", { points: pathOf(live.route), stroke: "#4f8cff", "stroke-opacity": 0.8,
          "stroke-width": scale * 5, id: `route-${unit.id}` }));
      }
      markerLayer.append(svg("circle", { cx: live.x, cy: -live.y, r: scale * 9, fill: colour, stroke: "#4f8cff",
        "stroke-width": scale * 3, id: `unit-marker-${unit.id}` },
        svg("title", {}, `${unit.name}: ${STATUS_TEXT[unit.status] || unit.status}, ETA ${seconds(live.eta_s)}`)));
    }
    if (placed) {
      const r = scale * 12;
      markerLayer.append(svg("path", { id: "call-marker", stroke: "#ffcc00", "stroke-width": scale * 4,
        d: `M${placed.x - r},${-placed.y - r}L${placed.x + r},${-placed.y + r}M${placed.x - r},${-placed.y + r}L${placed.x + r},${-placed.y - r}` }));
    }
  }

  function drawUnits() {
    unitBody.replaceChildren(...units.map((unit) => h("tr", { id: `unit-row-${unit.id}` },
      h("td", {}, unit.name), h("td", { class: "status" }, STATUS_TEXT[unit.status] || unit.status),
      h("td", { class: "eta" }, unit.live && unit.status === "dispatched" ? seconds(unit.live.eta_s) : "–"),
      h("td", {}, unit.status === "available" ? h("button", { type: "button", id: `remove-${unit.id}`,
        title: `remove ${unit.name}`, onclick: () => removeUnit(unit) }, "Remove") : ""))));
  }

  function drawCall(call) {
    const unit = units.find((u) => u.id === call.unit);
    const live = call.live;
    const eta = call.status === "dispatched" && live ? live.eta_s : null;
    callBox.className = "";
    const open = call.status === "dispatched" || call.status === "on_scene";
    callBox.replaceChildren(...[
      h("p", {}, h("b", {}, `Call ${call.id}`), ` · ${unit ? unit.name : call.unit} · `,
        h("span", { id: "call-status" }, STATUS_TEXT[call.status] || call.status)),
      h("p", {}, "ETA now: ", h("b", { id: "call-eta" }, call.status === "dispatched" ? seconds(eta ?? call.eta_s)
        : call.arrived_sim_s !== null ? "arrived" : "–")),
      h("p", { class: "muted" }, `ETA at dispatch ${seconds(call.eta_s)}`,
        call.travel_time_s !== null ? ` · drove ${seconds(call.travel_time_s)}` : "",
        live && live.preempted && live.preempted.length ? ` · green wave at ${live.preempted.length} signal(s)` : ""),
      call.note ? h("p", { class: "muted", id: "call-note" }, call.note) : null,
      open ? h("button", { type: "button", id: "cancel-call", onclick: () => cancelCall(call) },
        call.status === "dispatched" ? "Recall unit (cancel call)" : "Clear scene (unit returns)") : null,
    ].filter(Boolean));
  }

  async function cancelCall(call) {
    const what = call.status === "dispatched" ? "Cancel" : "Clear the scene of";
    if (!confirm(`${what} call ${call.id}?`)) return;
    try {
      const done = await api(`/api/brain/emergency/calls/${call.id}/cancel`, { method: "POST", body: {} });
      toast(done.status === "cancelled" ? `Call ${done.id} cancelled: ${done.unit} turns back`
        : `Call ${done.id} closed: ${done.unit} leaves the scene`, "ok");
      await refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function dispatch(unitId) {
    if (!placed) return;
    const body = { x: placed.x, y: placed.y };
    if (unitId) body.unit = unitId;
    if (callNote) body.note = callNote;
    try {
      const call = await api("/api/brain/emergency/calls", { method: "POST", body });
      followed = call.id;
      callNote = null;  // the next call, clicked on the map, is about something else
      toast(`Call ${call.id}: ${call.unit} dispatched, ETA ${seconds(call.eta_s)}`, "ok");
      chooser.replaceChildren(h("p", { class: "muted" }, "Click the map for another call."));
      await refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function preview(x, y) {
    try {
      const data = await api("/api/brain/emergency/eta", { method: "POST", body: { x, y } });
      placed = { x: data.location.x, y: data.location.y };
      drawMarkers();
      const rows = data.units.map((u) => h("tr", { id: `eta-row-${u.id}` },
        h("td", {}, u.name), h("td", {}, STATUS_TEXT[u.status] || u.status),
        h("td", { class: "eta" }, u.eta_s === null ? (u.status === "available" ? "no route" : "–") : seconds(u.eta_s)),
        h("td", {}, u.eta_s !== null ? h("button", { type: "button", id: `dispatch-${u.id}`,
          onclick: () => dispatch(u.id) }, "Send") : "")));
      const fastest = data.units.find((u) => u.eta_s !== null);
      chooser.replaceChildren(
        h("p", {}, `Call on ${(edges.get(data.location.edge) || {}).name || "road"} ${data.location.edge} ` +
          `(${Math.round(data.location.x)}, ${Math.round(data.location.y)})`,
          callNote ? ` for ${callNote}` : ""),
        h("table", { id: "eta-table" }, h("thead", {}, h("tr", {}, h("th", {}, "unit"), h("th", {}, "status"),
          h("th", {}, "live ETA"), h("th", {}, ""))), h("tbody", {}, rows)),
        fastest ? h("button", { type: "button", id: "dispatch-fastest", onclick: () => dispatch(null) },
          `Send the fastest (${fastest.name})`) : h("p", { class: "warn" }, "No available unit can reach this call."));
    } catch (err) {
      toast(errorText(err), "error");
      chooser.replaceChildren(h("p", { class: "warn", id: "eta-error" }, errorText(err)));
    }
  }

  function armStation() {
    if (!unitId.value.trim()) {
      toast("Give the unit an id first, e.g. amb-6", "error");
      return;
    }
    placingStation = true;
    unitHint.textContent = `Click a road on the map for ${unitId.value.trim()}'s station.`;
  }

  async function saveUnit(x, y) {
    placingStation = false;
    const body = { id: unitId.value.trim(), kind: unitKind.value, x, y };
    if (unitName.value.trim()) body.name = unitName.value.trim();
    try {
      const unit = await api("/api/brain/emergency/units", { method: "POST", body });
      toast(`Unit ${unit.id} saved: station on ${unit.station.edge}`, "ok");
      unitHint.textContent = "Saved. Give another id to add one more.";
      await refresh();
    } catch (err) {
      toast(errorText(err), "error");
      unitHint.textContent = errorText(err);
    }
  }

  async function removeUnit(unit) {
    if (!confirm(`Remove ${unit.name} (${unit.id})?`)) return;
    try {
      await api(`/api/brain/emergency/units/${encodeURIComponent(unit.id)}`, { method: "DELETE" });
      toast(`Unit ${unit.id} removed`, "ok");
      await refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  map.addEventListener("click", (event) => {
    const ctm = map.getScreenCTM();
    if (!ctm) return;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    if (placingStation) saveUnit(point.x, -point.y);
    else {
      callNote = null;  // a call placed by hand is not the incident's
      preview(point.x, -point.y);
    }
  });

  async function refresh() {
    try {
      const [listed, live, call] = await Promise.all([
        api("/api/brain/emergency/units"),
        api("/api/brain/twin/live").catch(() => null),
        followed !== null ? api(`/api/brain/emergency/calls/${followed}`) : null]);
      units = listed.units;
      // one synchronous redraw, so the table and the map never disagree
      drawUnits();
      drawTraffic(live);
      if (call) drawCall(call);
      drawMarkers();
      const busy = units.filter((u) => u.status !== "available").length;
      status.textContent = `${units.length} unit(s), ${busy} busy · updated ${new Date().toLocaleTimeString()}`;
      status.className = "muted";
    } catch (err) {
      status.textContent = errorText(err);
      status.className = "warn";
    }
  }

  // Roads by live speed, as on the Live traffic tab: where a unit would crawl shows.
  function drawTraffic(live) {
    if (!live) return;
    for (const [id, speed] of Object.entries(live.edge_speed_mps)) {
      const line = roadEls.get(id);
      if (line) line.setAttribute("stroke", speedColour(speed, edges.get(id).speed_limit_mps));
    }
  }

  async function loop() {
    if (stopped) return;
    await refresh();
    if (!stopped) timer = setTimeout(loop, POLL_MS);
  }

  // The twin may still be starting: keep asking for its network, then follow the units.
  async function start() {
    if (stopped) return;
    try {
      await loadMap();
    } catch (err) {
      status.textContent = `Waiting for the live twin: ${errorText(err)}`;
      status.className = "warn";
      timer = setTimeout(start, RETRY_MS);
      return;
    }
    if (callAt) preview(callAt[0], callAt[1]);
    loop();
  }

  // Opened from an incident (#/brain/emergency/<x>,<y>): the call is placed there at once.
  const at = ((ctx.args && ctx.args[1]) || "").split(",").map(Number);
  const callAt = at.length === 2 && at.every(Number.isFinite) ? at : null;
  const incident = /^incident-(\d+)$/.exec((ctx.args && ctx.args[2]) || "");
  let callNote = callAt && incident ? `incident ${incident[1]}` : null;  // kept on the call
  if (callAt) ctx.args.splice(1);  // once: coming back to the tab later places no call

  start();
  return () => { stopped = true; clearTimeout(timer); };
}
