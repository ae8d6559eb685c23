// brain/twin tab (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderTwin(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
