// Smart Pass page.
import { h } from "../app.js";

export function renderPass(main) {
  main.append(h("h1", {}, "Smart Pass"));
}
