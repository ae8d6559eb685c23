// City Brain incidents tab: the list, confirm/dismiss for operators, CAP downloads, webhooks, a map.
import { api, h, svg, toast, errorText } from "../../app.js";
import { exercisePanel } from "./exercises.js";
import { sensitivityPanel } from "./sensitivity.js";
import { twinNetwork } from "./network.js";
import { sensorMap } from "./sensor_map.js";

const SEVERITY_COLOUR = { minor: "#d9a400", moderate: "#e07000", severe: "#d11f1f" };
const POLL_MS = 5000;

function edgeMiddle(edge) {
  const [x, y] = edge.shape[Math.floor(edge.shape.length / 2)];
  return [x, y];
}

export function renderIncidents(el, ctx) {
  const isOperator = ctx.user && ctx.user.role === "operator";
  const status = h("p", { id: "incident-status", class: "muted" }, "Loading incidents…");
  const filter = h("select", { id: "incident-filter" },
    h("option", { value: "open" }, "open"), h("option", { value: "" }, "all"),
    h("option", { value: "dismissed" }, "dismissed"), h("option", { value: "cleared" }, "cleared"));
  const list = h("tbody", {});
  const table = h("table", { id: "incident-list" },
    h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "status"), h("th", {}, "severity"),
      h("th", {}, "confidence"), h("th", {}, "where"), h("th", {}, "since"), h("th", {}, "evidence"),
      h("th", {}, ""))), list);
  const map = svg("svg", { id: "incident-map", role: "img", "aria-label": "incident map",
    width: "100%", height: "360", preserveAspectRatio: "xMidYMid meet" });
  const markers = svg("g", { id: "incident-markers" });
  const drills = svg("g", { id: "exercise-markers" });
  const exercises = exercisePanel(isOperator);
  const sensitivity = sensitivityPanel(isOperator);
  const hookList = h("ul", { id: "webhook-list", class: "muted" });
  const hookUrl = h("input", { id: "webhook-url", type: "url", placeholder: "https://ops.example.org/hooks", size: 40 });
  const hookAdd = h("button", { id: "webhook-add", type: "submit" }, "Add webhook");
  const hookForm = h("form", { id: "webhook-form" }, hookUrl, " ", hookAdd);

  el.append(status,
    h("div", { style: "display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px" },
      h("div", { class: "panel" }, h("h3", {}, "Incidents ", filter),
        h("div", { style: "overflow-x:auto" }, table)),
      h("div", {},
        h("div", { class: "panel" }, h("h3", {}, "Where"), map,
          h("p", { class: "muted" }, "Dots: open incidents by severity. Dashed rings: exercises on.")),
        exercises.el,
        sensitivity.el,
        isOperator ? h("div", { class: "panel" }, h("h3", {}, "Webhooks (CAP 1.2 on each new incident)"),
          hookForm, hookList,
          h("p", { class: "muted" }, "Alert hubs that poll instead read ",
            h("code", { id: "alert-feed" }, "/api/brain/incidents/alerts.atom"),
            ": an Atom index of the open incidents, each entry linking its CAP alert.")) : null)));

  const edges = new Map();
  let scale = 1;
  let stopped = false;
  let timer = null;

  let mapLoaded = false;
  const sensorView = sensorMap(map);
  let sensorMode = false;  // no twin: incidents sit on the city's sensors
  async function loadMap() {
    try {
      const { network, status: twin } = await twinNetwork();
      if (!network && twin.state === "disabled") {
        sensorMode = mapLoaded = true;
        return;
      }
      if (!network) {
        map.replaceChildren(svg("text", { x: 10, y: 20 }, `waiting for the twin (${twin.state})`));
        return;
      }
      const [xmin, ymin, xmax, ymax] = network.bounds;
      const pad = Math.max(xmax - xmin, ymax - ymin) * 0.03 + 10;
      scale = Math.max(xmax - xmin, ymax - ymin) / 400;
      map.setAttribute("viewBox", `${xmin - pad} ${-ymax - pad} ${xmax - xmin + 2 * pad} ${ymax - ymin + 2 * pad}`);
      const roads = svg("g", { fill: "none", stroke: "#8895a3", "stroke-linecap": "round" });
      for (const edge of network.edges) {
        edges.set(edge.id, edge);
        roads.append(svg("polyline", { points: edge.shape.map(([x, y]) => `${x},${-y}`).join(" "),
          "stroke-width": scale * 1.5 }));
      }
      map.replaceChildren(roads, drills, markers);
      mapLoaded = true;
    } catch (err) {
      map.replaceChildren(svg("text", { x: 10, y: 20 }, "no network (is the twin running?)"));
    }
  }

  // The sensors where they stand, redrawn on each poll; the markers go on top.
  async function drawSensors() {
    const { detectors } = await api("/api/brain/detectors");
    if (!sensorView.draw(detectors)) {
      map.replaceChildren(svg("text", { x: 10, y: 20 }, "no sensor has sent its location yet"));
      return;
    }
    scale = sensorView.scale() * 1.5;
    map.append(drills, markers);
  }

  function drawMarkers(incidents) {
    markers.replaceChildren();
    for (const inc of incidents) {
      let point = inc.xy;
      if (!point && edges.has(inc.edge_id)) point = edgeMiddle(edges.get(inc.edge_id));
      if (!point && sensorMode) {  // at its sensor, else at its lon/lat
        const at = sensorView.where(inc.detector_id) ||
          (inc.lon_lat ? sensorView.project(inc.lon_lat[0], inc.lon_lat[1]) : null);
        if (at) point = [at[0], -at[1]];  // the sensor map's y already points down
      }
      if (!point) continue;
      markers.append(svg("circle", { id: `incident-marker-${inc.id}`, cx: point[0], cy: -point[1],
        r: scale * 8, fill: SEVERITY_COLOUR[inc.severity] || "#d11f1f", stroke: "#111", "stroke-width": scale },
        svg("title", {}, `#${inc.id} ${inc.severity} on ${inc.edge_id}`)));
    }
  }

  async function downloadCap(inc) {
    try {
      const response = await api(inc.cap_url, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const a = h("a", { href: url, download: `incident-${inc.id}.cap.xml` });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function decide(inc, action) {
    try {
      await api(`/api/brain/incidents/${inc.id}/${action}`, { method: "POST" });
      toast(`incident ${inc.id} ${action === "confirm" ? "confirmed" : action + "ed"}`, "ok");
      await refresh();
      if (action === "dismiss") await sensitivity.refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  function row(inc) {
    const actions = h("td", {},
      h("a", { href: "#", id: `incident-cap-${inc.id}`, onclick: (e) => { e.preventDefault(); downloadCap(inc); } }, "CAP"));
    if (isOperator && (inc.status === "raised" || inc.status === "confirmed")) {
      if (inc.status === "raised") {
        actions.append(" ", h("button", { type: "button", id: `incident-confirm-${inc.id}`,
          onclick: () => decide(inc, "confirm") }, "Confirm"));
      }
      actions.append(" ", h("button", { type: "button", id: `incident-dismiss-${inc.id}`,
        onclick: () => decide(inc, "dismiss") }, "Dismiss"));
      const where = inc.xy || (edges.has(inc.edge_id) ? edgeMiddle(edges.get(inc.edge_id)) : null);
      if (where) {
        actions.append(" ", h("a", { id: `incident-send-${inc.id}`, title: "place an emergency call here",
          href: `#/brain/emergency/${where[0].toFixed(1)},${where[1].toFixed(1)}/incident-${inc.id}` }, "Send a unit"));
      }
    }
    return h("tr", { id: `incident-row-${inc.id}` },
      h("td", {}, inc.id), h("td", {}, inc.status),
      h("td", { style: `color:${SEVERITY_COLOUR[inc.severity] || "inherit"}` }, inc.severity),
      h("td", {}, inc.confidence.toFixed(2)), h("td", { title: `edge ${inc.edge_id}, lane ${inc.lane_id}` },
        (edges.get(inc.edge_id) || {}).name || inc.edge_id),
      h("td", {}, new Date(inc.started_at).toLocaleTimeString()),
      h("td", { class: "muted", style: "font-size:0.85em" }, Object.keys(inc.evidence).join(", ").replaceAll("_", " "),
        inc.exercise ? h("b", { class: "ok", id: `incident-exercise-${inc.id}` }, ` exercise #${inc.exercise}`) : ""),
      actions);
  }

  async function refresh() {
    try {
      const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : "";
      const data = await api(`/api/brain/incidents${query}`);
      list.replaceChildren(...data.incidents.map(row));
      if (!data.incidents.length) list.append(h("tr", {}, h("td", { colspan: 8, class: "muted" }, "no incidents")));
      status.textContent = `${data.incidents.length} incident(s) · updated ${new Date().toLocaleTimeString()}`;
      status.className = "muted";
      drawMarkers(data.incidents.filter((i) => i.status === "raised" || i.status === "confirmed"));
    } catch (err) {
      status.textContent = errorText(err);
      status.className = "warn";
    }
  }

  function drawExercises(list) {
    drills.replaceChildren();
    for (const ex of list.filter((e) => e.state === "waiting" || e.state === "stalled")) {
      if (!edges.has(ex.edge)) continue;
      const [x, y] = edgeMiddle(edges.get(ex.edge));
      drills.append(svg("circle", { id: `exercise-marker-${ex.id}`, cx: x, cy: -y, r: scale * 14, fill: "none",
        stroke: "#c58cff", "stroke-width": scale * 3, "stroke-dasharray": `${scale * 6} ${scale * 4}` },
        svg("title", {}, `exercise #${ex.id} at ${ex.detector}`)));
    }
  }

  async function refreshHooks() {
    if (!isOperator) return;
    try {
      const data = await api("/api/brain/incidents/webhooks");
      hookList.replaceChildren(...data.webhooks.map((w) => h("li", { id: `webhook-${w.id}` }, w.url, " ",
        h("button", { type: "button", id: `webhook-remove-${w.id}`, onclick: async () => {
          try { await api(`/api/brain/incidents/webhooks/${w.id}`, { method: "DELETE" }); await refreshHooks(); }
          catch (err) { toast(errorText(err), "error"); }
        } }, "Remove"))));
    } catch (err) { toast(errorText(err), "error"); }
  }

  hookForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api("/api/brain/incidents/webhooks", { method: "POST", body: { url: hookUrl.value } });
      hookUrl.value = "";
      toast("webhook added", "ok");
      await refreshHooks();
    } catch (err) { toast(errorText(err), "error"); }
  });
  filter.addEventListener("change", refresh);

  async function loop() {
    if (stopped) return;
    if (!mapLoaded) await loadMap();  // the twin may start after the tab opens
    if (sensorMode) await drawSensors().catch(() => {});
    await refresh();
    drawExercises(await exercises.refresh());
    await sensitivity.refresh();
    if (!stopped) timer = setTimeout(loop, POLL_MS);
  }
  loop();
  refreshHooks();
  return () => { stopped = true; clearTimeout(timer); };
}
