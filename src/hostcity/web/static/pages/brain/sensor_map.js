// The live map of a city without the twin: its real sensors where they stand, coloured by their
// latest reading, joined by the links of the city's sensor graph (brain.sensor_graph).
import { svg } from "../../app.js";

const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON_AT_EQUATOR = 111_320;
const MAX_LABELLED = 40;  // more sensors than this: ids in the dots' tooltips only
const [GREEN, AMBER, RED, GREY] = ["#3ecf8e", "#f5b942", "#ff5d5d", "#5b6b7b"];

export const LEGEND = "Sensors by their latest reading: green under 15% occupancy (or above " +
  "40 km/h), amber to 30% (20 km/h), red above (below). Lines: the sensor graph's links, " +
  "from upstream to downstream.";

// Occupancy first (the share of the window a vehicle stood over the sensor), else speed.
export function readingColour(reading) {
  if (!reading) return GREY;
  if (reading.occupancy !== null && reading.occupancy !== undefined) {
    if (reading.occupancy >= 0.3) return RED;
    if (reading.occupancy >= 0.15) return AMBER;
    return GREEN;
  }
  if (reading.speed_mps !== null && reading.speed_mps !== undefined) {
    const kmh = reading.speed_mps * 3.6;
    if (kmh < 20) return RED;
    if (kmh < 40) return AMBER;
    return GREEN;
  }
  return GREY;
}

function describe(id, reading) {
  const parts = [];
  if (reading.occupancy !== null && reading.occupancy !== undefined) {
    parts.push(`occupancy ${Math.round(reading.occupancy * 100)}%`);
  }
  if (reading.speed_mps !== null && reading.speed_mps !== undefined) {
    parts.push(`${(reading.speed_mps * 3.6).toFixed(0)} km/h`);
  }
  if (reading.flow_veh_per_h !== null && reading.flow_veh_per_h !== undefined) {
    parts.push(`${reading.flow_veh_per_h.toFixed(0)} veh/h`);
  }
  const at = reading.observed_to ? ` at ${reading.observed_to.slice(11, 16)} UTC` : "";
  return `${id}: ${parts.join(", ") || "no measure"}${at}`;
}

function located(reading) {
  return Boolean(reading) && Number.isFinite(reading.lon) && Number.isFinite(reading.lat);
}

// Draws on the live map's <svg>; ``draw`` takes /api/brain/detectors' list and returns how
// many sensors it placed, ``update`` recolours from new readings and says whether one of them
// is a located sensor not drawn yet (then draw again), ``summary`` sums up the latest readings,
// ``where`` gives a drawn sensor's place on the map, ``project`` a lon/lat's, and ``scale`` the
// map's metres per pixel.
export function sensorMap(map) {
  const dots = new Map();
  const latest = new Map();
  let places = new Map();
  let metresPerPixel = 1;
  let kx = null;  // metres per degree of longitude at the sensors' mean latitude

  function draw(detectors) {
    const placed = detectors.filter((d) => located(d.latest));
    dots.clear();
    latest.clear();
    places = new Map();
    if (!placed.length) {
      map.replaceChildren();
      return 0;
    }
    for (const d of placed) latest.set(d.id, d.latest);
    const lat0 = placed.reduce((sum, d) => sum + d.latest.lat, 0) / placed.length;
    kx = M_PER_DEG_LON_AT_EQUATOR * Math.cos((lat0 * Math.PI) / 180);
    const xy = new Map(placed.map((d) => [d.id, [d.latest.lon * kx, -d.latest.lat * M_PER_DEG_LAT]]));
    places = xy;  // where() answers from it
    const xs = [...xy.values()].map((p) => p[0]);
    const ys = [...xy.values()].map((p) => p[1]);
    const [xmin, xmax, ymin, ymax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const span = Math.max(xmax - xmin, ymax - ymin, 200);
    const pad = span * 0.06;
    map.setAttribute("viewBox", `${xmin - pad} ${ymin - pad} ${xmax - xmin + 2 * pad} ${ymax - ymin + 2 * pad}`);
    const scale = span / 600;
    metresPerPixel = scale;
    const radius = scale * 7;
    const arrow = svg("marker", { id: "sensor-arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
      markerWidth: 4, markerHeight: 4, orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8a9aab" }));
    const links = svg("g", { id: "sensor-links", stroke: "#8a9aab", "stroke-width": scale * 2.5,
      "stroke-linecap": "round" });
    for (const d of placed) {
      for (const to of d.downstream || []) {
        if (!xy.has(to)) continue;
        const [[x1, y1], [tx, ty]] = [xy.get(d.id), xy.get(to)];
        const length = Math.hypot(tx - x1, ty - y1) || 1;
        const stop = Math.min(radius * 1.4, length / 2) / length;  // the arrow ends at the dot's rim
        links.append(svg("line", { x1, y1, x2: tx - (tx - x1) * stop, y2: ty - (ty - y1) * stop,
          "marker-end": "url(#sensor-arrow)", "data-from": d.id, "data-to": to },
        svg("title", {}, `${d.id} → ${to}`)));
      }
    }
    const group = svg("g", { id: "sensor-dots" });
    const labels = svg("g", { id: "sensor-labels", fill: "#8a9aab", "font-size": scale * 12 });
    for (const d of placed) {
      const [cx, cy] = xy.get(d.id);
      const dot = svg("circle", { cx, cy, r: radius, fill: readingColour(d.latest),
        stroke: "#0f1720", "stroke-width": scale * 1.5, "data-sensor": d.id },
      svg("title", {}, describe(d.id, d.latest)));
      dots.set(d.id, dot);
      group.append(dot);
      if (placed.length <= MAX_LABELLED) {
        const overflows = cx + radius * 1.5 + d.id.length * scale * 7.5 > xmax + pad;  // flip left
        const label = svg("text", { x: overflows ? cx - radius * 1.5 : cx + radius * 1.5,
          y: cy - radius * 1.2, "text-anchor": overflows ? "end" : "start" });
        label.textContent = d.id;
        labels.append(label);
      }
    }
    map.replaceChildren(svg("defs", {}, arrow), links, group, labels);
    return placed.length;
  }

  // Sensors drawn, their mean speed (km/h, of those measuring it), how many are red, and the
  // newest reading's end.
  function summary() {
    const readings = [...latest.values()];
    const speeds = readings.map((r) => r.speed_mps).filter((v) => v !== null && v !== undefined);
    return {
      sensors: readings.length,
      meanKmh: speeds.length ? (speeds.reduce((a, b) => a + b, 0) / speeds.length) * 3.6 : null,
      congested: readings.filter((r) => readingColour(r) === RED).length,
      newest: readings.map((r) => r.observed_to).filter(Boolean).sort().pop() || null,
    };
  }

  function update(readings) {
    let unknown = false;
    for (const reading of readings) {
      const dot = dots.get(reading.detector_id);
      if (!dot) {
        unknown = unknown || located(reading);
        continue;
      }
      const known = latest.get(reading.detector_id);
      if (known && known.observed_to > reading.observed_to) continue;  // an older reading
      latest.set(reading.detector_id, reading);
      dot.setAttribute("fill", readingColour(reading));
      dot.firstChild.textContent = describe(reading.detector_id, reading);
    }
    return unknown;
  }

  return {
    draw, update, summary,
    where: (id) => places.get(id) || null,
    project: (lon, lat) => (kx === null ? null : [lon * kx, -lat * M_PER_DEG_LAT]),
    scale: () => metresPerPixel,
  };
}
