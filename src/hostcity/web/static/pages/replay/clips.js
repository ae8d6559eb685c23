// Replay clips panel (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderClips(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
