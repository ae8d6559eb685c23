// Replay recordings panel (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderRecordings(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
