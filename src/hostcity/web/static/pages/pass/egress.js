// "Way out" tab: the quickest route out of a venue section, drawn on the venue plan.
import { api, h, svg, toast } from "../../app.js";

const FILL = { stand: "#29435c", concourse: "#1d2b38", stairs: "#3b3357", exit: "#1f5e3f" };

function drawPlan(plan, route) {
  const xs = plan.areas.flatMap((a) => a.polygon.map((p) => p[0]));
  const ys = plan.areas.flatMap((a) => a.polygon.map((p) => p[1]));
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const pad = 9;
  // Plans are in metres with y pointing north: flip y for the screen.
  const pt = ([x, y]) => `${(x - minX + pad).toFixed(2)},${(maxY - y + pad).toFixed(2)}`;
  const onRoute = new Set(route ? route.path : []);
  const shapes = plan.areas.map((a) => svg("polygon", {
    points: a.polygon.map(pt).join(" "),
    fill: FILL[a.kind] || "#333",
    stroke: onRoute.has(a.id) ? "#3fa7ff" : "#4a5b6c",
    "stroke-width": onRoute.has(a.id) ? 0.8 : 0.3,
    "data-area": a.id,
  }, svg("title", {}, `${a.name} (${a.kind})`)));
  const labels = plan.areas.map((a) => {
    const cx = a.polygon.reduce((s, p) => s + p[0], 0) / a.polygon.length;
    const cy = a.polygon.reduce((s, p) => s + p[1], 0) / a.polygon.length;
    const [x, y] = pt([cx, cy]).split(",");
    const small = a.kind === "exit";
    return svg("text", { x, y: small ? Number(y) + 6 : y, "font-size": small ? 2.2 : 3,
      "text-anchor": "middle" }, small ? a.name : a.id);
  });
  const children = [...shapes, ...labels];
  if (route) {
    children.push(svg("polyline", {
      id: "exit-path", points: route.points.map(pt).join(" "), fill: "none",
      stroke: "#ffd166", "stroke-width": 1.2, "stroke-linejoin": "round", "marker-end": "url(#arrow)",
    }));
  }
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 5, refY: 5,
    markerWidth: 4, markerHeight: 4, orient: "auto-start-reverse" },
    svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#ffd166" })));
  return svg("svg", { id: "exit-plan", viewBox: `0 0 ${maxX - minX + 2 * pad} ${maxY - minY + 2 * pad}`,
    width: "100%", role: "img", "aria-label": `plan of ${plan.name}` }, defs, ...children);
}

export function renderEgress(el) {
  const venueSelect = h("select", { id: "exit-venue" });
  const sectionSelect = h("select", { id: "exit-section" });
  const result = h("div", { id: "exit-result" });
  const planBox = h("div", { class: "panel" });
  let plan = null;

  async function loadPlan() {
    plan = await api(`/api/pass/venues/${encodeURIComponent(venueSelect.value)}/plan`);
    sectionSelect.replaceChildren(...plan.areas.filter((a) => a.kind === "stand")
      .map((a) => h("option", { value: a.id }, a.name)));
    planBox.replaceChildren(drawPlan(plan, null));
    result.replaceChildren();
  }

  async function findWayOut() {
    try {
      const route = await api(`/api/pass/venues/${encodeURIComponent(venueSelect.value)}/exit?section=${encodeURIComponent(sectionSelect.value)}`);
      const exitArea = plan.areas.find((a) => a.id === route.exit);
      planBox.replaceChildren(drawPlan(plan, route));
      result.replaceChildren(
        h("p", {}, "Leave by ", h("b", { id: "exit-name" }, exitArea ? exitArea.name : route.exit),
          ` via ${route.path.join(" → ")}.`),
        h("p", { class: "muted" }, `About ${Math.round(route.est_clear_s)} s to get out with the current crowd ` +
          `(walking alone: ${Math.round(route.walk_s)} s). The whole venue empties in about ` +
          `${Math.round(route.venue_clear_s)} s this way, against ${Math.round(route.venue_clear_nearest_s)} s ` +
          "if everyone took the nearest exit."));
    } catch (error) {
      toast(error.message, "error");
    }
  }

  venueSelect.addEventListener("change", loadPlan);
  el.append(
    h("div", { class: "panel" },
      h("p", {}, "Pick your venue and section: HostCity sends you where the crowd clears quickest, not just the nearest door."),
      h("label", {}, "Venue ", venueSelect), " ",
      h("label", {}, "Section ", sectionSelect), " ",
      h("button", { id: "exit-find", class: "primary", onclick: findWayOut }, "Find my way out"),
      result),
    planBox);
  api("/api/pass/venue-plans").then((venues) => {
    venueSelect.replaceChildren(...venues.map((v) => h("option", { value: v.id }, v.name)));
    if (venues.length) loadPlan();
  }).catch((error) => result.replaceChildren(h("p", { class: "error" }, error.message)));
}
