// brain/forecast tab (placeholder until the feature lands).
import { h } from "../../app.js";

export function renderForecast(el) {
  el.append(h("p", { class: "muted" }, "Coming soon."));
}
