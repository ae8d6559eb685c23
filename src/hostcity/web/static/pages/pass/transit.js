// pass/transit tab (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderTrips(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
