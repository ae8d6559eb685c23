// Smart Pass "Trips" tab: plan door-to-door journeys (walk + ride) and draw them on a small map.
import { api, h, svg, toast } from "../../app.js";

const MAP_W = 520;
const MAP_H = 380;
const ROUTE_COLOURS = ["#3fa7ff", "#3ecf8e", "#c58cff", "#ff8c5d", "#5de0ff", "#ff7eb6"];

function hhmm(iso) { return iso.slice(11, 16); }
function mins(seconds) { return `${Math.round(seconds / 60)} min`; }
function pad(n) { return String(n).padStart(2, "0"); }

function localInputValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// Links from elsewhere (the agenda) open #pass/trips/<lat,lon>/<lat,lon>/<ISO depart>.
function linkArgs(ctx) {
  const args = (ctx.args || []).slice(1).map(decodeURIComponent);
  return { from: args[0] || "", to: args[1] || "", depart: args[2] || "" };
}

export function renderTrips(el, ctx) {
  if (!ctx.user) {
    el.append(h("p", { class: "muted" }, "Log in to plan trips by shuttle, bus and on foot."));
    return undefined;
  }
  const link = linkArgs(ctx);
  const fromInput = h("input", { id: "trip-from", placeholder: "lat,lon", size: 22, value: link.from });
  const toInput = h("input", { id: "trip-to", placeholder: "lat,lon", size: 22, value: link.to });
  const fromPick = h("select", { id: "trip-from-pick" }, h("option", { value: "" }, "pick a place..."));
  const toPick = h("select", { id: "trip-to-pick" }, h("option", { value: "" }, "pick a place..."));
  const departInput = h("input", { id: "trip-depart", type: "datetime-local",
    value: link.depart ? link.depart.slice(0, 16) : localInputValue(new Date(Date.now() + 10 * 60000)) });
  const planButton = h("button", { id: "trip-plan", type: "button", class: "primary", onclick: planTrip }, "Plan trip");
  const swapButton = h("button", { id: "trip-swap", type: "button", onclick: swap, title: "swap from and to" }, "⇅");
  const feedsEl = h("p", { id: "trip-feeds", class: "muted" }, "Loading feeds...");
  const results = h("div", { id: "trip-results" }, h("p", { class: "muted" }, "Pick where from, where to and when."));
  const mapEl = h("div", { id: "trip-map" });
  let places = [];
  let lines = { lines: [], streets: [] };
  let alive = true;

  // A click on the map sets where from, the next one where to, and plans the trip.
  let picking = "from";
  function pick(lat, lon) {
    const value = `${lat.toFixed(6)},${lon.toFixed(6)}`;
    if (picking === "from") {
      fromInput.value = value;
      picking = "to";
      toast("Where from is set: click the map again for where to.", "info");
    } else {
      toInput.value = value;
      picking = "from";
      planTrip();
    }
  }
  const draw = (journey) => drawMap(mapEl, journey, places, lines, pick);

  fromPick.addEventListener("change", () => { if (fromPick.value) fromInput.value = fromPick.value; });
  toPick.addEventListener("change", () => { if (toPick.value) toInput.value = toPick.value; });

  el.append(h("div", { class: "grid2" },
    h("section", { class: "panel" },
      h("h2", {}, "Plan a trip"),
      h("div", { class: "tiles" },
        h("label", {}, "From ", fromInput, " ", fromPick),
        h("label", {}, "To ", toInput, " ", toPick),
        swapButton),
      h("div", { class: "tiles", style: "margin-top:8px" },
        h("label", {}, "Depart ", departInput), planButton),
      feedsEl,
      results),
    h("section", { class: "panel" }, h("h2", {}, "Map"), mapEl)));

  draw(null);
  loadPlaces().then(() => { if (alive && link.from && link.to) planTrip(); });

  function swap() {
    const a = fromInput.value;
    fromInput.value = toInput.value;
    toInput.value = a;
  }

  async function loadPlaces() {
    const options = [];
    try {
      const venues = await api("/api/pass/venues");
      for (const v of venues) options.push({ group: "Venues", name: v.name, lat: v.lat, lon: v.lon });
    } catch { /* the events feature may have no venues yet */ }
    try {
      const feeds = await api("/api/pass/feeds");
      feedsEl.textContent = feeds.length
        ? `Feeds: ${feeds.map((f) => `${f.name} (${f.first_day} to ${f.last_day}, walking ${f.walking})`).join("; ")}`
        : "No GTFS feed imported yet: run 'hostcity pass import-gtfs FEED.zip' or 'hostcity demo'.";
      for (const feed of feeds.slice(0, 3)) {
        const stops = await api(`/api/pass/feeds/${encodeURIComponent(feed.id)}/stops`);
        for (const s of stops) options.push({ group: `Stops: ${feed.name}`, name: s.name, lat: s.lat, lon: s.lon });
      }
      if (feeds.length) lines = await api(`/api/pass/feeds/${encodeURIComponent(feeds[0].id)}/map`);
    } catch (error) {
      feedsEl.textContent = `Cannot load feeds: ${error.message}`;
    }
    if (!alive) return;
    places = options;
    for (const select of [fromPick, toPick]) {
      const groups = new Map();
      for (const p of options) {
        if (!groups.has(p.group)) groups.set(p.group, h("optgroup", { label: p.group }));
        groups.get(p.group).append(h("option", { value: `${p.lat.toFixed(6)},${p.lon.toFixed(6)}` }, p.name));
      }
      select.append(...groups.values());
    }
    if (!fromInput.value && options.length > 1) {
      fromInput.value = `${options[0].lat.toFixed(6)},${options[0].lon.toFixed(6)}`;
      const last = options[Math.min(options.length - 1, 1)];
      toInput.value = `${last.lat.toFixed(6)},${last.lon.toFixed(6)}`;
    }
    draw(null);
  }

  async function planTrip() {
    const params = new URLSearchParams({ from: fromInput.value.trim(), to: toInput.value.trim() });
    if (departInput.value) params.set("depart", departInput.value);
    planButton.disabled = true;
    results.replaceChildren(h("p", { class: "muted" }, "Planning..."));
    try {
      const data = await api(`/api/pass/journeys?${params}`);
      if (!alive) return;
      showJourneys(data);
    } catch (error) {
      results.replaceChildren(h("p", { class: "error", id: "trip-error" }, error.message,
        error.body && error.body.hint ? h("br") : null, error.body && error.body.hint ? error.body.hint : null));
      toast(error.message, "error");
      draw(null);
    } finally {
      planButton.disabled = false;
    }
  }

  function showJourneys(data) {
    if (!data.journeys.length) {
      results.replaceChildren(h("p", { class: "muted", id: "trip-none" },
        "No journey found: no stop within walking range, or nothing runs then."));
      draw(null);
      return;
    }
    const colours = lineColours(lines);
    const items = data.journeys.map((journey, i) => journeyCard(journey, i, colours, () => select(i)));
    results.replaceChildren(
      h("p", { class: "muted" }, `${data.feed}, walking ${data.walking}. Fewer transfers first; each next one arrives earlier.`),
      ...items);
    function select(i) {
      items.forEach((item, j) => {
        item.classList.toggle("active", i === j);
        item.style.borderColor = i === j ? "var(--accent)" : "";
      });
      draw(data.journeys[i]);
    }
    select(data.journeys.length - 1);
  }

  return () => { alive = false; };
}

