// Replay recordings panel: pick a camera set, see its cameras on a shared timeline, choose
// angle(s) and a window (drag, type, or start from a highlight). The choice goes into
// ctx.selection = {set, set_id, set_info, cameras, start_s, end_s}, then selection.changed().
import { api, h, svg, toast, waitForJob } from "../../app.js";

const LABEL_W = 150;
const TRACK_W = 650;
const ROW_H = 44;
const AXIS_H = 28;

export function renderRecordings(el, ctx) {
  const selection = ctx.selection || { changed() {} };
  const isOperator = ctx.user && ctx.user.role === "operator";
  const objectUrls = [];
  let current = null; // the set's description from the API
  let highlights = [];
  let alive = true;

  const select = h("select", { id: "replay-set-select", onchange: () => loadSet(select.value) });
  const startInput = h("input", { id: "replay-start", type: "number", step: "0.1", min: "0",
    onchange: () => setWindow(Number(startInput.value), Number(endInput.value)) });
  const endInput = h("input", { id: "replay-end", type: "number", step: "0.1", min: "0",
    onchange: () => setWindow(Number(startInput.value), Number(endInput.value)) });
  const timelineBox = h("div", { class: "replay-timeline-box" });
  const highlightsBox = h("ol", { id: "replay-highlights", class: "replay-highlights" });
  const info = h("p", { class: "muted", id: "replay-set-info" });

  el.append(
    h("h2", {}, "Recordings"),
    h("label", {}, "Session ", select),
    info,
    timelineBox,
    h("div", { class: "replay-window" },
      h("label", {}, "Start (s) ", startInput), " ",
      h("label", {}, "End (s) ", endInput)),
    h("p", { class: "muted" },
      "Click a camera to choose the angle (shift-click for several); drag on the timeline to pick a window."),
    h("h3", {}, "Highlights"),
    highlightsBox,
  );
  const offsetsBox = h("div", { id: "replay-offsets", class: "replay-offsets" });
  if (isOperator) el.append(offsetsBox, importForm());

  loadSets();

  async function loadSets(wanted) {
    try {
      const data = await api("/api/replay/sets");
      if (!alive) return;
      select.replaceChildren(...data.sets.map((s) => h("option", { value: s.name }, s.name)));
      if (!data.sets.length) {
        select.append(h("option", { value: "" }, "no sets yet"));
        info.textContent = "No camera sets yet. Operators import one below or with 'hostcity replay import'.";
        timelineBox.replaceChildren();
        return;
      }
      const name = wanted || (selection.set && data.sets.some((s) => s.name === selection.set)
        ? selection.set : data.sets[0].name);
      select.value = name;
      await loadSet(name);
    } catch (error) {
      toast(`Cannot list camera sets: ${error.message}`, "error");
    }
  }

  async function loadSet(name) {
    if (!name) return;
    try {
      current = await api(`/api/replay/sets/${encodeURIComponent(name)}`);
    } catch (error) {
      toast(`Cannot load set ${name}: ${error.message}`, "error");
      return;
    }
    if (!alive) return;
    const methods = [...new Set(current.cameras.map((c) => c.sync_method))].join(", ");
    info.textContent = `${current.cameras.length} cameras, ${current.start_s.toFixed(1)}–` +
      `${current.end_s.toFixed(1)} s, synchronised by ${methods}`;
    selection.set = current.name;
    selection.set_id = current.id;
    selection.set_info = current;
    selection.cameras = [current.cameras[0].name];
    const span = Math.min(8, current.end_s - current.start_s);
    setWindow(current.start_s, current.start_s + span, false);
    drawTimeline();
    if (isOperator) drawOffsets();
    selection.changed();
    loadHighlights();
  }

  // Operators correct a camera's offset by hand (PATCH), e.g. when the audio confidence is low.
  function drawOffsets() {
    const rows = current.cameras.map((cam) => {
      const input = h("input", { id: `replay-offset-${cam.name}`, type: "number", step: "0.001",
        value: cam.offset_s.toFixed(3), style: "width:7em" });
      input.addEventListener("change", async () => {
        try {
          const url = `/api/replay/sets/${encodeURIComponent(current.name)}/cameras/${encodeURIComponent(cam.name)}`;
          await api(url, { method: "PATCH", body: { offset_s: Number(input.value) } });
          toast(`${cam.name} now starts at ${Number(input.value).toFixed(3)} s`, "ok");
          loadSet(current.name);
        } catch (error) {
          toast(`Cannot set the offset: ${error.message}`, "error");
        }
      });
      return h("tr", {}, h("td", {}, cam.name), h("td", {}, input),
        h("td", { class: "muted" }, cam.sync_method,
          cam.sync_confidence === null ? "" : ` (confidence ${cam.sync_confidence.toFixed(2)})`));
    });
    offsetsBox.replaceChildren(h("details", {}, h("summary", {}, "Offsets (operator)"),
      h("table", {}, h("tr", {}, h("th", {}, "camera"), h("th", {}, "offset (s)"), h("th", {}, "sync")), rows)));
  }

  async function loadHighlights() {
    highlightsBox.replaceChildren(h("li", { class: "muted" }, "finding highlights..."));
    try {
      const data = await api(`/api/replay/sets/${encodeURIComponent(current.name)}/highlights?top=5`);
      if (!alive) return;
      highlights = data.highlights;
    } catch (error) {
      highlights = [];
      highlightsBox.replaceChildren(h("li", { class: "error" }, error.message));
      return;
    }
    highlightsBox.replaceChildren(...(highlights.length ? highlights.map((m) =>
      h("li", {},
        h("button", { type: "button", id: `replay-highlight-${m.rank}`,
          onclick: () => useHighlight(m) },
          `${m.start_s.toFixed(1)}–${m.end_s.toFixed(1)} s`),
        ` score ${m.score.toFixed(2)}, +${m.loudness_lu.toFixed(1)} LU, best angle ${m.best_camera}`))
      : [h("li", { class: "muted" }, "no moment stands out")]));
    drawTimeline();
  }

  function useHighlight(moment) {
    selection.cameras = [moment.best_camera];
    setWindow(moment.start_s, moment.end_s, false);
    drawTimeline();
    selection.changed();
  }

  function setWindow(start, end, notify = true) {
    if (!current) return;
    let a = Math.max(current.start_s, Math.min(start, end));
    let b = Math.min(current.end_s, Math.max(start, end));
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    if (b - a < 0.1) b = Math.min(current.end_s, a + 0.1);
    selection.start_s = Math.round(a * 100) / 100;
    selection.end_s = Math.round(b * 100) / 100;
    startInput.value = selection.start_s.toFixed(2);
    endInput.value = selection.end_s.toFixed(2);
    if (notify) {
      drawWindow();
      selection.changed();
    }
  }

  function toggleCamera(name, several) {
    const chosen = new Set(several ? selection.cameras : []);
    if (several && chosen.has(name) && chosen.size > 1) chosen.delete(name);
    else chosen.add(name);
    // Keep the order of positions, which is the order of sweeps.
    selection.cameras = current.cameras.map((c) => c.name).filter((n) => chosen.has(n));
    drawTimeline();
    selection.changed();
  }

  const x = (t) => LABEL_W + ((t - current.start_s) / Math.max(0.001, current.end_s - current.start_s)) * TRACK_W;
  const tAt = (px) => current.start_s + ((px - LABEL_W) / TRACK_W) * (current.end_s - current.start_s);
  let windowRect = null;
  let justDragged = false; // a drag over a camera's bar must not also toggle that camera

  function drawWindow() {
    if (!windowRect || !current) return;
    windowRect.setAttribute("x", x(selection.start_s));
    windowRect.setAttribute("width", Math.max(1, x(selection.end_s) - x(selection.start_s)));
  }

  function drawTimeline() {
    if (!current) return;
    const height = current.cameras.length * ROW_H + AXIS_H;
    const root = svg("svg", { id: "replay-timeline", viewBox: `0 0 ${LABEL_W + TRACK_W + 10} ${height}`,
      width: "100%", role: "img", "aria-label": "cameras on the shared timeline" });
    const defs = svg("defs");
    root.append(defs);
    current.cameras.forEach((cam, i) => {
      const y = i * ROW_H + 4;
      const chosen = selection.cameras.includes(cam.name);
      const group = svg("g", { id: `replay-camera-${cam.name}`, class: "replay-camera",
        style: "cursor:pointer", "data-selected": chosen ? "true" : "false",
        onclick: (event) => {
          if (!justDragged) toggleCamera(cam.name, event.shiftKey || event.ctrlKey || event.metaKey);
        } });
      const conf = cam.sync_confidence === null ? "" : ` ${cam.sync_confidence.toFixed(2)}`;
      group.append(
        svg("rect", { x: 0, y, width: LABEL_W - 8, height: ROW_H - 8, rx: 4,
          fill: chosen ? "#3fa7ff" : "#1f3142" }),
        svg("text", { x: 8, y: y + 15, "font-size": 13, style: chosen ? "fill:#04121f" : "" }, cam.name),
        svg("text", { x: 8, y: y + 30, "font-size": 10, style: chosen ? "fill:#04121f" : "fill:#8ea0b2" },
          `${cam.offset_s >= 0 ? "+" : ""}${cam.offset_s.toFixed(3)} s ${cam.sync_method}${conf}`),
      );
      const clipId = `replay-clip-${i}`;
      defs.append(svg("clipPath", { id: clipId },
        svg("rect", { x: x(cam.start_s), y, width: x(cam.end_s) - x(cam.start_s), height: ROW_H - 8 })));
      const bar = svg("rect", { x: x(cam.start_s), y, width: x(cam.end_s) - x(cam.start_s),
        height: ROW_H - 8, fill: "#2a3846", stroke: chosen ? "#3fa7ff" : "#2a3846", "stroke-width": 2 });
      const strip = svg("image", { x: x(cam.start_s), y, height: ROW_H - 8,
        width: x(cam.start_s + cam.thumb_count * cam.thumb_interval_s) - x(cam.start_s),
        preserveAspectRatio: "none", "clip-path": `url(#${clipId})`, opacity: chosen ? 1 : 0.7 });
      group.append(bar, strip);
      root.append(group);
      loadStrip(cam, strip);
    });
    const axisY = current.cameras.length * ROW_H + 4;
    root.append(svg("line", { x1: LABEL_W, x2: LABEL_W + TRACK_W, y1: axisY, y2: axisY, stroke: "#8ea0b2" }));
    const span = current.end_s - current.start_s;
    const step = span > 120 ? 30 : span > 40 ? 10 : span > 15 ? 5 : 1;
    for (let t = Math.ceil(current.start_s / step) * step; t <= current.end_s; t += step) {
      root.append(svg("line", { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5, stroke: "#8ea0b2" }),
        svg("text", { x: x(t), y: axisY + 18, "font-size": 10, "text-anchor": "middle" }, `${t}s`));
    }
    for (const m of highlights) {
      const px = x(m.peak_s);
      root.append(svg("path", { d: `M${px - 5} ${axisY - 8} L${px + 5} ${axisY - 8} L${px} ${axisY}`,
        fill: "#f5b942", style: "cursor:pointer", onclick: () => useHighlight(m) },
        svg("title", {}, `highlight #${m.rank}: ${m.peak_s.toFixed(1)} s`)));
    }
    windowRect = svg("rect", { id: "replay-window", y: 0, height: axisY, fill: "#3fa7ff",
      "fill-opacity": 0.18, stroke: "#3fa7ff", "pointer-events": "none" });
    root.append(windowRect);
    drawWindow();
    attachDrag(root);
    timelineBox.replaceChildren(root);
  }

  function attachDrag(root) {
    let anchor = null;
    const toT = (event) => {
      const box = root.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * root.viewBox.baseVal.width;
      return Math.max(current.start_s, Math.min(current.end_s, tAt(px)));
    };
    root.addEventListener("pointerdown", (event) => {
      const box = root.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * root.viewBox.baseVal.width;
      if (px < LABEL_W) return; // clicks on labels choose cameras
      anchor = toT(event);
      root.setPointerCapture?.(event.pointerId);
    });
    root.addEventListener("pointermove", (event) => {
      if (anchor === null) return;
      const t = toT(event);
      selection.start_s = Math.min(anchor, t);
      selection.end_s = Math.max(anchor, t);
      drawWindow();
    });
    root.addEventListener("pointerup", (event) => {
      if (anchor === null) return;
      const t = toT(event);
      const moved = Math.abs(t - anchor) > 0.2;
      const start = anchor;
      anchor = null;
      if (moved) {
        justDragged = true;
        setTimeout(() => { justDragged = false; }, 0);
        setWindow(start, t);
      }
    });
  }

  async function loadStrip(cam, image) {
    try {
      const response = await api(cam.thumbnails_url, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      objectUrls.push(url);
      if (alive) image.setAttribute("href", url);
    } catch {
      // A missing strip leaves the plain bar; the camera can still be chosen.
    }
  }

  function importForm() {
    const name = h("input", { id: "replay-import-name", placeholder: "set name" });
    const files = h("textarea", { id: "replay-import-files", rows: 3,
      placeholder: "one server path per line, e.g. /data/cam1.mp4" });
    const bar = h("div", { class: "progress", hidden: true }, h("div", { style: "width:0%" }));
    async function submit(event) {
      event.preventDefault();
      const paths = files.value.split("\n").map((s) => s.trim()).filter(Boolean);
      try {
        const job = await api("/api/replay/sets", { method: "POST", body: { name: name.value.trim(), files: paths } });
        bar.hidden = false;
        const done = await waitForJob(job.job_id, (j) => { bar.firstChild.style.width = `${Math.round(j.progress * 100)}%`; });
        if (done.status === "failed") throw new Error(done.error);
        toast(`Imported ${name.value}`, "ok");
        loadSets(name.value.trim());
      } catch (error) {
        toast(`Import failed: ${error.message}`, "error");
      } finally {
        bar.hidden = true;
      }
    }
    return h("details", { class: "replay-import" },
      h("summary", {}, "Import a camera set (operator)"),
      h("form", { onsubmit: submit }, name, files,
        h("button", { type: "submit", class: "primary", id: "replay-import-submit" }, "Import")),
      bar);
  }

  return () => {
    alive = false;
    for (const url of objectUrls) URL.revokeObjectURL(url);
  };
}
