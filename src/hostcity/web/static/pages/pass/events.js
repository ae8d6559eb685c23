// pass/events tab (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderAgenda(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