function journeyCard(journey, index, colours, onSelect) {
  const legs = journey.legs.map((leg, i) => h("li", { class: `leg leg-${leg.mode}`, id: `trip-leg-${index}-${i}` },
    h("b", {}, `${hhmm(leg.depart)}–${hhmm(leg.arrive)} `),
    leg.mode === "ride"
      ? [h("span", { class: "route-badge", style: `background:#1f3142;border:1px solid ${colours.get(leg.route_id) || ROUTE_COLOURS[0]};border-radius:4px;padding:0 6px` }, leg.route), ` ${leg.from.name} → ${leg.to.name}`, leg.headsign ? h("span", { class: "muted" }, ` (towards ${leg.headsign})`) : null]
      : [`walk ${mins(leg.duration_s)}`, leg.distance_m ? ` (${leg.distance_m} m)` : "", ` ${leg.from.name} → ${leg.to.name}`]));
  const title = `Arrive ${hhmm(journey.arrive)} · ${mins(journey.duration_s)} · ` +
    (journey.rides === 0 ? "on foot" : `${journey.transfers} transfer${journey.transfers === 1 ? "" : "s"}`);
  return h("div", { class: "panel journey", id: `trip-journey-${index}`, onclick: onSelect, style: "cursor:pointer" },
    h("div", {}, h("b", {}, title), h("span", { class: "muted" }, ` · leave ${hhmm(journey.depart)}`)),
    h("ol", {}, legs));
}

// A line's colour: the feed's route_color, else one of ours by the line's place in the feed.
function lineColours(base) {
  const colours = new Map();
  for (const line of base.lines) {
    if (!colours.has(line.route_id)) {
      colours.set(line.route_id, line.colour || ROUTE_COLOURS[colours.size % ROUTE_COLOURS.length]);
    }
  }
  return colours;
}

