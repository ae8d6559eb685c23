// Replay Studio page: pick a session's cameras and moment (recordings), then render a clip.
import { h } from "../app.js";
import { renderRecordings } from "./replay/recordings.js";
import { renderClips } from "./replay/clips.js";

export function renderReplay(main, ctx) {
  main.append(h("h1", {}, "Replay Studio"));
  // The recordings panel tells the clips panel what the fan picked through this shared state.
  const selection = { set: null, cameras: [], start_s: null, end_s: null, listeners: [] };
  selection.changed = () => selection.listeners.forEach((fn) => fn(selection));
  const left = h("section", { class: "panel", id: "replay-recordings" });
  const right = h("section", { class: "panel", id: "replay-clips" });
  main.append(h("div", { class: "grid2" }, left, right));
  const c1 = renderRecordings(left, { ...ctx, selection });
  const c2 = renderClips(right, { ...ctx, selection });
  return () => { for (const c of [c1, c2]) if (typeof c === "function") c(); };
}
