// Home: what HostCity is, the platform's health, and a door to each pillar.
import { api, h } from "../app.js";

const PILLARS = [
  { page: "brain", title: "City Brain", text: "The live traffic twin, adaptive signals, incidents, emergency response and forecasts, for the operations centre." },
  { page: "pass", title: "Smart Pass", text: "Face gates with consent, favourite athletes and their schedule, door-to-door trips and the quickest way out." },
  { page: "replay", title: "Replay Studio", text: "Pick your angle and moment from synchronised cameras and get a professionally edited clip." },
];

export function renderHome(main, { user }) {
  const health = h("p", { id: "health", class: "muted" }, "checking the platform...");
  main.append(
    h("section", { class: "hero" },
      h("h1", {}, "HostCity"),
      h("p", {}, "The open platform a host city runs for its Games."),
      health,
      user ? h("p", { id: "welcome" }, `Welcome, ${user.name}. You are signed in as ${user.role}.`)
           : h("p", { class: "muted" }, "Log in with a token (top right) to act; the demo prints one.")),
    h("section", { class: "cards" },
      PILLARS.map((p) => h("a", { class: "card", href: `#/${p.page}`, id: `card-${p.page}` },
        h("h2", {}, p.title), h("p", {}, p.text)))));
  api("/api/health").then((data) => {
    health.textContent = `Platform ${data.status} · version ${data.version} · database ${data.database}`;
    health.className = "ok";
  }).catch((error) => {
    health.textContent = `Platform unreachable: ${error.message}`;
    health.className = "error";
  });
}
