// Replay clips panel: options for the clip the fan picked in the recordings panel, a Render
// button with live job progress, then a preview and a download of the finished MP4.
import { api, h, svg, toast, waitForJob } from "../../app.js";

const PLAN_W = 420;
const PLAN_H = 34;
const COLOURS = { intro: "#3fa7ff", title: "#8ea0b2", main: "#3ecf8e", slowmo: "#f5b942",
  sweep: "#c78bff", replay: "#ff8a5d", outro: "#3fa7ff" };

export function renderClips(el, ctx) {
  const selection = ctx.selection || { listeners: [] };
  const objectUrls = [];
  let alive = true;
  let busy = false;

  const summary = h("p", { id: "clip-selection", class: "muted" }, "Pick a session, angle and window.");
  const format = h("select", { id: "clip-format" },
    h("option", { value: "landscape" }, "Landscape 16:9 (1920×1080)"),
    h("option", { value: "vertical" }, "Vertical 9:16 (1080×1920)"),
    h("option", { value: "square" }, "Square 1:1 (1080×1080)"));
  const slowmo = h("input", { id: "clip-slowmo", type: "checkbox" });
  const slowmoFactor = h("select", { id: "clip-slowmo-factor" },
    ...[2, 3, 4].map((f) => h("option", { value: String(f) }, `${f}× slower`)));
  const replay = h("input", { id: "clip-replay", type: "checkbox" });
  const sweep = h("input", { id: "clip-sweep", type: "checkbox" });
  const title = h("input", { id: "clip-title", type: "text", maxlength: "120", placeholder: "Title card (optional)" });
  const athlete = h("input", { id: "clip-athlete", type: "text", maxlength: "80", placeholder: "Athlete" });
  const eventName = h("input", { id: "clip-event", type: "text", maxlength: "120", placeholder: "Event" });
  const score = h("input", { id: "clip-score", type: "text", maxlength: "40", placeholder: "Score" });
  const brand = h("input", { id: "clip-brand", type: "text", maxlength: "120", placeholder: "Event name for intro/outro" });
  const loudness = h("select", { id: "clip-loudness" },
    h("option", { value: "social" }, "Social (−14 LUFS)"),
    h("option", { value: "broadcast" }, "Broadcast (−23 LUFS, EBU R128)"));
  const renderButton = h("button", { id: "clip-render", type: "button", class: "primary", onclick: render }, "Render");
  const bar = h("div", { style: "width: 0%" });
  const progress = h("div", { id: "clip-progress", class: "progress", role: "progressbar",
    "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" }, bar);
  const status = h("p", { id: "clip-status", class: "muted" });
  const plan = svg("svg", { id: "clip-plan", width: PLAN_W, height: PLAN_H, viewBox: `0 0 ${PLAN_W} ${PLAN_H}` });
  const preview = h("video", { id: "clip-preview", controls: true, playsinline: true, hidden: true,
    style: "max-width: 100%; max-height: 420px; background: #000; border-radius: 8px" });
  const download = h("a", { id: "clip-download", hidden: true, download: "clip.mp4" }, "Download MP4");

  for (const input of [format, slowmo, slowmoFactor, replay, sweep, title, brand]) {
    input.addEventListener("change", drawPlan);
  }
  el.append(
    h("h2", {}, "Clip"),
    summary,
    h("div", { class: "clip-options", style: "display: grid; gap: 8px" },
      h("label", {}, "Format ", format),
      h("label", {}, slowmo, " Slow motion of the middle third ", slowmoFactor),
      h("label", {}, replay, " Replay the key moment from every camera"),
      h("label", {}, sweep, " Frozen-moment sweep at the middle"),
      title,
      h("div", { style: "display: flex; gap: 6px; flex-wrap: wrap" }, athlete, eventName, score),
      brand,
      h("label", {}, "Loudness ", loudness)),
    h("p", {}, "Planned clip:"),
    plan,
    h("p", {}, renderButton),
    progress,
    status,
    preview,
    h("p", {}, download),
  );

  const onSelection = () => { if (alive) { describeSelection(); drawPlan(); } };
  if (!selection.listeners) selection.listeners = [];
  selection.listeners.push(onSelection);
  onSelection();

  function ready() {
    return selection.set && selection.cameras && selection.cameras.length &&
      Number.isFinite(selection.start_s) && Number.isFinite(selection.end_s) &&
      selection.end_s > selection.start_s;
  }

  function describeSelection() {
    renderButton.disabled = !ready() || busy;
    if (!ready()) {
      summary.textContent = "Pick a session, angle(s) and a window in the recordings panel.";
      return;
    }
    summary.textContent = `${selection.set}: ${selection.cameras.join(", ")}, ` +
      `${selection.start_s.toFixed(2)}–${selection.end_s.toFixed(2)} s`;
  }

  function keyMoment() {
    const third = (selection.end_s - selection.start_s) / 3;
    return { start_s: round(selection.start_s + third), end_s: round(selection.end_s - third) };
  }

  function spec() {
    const body = {
      set: selection.set,
      angles: selection.cameras,
      start_s: round(selection.start_s),
      end_s: round(selection.end_s),
      format: format.value,
      loudness: loudness.value,
    };
    if (slowmo.checked) body.slowmo = { ...keyMoment(), factor: Number(slowmoFactor.value) };
    if (replay.checked) body.replay = keyMoment();
    if (sweep.checked) body.sweep = { at_s: round((selection.start_s + selection.end_s) / 2) };
    if (title.value.trim()) body.title = { text: title.value.trim() };
    if (athlete.value.trim()) {
      body.lower_third = { athlete: athlete.value.trim(), event: eventName.value.trim(), score: score.value.trim() };
    }
    if (brand.value.trim()) body.branding = { event_name: brand.value.trim() };
    return body;
  }

  // The planned clip as coloured blocks, proportional to their length (an estimate of the EDL).
  function drawPlan() {
    plan.replaceChildren();
    if (!ready()) return;
    const windowLen = selection.end_s - selection.start_s;
    const moment = keyMoment();
    const momentLen = moment.end_s - moment.start_s;
    const cameraCount = selection.set_info && selection.set_info.cameras
      ? selection.set_info.cameras.length : selection.cameras.length;
    const parts = [];
    if (brand.value.trim()) parts.push(["intro", 1.5]);
    if (title.value.trim()) parts.push(["title", 2]);
    if (slowmo.checked) {
      const factor = Number(slowmoFactor.value);
      parts.push(["main", moment.start_s - selection.start_s], ["slowmo", momentLen * factor],
        ["main", selection.end_s - moment.end_s]);
    } else {
      parts.push(["main", windowLen]);
    }
    if (sweep.checked) parts.push(["sweep", 0.4 * cameraCount]);
    if (replay.checked) parts.push(["replay", momentLen * cameraCount]);
    if (brand.value.trim()) parts.push(["outro", 1.5]);
    const total = parts.reduce((sum, [, len]) => sum + len, 0);
    let x = 0;
    for (const [kind, len] of parts) {
      const w = (len / total) * PLAN_W;
      plan.append(svg("rect", { x, y: 4, width: Math.max(1, w - 1), height: PLAN_H - 16, fill: COLOURS[kind] },
        svg("title", {}, `${kind}: ${len.toFixed(1)} s`)));
      x += w;
    }
    plan.append(svg("text", { x: PLAN_W - 4, y: PLAN_H - 1, "text-anchor": "end", "font-size": 10 },
      `≈ ${total.toFixed(1)} s`));
  }

  function setProgress(fraction, message) {
    const pct = Math.round(fraction * 100);
    bar.style.width = `${pct}%`;
    progress.setAttribute("aria-valuenow", String(pct));
    status.textContent = message;
  }

  async function render() {
    if (!ready() || busy) return;
    busy = true;
    renderButton.disabled = true;
    preview.hidden = true;
    download.hidden = true;
    setProgress(0, "submitting…");
    try {
      let result = await api("/api/replay/clips", { method: "POST", body: spec() });
      if (result.job_id) {
        const job = await waitForJob(result.job_id, (j) => {
          if (alive) setProgress(j.progress, `${j.status}: ${j.message}`);
        });
        if (job.status !== "succeeded") throw new Error(job.error || "the render failed");
        result = job.result;
      }
      if (!alive) return;
      await show(result);
    } catch (error) {
      if (alive) {
        setProgress(0, `failed: ${error.message}`);
        toast(`Render failed: ${error.message}`, "error");
      }
    } finally {
      busy = false;
      if (alive) describeSelection();
    }
  }

  async function show(result) {
    const response = await api(result.download_url, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    objectUrls.push(url);
    preview.src = url;
    preview.hidden = false;
    download.href = url;
    download.download = `${result.set}-${result.clip_id.slice(0, 8)}.mp4`;
    download.hidden = false;
    setProgress(1, `done: ${result.duration_s.toFixed(2)} s, ${(result.size_bytes / 1e6).toFixed(1)} MB` +
      (result.cached ? " (cached)" : ""));
    toast("Clip ready", "ok");
  }

  return () => {
    alive = false;
    const index = selection.listeners.indexOf(onSelection);
    if (index >= 0) selection.listeners.splice(index, 1);
    for (const url of objectUrls) URL.revokeObjectURL(url);
  };
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}
