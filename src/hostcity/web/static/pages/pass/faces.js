// Smart Pass faces: the enrolment kiosk (fan token) and the gate simulator (gate or operator token).
import { api, h, svg, toast } from "../../app.js";

// A file input plus an optional camera: getPhoto() resolves to a Blob or null.
function photoPicker(inputId, label) {
  const input = h("input", { id: inputId, type: "file", accept: "image/jpeg,image/png,image/webp" });
  const video = h("video", { autoplay: true, playsinline: true, muted: true, width: 320, height: 240, hidden: true });
  const preview = h("img", { class: "face-preview", alt: "", hidden: true, width: 240 });
  let captured = null;
  let stream = null;

  function show(blob) {
    preview.src = URL.createObjectURL(blob);
    preview.hidden = false;
  }
  input.addEventListener("change", () => {
    captured = null;
    if (input.files[0]) show(input.files[0]);
  });
  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      toast("No camera available in this browser: upload a photo instead", "error");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      video.srcObject = stream;
      video.hidden = false;
      snap.hidden = false;
    } catch (error) {
      toast(`Camera refused: ${error.message}`, "error");
    }
  }
  function capture() {
    const canvas = h("canvas", { width: video.videoWidth || 640, height: video.videoHeight || 480 });
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => { captured = blob; show(blob); }, "image/jpeg", 0.92);
  }
  function stop() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
  }
  const camera = h("button", { type: "button", id: `${inputId}-camera`, onclick: startCamera }, "Use camera");
  const snap = h("button", { type: "button", id: `${inputId}-snap`, onclick: capture, hidden: true }, "Take photo");
  const el = h("div", { class: "face-picker" },
    h("label", { for: inputId }, label), " ", input, " ", camera, " ", snap,
    h("div", {}, video, preview));
  return {
    el,
    stop,
    getPhoto: () => captured || (input.files && input.files[0]) || null,
  };
}

function qualityList(report) {
  if (!report) return null;
  const facts = `face ${report.face_width_px} px, sharpness ${report.sharpness}, turn ${report.yaw_ratio}, brightness ${report.brightness}`;
  if (report.ok) return h("p", { class: "ok" }, `Photo quality is good (${facts}).`);
  return h("div", {},
    h("p", { class: "error" }, "The photo cannot be used:"),
    h("ul", {}, report.issues.map((issue) => h("li", { dataset: { code: issue.code } }, issue.reason))),
    report.face_width_px ? h("p", { class: "muted" }, facts) : null);
}

