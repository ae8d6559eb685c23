// Enrolment kiosk and gate simulator tabs (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderKiosk(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}

export function renderGate(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