function drawMap(mapEl, journey, places, base, onPick) {
  const points = [];
  if (journey) {
    for (const leg of journey.legs) {
      points.push(leg.from, leg.to);
      for (const [lat, lon] of leg.path || []) points.push({ lat, lon });
    }
  }
  const context = places.slice(0, 400);
  const linePoints = base.lines.flatMap((line) => (line.path || line.stops).map(([lat, lon]) => ({ lat, lon })));
  const all = points.length ? points : context.concat(linePoints);
  if (!all.length) {
    mapEl.replaceChildren(h("p", { class: "muted" }, "The map shows stops and your journey."));
    return;
  }
  let minLat = Math.min(...all.map((p) => p.lat));
  let maxLat = Math.max(...all.map((p) => p.lat));
  let minLon = Math.min(...all.map((p) => p.lon));
  let maxLon = Math.max(...all.map((p) => p.lon));
  const padLat = Math.max((maxLat - minLat) * 0.15, 0.002);
  const padLon = Math.max((maxLon - minLon) * 0.15, 0.003);
  minLat -= padLat; maxLat += padLat; minLon -= padLon; maxLon += padLon;
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const scale = Math.min(MAP_W / ((maxLon - minLon) * kx), MAP_H / (maxLat - minLat));
  const x = (lon) => (lon - minLon) * kx * scale;
  const y = (lat) => MAP_H - (lat - minLat) * scale;
  const polyline = (path) => path.map(([lat, lon]) => `${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join(" ");
  const colours = lineColours(base);
  const layers = [svg("rect", { x: 0, y: 0, width: MAP_W, height: MAP_H, fill: "#0b121a" })];
  if (base.streets.length) {
    layers.push(svg("g", { id: "trip-map-streets", stroke: "#233242", "stroke-width": 1.2, fill: "none" },
      ...base.streets.map((street) => svg("polyline", { points: polyline(street) }))));
  }
  base.lines.forEach((line, i) => {
    layers.push(svg("polyline", { id: `trip-map-line-${i}`, class: "trip-map-line", fill: "none",
      points: polyline(line.path || line.stops), stroke: colours.get(line.route_id), "stroke-width": 3,
      "stroke-opacity": journey ? 0.25 : 0.7, "stroke-linejoin": "round", "stroke-linecap": "round" },
    svg("title", {}, `${line.name}: ${line.stops.length} stops, ${line.trips} trips`)));
  });
  for (const p of context) {
    if (p.lat < minLat || p.lat > maxLat || p.lon < minLon || p.lon > maxLon) continue;
    const venue = p.group === "Venues";
    layers.push(svg("circle", { cx: x(p.lon), cy: y(p.lat), r: venue ? 5 : 2.5,
      fill: venue ? "#f5b942" : "#8fa3b8" }, svg("title", {}, p.name)));
    if (venue && !journey) layers.push(label(x(p.lon), y(p.lat), p.name, "#f5d28a"));
  }
  if (journey) {
    journey.legs.forEach((leg, i) => {
      const ride = leg.mode === "ride";
      const path = leg.path || [[leg.from.lat, leg.from.lon], [leg.to.lat, leg.to.lon]];
      layers.push(svg("polyline", { id: `trip-map-leg-${i}`, fill: "none", points: polyline(path),
        stroke: ride ? colours.get(leg.route_id) || ROUTE_COLOURS[0] : "#cfd8e3", "stroke-width": ride ? 5 : 2,
        "stroke-dasharray": ride ? null : "5 4", "stroke-linecap": "round" },
      svg("title", {}, ride ? `${leg.route}: ${leg.from.name} → ${leg.to.name}` : `walk ${leg.from.name} → ${leg.to.name}`)));
    });
    for (const leg of journey.legs) {
      if (leg.mode !== "ride") continue;
      for (const p of [leg.from, leg.to]) {
        layers.push(svg("circle", { cx: x(p.lon), cy: y(p.lat), r: 4, fill: "#e7edf3" }));
        layers.push(label(x(p.lon), y(p.lat), p.name, "#e7edf3"));
      }
    }
    const start = journey.legs[0].from;
    const end = journey.legs[journey.legs.length - 1].to;
    layers.push(svg("circle", { id: "trip-map-origin", cx: x(start.lon), cy: y(start.lat), r: 7, fill: "#3ecf8e" }, svg("title", {}, "origin")));
    layers.push(svg("circle", { id: "trip-map-destination", cx: x(end.lon), cy: y(end.lat), r: 7, fill: "#ff5d5d" }, svg("title", {}, "destination")));
  }
  const legend = h("p", { id: "trip-map-legend", class: "muted" });
  for (const [routeId, colour] of colours) {
    const line = base.lines.find((item) => item.route_id === routeId);
    legend.append(h("span", { style: `display:inline-block;width:18px;height:4px;margin:0 4px 3px 10px;background:${colour}` }),
      line.name);
  }
  if (base.truncated) legend.append(" (the busiest lines only)");
  if (base.streets.length) legend.append(h("br"), "Grey: the streets walks follow. Yellow: venues.");
  legend.append(h("br"), "Click the map to set where from, then where to.");
  // a click's map coordinates back to lat/lon (the inverse of x() and y())
  const clicked = (event) => {
    const ctm = event.currentTarget.getScreenCTM();
    if (!ctm || !onPick) return;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    onPick(minLat + (MAP_H - p.y) / scale, minLon + p.x / (kx * scale));
  };
  mapEl.replaceChildren(svg("svg", { id: "trip-map-svg", viewBox: `0 0 ${MAP_W} ${MAP_H}`, width: "100%", role: "img",
    "aria-label": journey ? "map of the journey" : "map of the lines and venues", style: "cursor:crosshair",
    onclick: clicked }, ...layers), legend);
}

// A place's name beside its dot, on the side away from the map's right edge.
function label(px, py, text, colour) {
  const right = px > MAP_W - 140;
  return svg("text", { x: px + (right ? -6 : 6), y: py - 6, "font-size": 11, style: `fill:${colour}`,
    "text-anchor": right ? "end" : "start" }, text);
}