export function renderKiosk(el, ctx) {
  if (!ctx.user) {
    el.append(h("p", { class: "muted" }, "Log in with a fan token to enrol your face."));
    return undefined;
  }
  const picker = photoPicker("kiosk-photo", "Your photo");
  const name = h("input", { id: "kiosk-name", placeholder: "Your name", autocomplete: "name" });
  const ticket = h("input", { id: "kiosk-ticket", placeholder: "Ticket ids, e.g. T-1001, T-2001" });
  const consent = h("input", { id: "kiosk-consent", type: "checkbox" });
  const consentText = h("p", { id: "kiosk-consent-text", class: "muted" }, "Loading the consent text...");
  const enrolButton = h("button", { id: "kiosk-enrol", type: "button", class: "primary", onclick: enrol }, "Enrol my face");
  const checkButton = h("button", { id: "kiosk-check", type: "button", onclick: check }, "Check photo");
  const result = h("div", { id: "kiosk-result", "aria-live": "polite" });
  const mine = h("div", { id: "kiosk-holders" });
  let consentVersion = "";

  el.append(h("div", { class: "grid2" },
    h("section", { class: "panel" },
      h("h2", {}, "Enrolment kiosk"),
      picker.el,
      h("p", {}, name), h("p", {}, ticket),
      h("h3", {}, "Consent"), consentText,
      h("p", {}, h("label", {}, consent, " I have read the consent text and agree.")),
      h("div", { class: "tiles" }, checkButton, enrolButton),
      result),
    h("section", { class: "panel" }, h("h2", {}, "My enrolments"), mine)));

  api("/api/pass/consent").then((c) => {
    consentVersion = c.version;
    consentText.replaceChildren(c.text, h("br"), h("small", {}, `Consent text version ${c.version}`));
  }).catch((error) => { consentText.textContent = error.message; });

  async function check() {
    const photo = picker.getPhoto();
    if (!photo) { result.replaceChildren(h("p", { class: "error" }, "Choose or take a photo first.")); return; }
    const body = new FormData();
    body.append("photo", photo, "photo.jpg");
    try {
      result.replaceChildren(qualityList(await api("/api/pass/quality", { method: "POST", body })));
    } catch (error) {
      result.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }

  async function enrol() {
    const photo = picker.getPhoto();
    if (!photo) { result.replaceChildren(h("p", { class: "error" }, "Choose or take a photo first.")); return; }
    if (!consent.checked) { result.replaceChildren(h("p", { class: "error" }, "Please read and accept the consent text.")); return; }
    const body = new FormData();
    body.append("photos", photo, "photo.jpg");
    body.append("name", name.value);
    body.append("ticket_ids", ticket.value);
    body.append("consent", "true");
    body.append("consent_version", consentVersion);
    enrolButton.disabled = true;
    result.replaceChildren(h("p", { class: "muted" }, "Checking the photo and enrolling..."));
    try {
      const done = await api("/api/pass/enrol", { method: "POST", body });
      result.replaceChildren(
        h("p", { class: "ok", id: "kiosk-enrolled", dataset: { holder: done.holder_id } },
          `Enrolled ${done.name} (holder ${done.holder_id}) for ${done.tickets.join(", ")}. The photo was discarded.`),
        ...done.quality.map(qualityList));
      toast("Enrolled", "ok");
      loadMine();
    } catch (error) {
      result.replaceChildren(h("p", { class: "error" }, error.message), error.body.hint ? h("p", { class: "muted" }, error.body.hint) : null);
    } finally {
      enrolButton.disabled = false;
    }
  }

  async function erase(holderId) {
    if (!confirm(`Erase the face data of holder ${holderId}? This takes effect at once.`)) return;
    try {
      await api(`/api/pass/holders/${holderId}`, { method: "DELETE" });
      toast(`Holder ${holderId} erased`, "ok");
      loadMine();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function loadMine() {
    try {
      const holders = await api("/api/pass/holders");
      mine.replaceChildren(holders.length ? h("table", {},
        h("tr", {}, h("th", {}, "Holder"), h("th", {}, "Name"), h("th", {}, "Tickets"), h("th", {}, "")),
        holders.map((x) => h("tr", {},
          h("td", {}, String(x.id)), h("td", {}, x.name),
          h("td", {}, x.tickets.map((t) => `${t.id} @ ${t.venue_id}`).join(", ")),
          h("td", {}, h("button", { type: "button", id: `kiosk-erase-${x.id}`, onclick: () => erase(x.id) }, "Erase"))))) :
        h("p", { class: "muted" }, "No enrolment yet."));
    } catch (error) {
      mine.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }
  loadMine();
  return () => picker.stop();
}

// A horizontal bar: the score against the admit threshold and the refer band.
function scoreBar(score, threshold, margin) {
  const lo = 0.7;
  const x = (v) => 10 + 380 * Math.min(1, Math.max(0, (v - lo) / (1 - lo)));
  return svg("svg", { width: 400, height: 44, viewBox: "0 0 400 44", id: "gate-score-bar" },
    svg("rect", { x: 10, y: 14, width: 380, height: 12, fill: "#2a3b4c" }),
    svg("rect", { x: x(threshold - margin), y: 14, width: x(threshold) - x(threshold - margin), height: 12, fill: "#c9a227" }),
    svg("rect", { x: x(threshold), y: 14, width: 390 - x(threshold), height: 12, fill: "#2e8b57" }),
    score === null ? null : svg("line", { x1: x(score), x2: x(score), y1: 6, y2: 34, stroke: "#fff", "stroke-width": 3 }),
    svg("text", { x: 10, y: 42, "font-size": 10 }, lo.toFixed(2)),
    svg("text", { x: x(threshold) - 12, y: 10, "font-size": 10 }, `admit ${threshold.toFixed(3)}`),
    svg("text", { x: 372, y: 42, "font-size": 10 }, "1.00"));
}

export function renderGate(el, ctx) {
  const user = ctx.user;
  if (!user || (user.role !== "gate" && user.role !== "operator")) {
    el.append(h("p", { class: "muted" }, "Log in with a gate-device token, or as an operator to simulate any venue's gate."));
    return undefined;
  }
  const isGate = user.role === "gate";
  const venue = h("input", { id: "gate-venue", value: isGate ? user.venue_id : "venue-1", disabled: isGate });
  const gateId = h("input", { id: "gate-id", value: "gate-1" });
  const ticket = h("input", { id: "gate-ticket", placeholder: "optional: ticket id for a 1:1 check" });
  const sessionId = h("input", { id: "gate-session", placeholder: "optional: session id" });
  const picker = photoPicker("gate-frame", "Camera frame");
  const verifyButton = h("button", { id: "gate-verify", type: "button", class: "primary", onclick: verify }, "Verify");
  const result = h("div", { id: "gate-result", "aria-live": "polite" });
  const log = h("div", { id: "gate-audit" });

  el.append(h("div", { class: "grid2" },
    h("section", { class: "panel" },
      h("h2", {}, "Gate simulator"),
      h("p", { class: "muted" }, isGate ? `This device is bound to venue ${user.venue_id}.` : "Operators may simulate the gate of any venue."),
      h("p", {}, h("label", {}, "Venue ", venue), " ", h("label", {}, "Gate ", gateId)),
      h("p", {}, ticket, " ", sessionId),
      picker.el,
      h("div", { class: "tiles" }, verifyButton),
      result),
    h("section", { class: "panel" }, h("h2", {}, "Recent decisions"), log)));

  async function verify() {
    const frame = picker.getPhoto();
    if (!frame) { result.replaceChildren(h("p", { class: "error" }, "Give a frame: upload one or use the camera.")); return; }
    const body = new FormData();
    body.append("frame", frame, "frame.jpg");
    if (!isGate) body.append("venue_id", venue.value.trim());
    if (ticket.value.trim()) body.append("ticket_id", ticket.value.trim());
    if (sessionId.value.trim()) body.append("session_id", sessionId.value.trim());
    verifyButton.disabled = true;
    const started = performance.now();
    try {
      const d = await api(`/api/pass/gates/${encodeURIComponent(gateId.value.trim() || "gate-1")}/verify`, { method: "POST", body });
      const roundTrip = performance.now() - started;
      const cls = d.decision === "admit" ? "ok" : d.decision === "refer" ? "warn" : "error";
      const status = await api("/api/pass/faces/status").catch(() => ({ refer_margin: 0.02 }));
      result.replaceChildren(
        h("p", { class: `decision ${cls}`, id: "gate-decision", dataset: { decision: d.decision } },
          h("b", { style: "font-size: 2rem" }, d.decision.toUpperCase()),
          d.holder_id ? ` holder ${d.holder_id}` : ""),
        h("p", {}, d.reason),
        scoreBar(d.score, d.threshold, status.refer_margin),
        h("p", { class: "muted" },
          `${d.mode} at ${d.venue_id}/${d.gate_id}; score ${d.score === null ? "-" : d.score.toFixed(3)}; ` +
          `decision ${d.timing_ms.total} ms on the server (detection ${d.timing_ms.detect} ms), ${roundTrip.toFixed(0)} ms round trip`));
      loadLog();
    } catch (error) {
      result.replaceChildren(h("p", { class: "error" }, error.message));
    } finally {
      verifyButton.disabled = false;
    }
  }

  async function loadLog() {
    if (isGate) { log.replaceChildren(h("p", { class: "muted" }, "The audit log is for operators.")); return; }
    try {
      const rows = await api(`/api/pass/gates/audit?limit=15&venue_id=${encodeURIComponent(venue.value.trim())}`);
      log.replaceChildren(h("table", {},
        h("tr", {}, h("th", {}, "Time"), h("th", {}, "Gate"), h("th", {}, "Decision"), h("th", {}, "Score"), h("th", {}, "ms")),
        rows.map((r) => h("tr", {},
          h("td", {}, r.at.slice(11, 19)), h("td", {}, r.gate_id), h("td", {}, r.decision),
          h("td", {}, r.score === null ? "-" : r.score.toFixed(3)), h("td", {}, String(r.elapsed_ms))))));
    } catch (error) {
      log.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }
  loadLog();
  return () => picker.stop();
}
