// City Brain page.
import { h } from "../app.js";

export function renderBrain(main) {
  main.append(h("h1", {}, "City Brain"));
}
