// Detector sensitivity on the Incidents tab: the loops that dismissals made less sensitive,
// and (for operators) a reset for each, when the dismissals were mistakes.
import { api, h, toast, errorText } from "../../app.js";
import { loopLabel, loopStreets } from "./network.js";

export function sensitivityPanel(isOperator) {
  const items = h("ul", { id: "damping-list", class: "muted" });
  let streets = null;  // loop id -> street name, read once (a sensor without one shows its id)
  const el = h("div", { class: "panel", id: "damping-panel" },
    h("h3", {}, "Detector sensitivity"),
    h("p", { class: "muted" }, "Each dismissed incident raises its loop's alarm thresholds ×1.5 (at most ×8); ",
      "live detection follows within seconds. Dismissed exercises tune nothing."),
    items);

  async function reset(d) {
    try {
      await api(`/api/brain/incidents/damping/${encodeURIComponent(d.detector)}`, { method: "DELETE" });
      toast(`${d.detector} has its full sensitivity again`, "ok");
      await refresh();
    } catch (err) { toast(errorText(err), "error"); }
  }

  async function refresh() {
    try {
      const data = await api("/api/brain/incidents/damping");
      if (streets === null && data.detectors.length) streets = await loopStreets();
      items.replaceChildren(...(data.detectors.length ? data.detectors.map((d) => h("li", { id: `damping-${d.detector}` },
        h("b", {}, loopLabel(streets, d.detector)), ` · thresholds ×${d.damping.toFixed(2)} since ${new Date(d.updated_at).toLocaleTimeString()}`,
        isOperator ? [" ", h("button", { type: "button", id: `damping-reset-${d.detector}`, onclick: () => reset(d) }, "Reset")] : []))
        : [h("li", {}, "No loop is damped: every one alarms at full sensitivity.")]));
    } catch (err) {
      items.replaceChildren(h("li", { class: "warn" }, errorText(err)));
    }
  }

  return { el, refresh };
}
