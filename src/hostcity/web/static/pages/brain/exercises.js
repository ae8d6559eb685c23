// Detector exercises on the Incidents tab: stall a vehicle over a twin loop and see whether,
// and how fast, incident detection raises it.
import { api, h, toast, errorText } from "../../app.js";

const STATE_TEXT = {
  waiting: "waiting for a vehicle over the loop",
  stalled: "a vehicle is stalled over the loop",
  over: "over, the vehicle drove on",
  expired: "ended",
};

function outcome(ex) {
  if (ex.incident_id !== null) {
    const after = ex.detected_after_s === null ? "" : ` ${ex.detected_after_s} s (simulated) after the stall`;
    return h("b", { class: "ok" }, ` · detected: incident #${ex.incident_id}${after}`);
  }
  if (ex.state === "stalled") return h("span", { class: "muted" }, " · not detected yet");
  if (ex.state === "over") return h("span", { class: "warn" }, " · not detected");
  return "";
}

// The panel (operators book, everyone sees the list); ``refresh`` returns the exercises.
export function exercisePanel(isOperator) {
  const picker = h("select", { id: "exercise-detector", "aria-label": "detector" });
  const minutes = h("input", { id: "exercise-minutes", type: "number", min: 1, max: 30, step: 1, value: 5,
    style: "width:4em", "aria-label": "minutes" });
  const start = h("button", { id: "exercise-start", type: "button", class: "primary", onclick: book },
    "Stall a vehicle");
  const items = h("ul", { id: "exercise-list", class: "muted" });
  const learning = h("p", { id: "exercise-learning", class: "warn", hidden: true });
  const tally = h("p", { id: "exercise-summary", hidden: true });
  const bookRow = isOperator ? h("p", { id: "exercise-book" }, picker, " for ", minutes, " min ", start) : null;
  const el = h("div", { class: "panel", id: "exercise-panel" },
    h("h3", {}, "Exercise the detector"),
    h("p", { class: "muted" }, "Stall the next vehicle over a loop of the live twin and watch detection raise it. ",
      "Its incident is marked as an exercise: CAP status 'Exercise', and dismissing it does not tune detection."),
    bookRow,
    learning, tally, items);

  async function loadDetectors() {
    if (!isOperator) return;
    try {
      const data = await api("/api/brain/detectors");
      // busiest first: a vehicle comes soonest there
      const loops = data.detectors.map((d) => ({ id: d.id, street: d.street || "",
        flow: d.latest ? d.latest.flow_veh_per_h || 0 : 0 }))
        .sort((a, b) => b.flow - a.flow || a.id.localeCompare(b.id));
      picker.replaceChildren(...loops.map((d) => h("option", { value: d.id },
        `${d.street ? `${d.street} · ` : ""}${d.id} (${Math.round(d.flow)} veh/h)`)));
      if (!loops.length) picker.append(h("option", { value: "" }, "no loops yet (is the twin running?)"));
    } catch (err) { picker.replaceChildren(h("option", { value: "" }, errorText(err))); }
  }

  async function book() {
    try {
      const made = await api("/api/brain/incidents/exercises", { method: "POST",
        body: { detector: picker.value, minutes: Number(minutes.value) } });
      toast(`exercise ${made.id} booked at ${made.detector}`, "ok");
      await refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function refresh() {
    try {
      const data = await api("/api/brain/incidents/exercises");
      const sum = data.summary;
      tally.hidden = !sum.stalled;
      tally.textContent = `Detection raised ${sum.detected} of ${sum.stalled} stalled vehicle(s)` +
        (sum.mean_detected_after_s === null ? "." : `, on average ${sum.mean_detected_after_s} s (simulated) after the stall.`);
      const left = data.detection_learning_s;
      learning.hidden = !(left === null ? data.twin_running : left > 0);
      if (bookRow) bookRow.hidden = !data.twin_running;  // only the live twin has vehicles to stall
      learning.textContent = left === null
        ? "Detection starts learning normal traffic with the twin's first loop readings."
        : data.twin_running
          ? `Detection is still learning normal traffic: ${Math.ceil(left / 60)} simulated min to go. ` +
            "A vehicle stalled before then is not raised."
          : `Detection is still learning the sensors' normal traffic: ${Math.ceil(left / 60)} min of ` +
            "readings to go.";
      items.replaceChildren(...data.exercises.map((ex) => h("li", { id: `exercise-${ex.id}`, dataset: { state: ex.state } },
        `#${ex.id} at ${ex.detector}, ${ex.minutes} min: ${STATE_TEXT[ex.state] || ex.state}`,
        ex.note ? ` (${ex.note})` : "", outcome(ex))));
      if (!data.exercises.length) {
        items.append(h("li", {}, data.twin_running ? "No exercise yet." : "The twin is not running: no exercise can be played."));
      }
      return data.exercises;
    } catch (err) {
      items.replaceChildren(h("li", { class: "warn" }, errorText(err)));
      return [];
    }
  }

  loadDetectors();
  return { el, refresh };
}
