// Replay Studio page.
import { h } from "../app.js";

export function renderReplay(main) {
  main.append(h("h1", {}, "Replay Studio"));
}
