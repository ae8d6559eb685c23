// Home: what HostCity is, the platform's health, and a door to each pillar with what is on now.
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
        h("h2", {}, p.title), h("p", {}, p.text),
        h("p", { class: "now", id: `now-${p.page}`, hidden: true })))));
  if (user) showNow(user);
  api("/api/health").then((data) => {
    health.textContent = `Platform ${data.status} · version ${data.version} · database ${data.database}`;
    health.className = "ok";
  }).catch((error) => {
    health.textContent = `Platform unreachable: ${error.message}`;
    health.className = "error";
  });
}

// What is going on now, on each card: figures from the pillars' own APIs, as far as the
// signed-in role may read them (a figure that cannot be read is left out).
async function showNow(user) {
  const get = (path) => api(path).catch(() => null);
  const staff = user.role === "operator";
  const visitor = user.role === "fan" || staff;
  const [twin, incidents, units, agenda, events, sets] = await Promise.all([
    get("/api/brain/twin/status"), get("/api/brain/incidents?status=open"),
    staff ? get("/api/brain/emergency/units") : null, visitor ? get("/api/pass/agenda?trips=false") : null,
    get("/api/pass/events"), get("/api/replay/sets")]);
  const brain = [];
  if (twin && twin.state.startsWith("running")) {
    let text = `Twin running: ${twin.vehicles ?? "–"} vehicles`;
    if (twin.clock_epoch && twin.time_compression !== 1) {
      const at = new Date(Date.parse(twin.clock_epoch) + twin.sim_time_s * twin.time_compression * 1000);
      text += `, ${at.toISOString().slice(11, 16)} on the simulated day`;
    }
    brain.push(text);
  } else if (twin) {
    brain.push(`Twin ${twin.state}`);
  }
  if (incidents) brain.push(`${incidents.incidents.length} open incident(s)`);
  if (units) {
    const out = units.units.filter((u) => u.status !== "available").length;
    brain.push(`${out} of ${units.units.length} emergency units out`);
  }
  const pass = [];
  const next = agenda && agenda.items.find((i) => i.status !== "cancelled" && Date.parse(i.end_local) > Date.now());
  if (next) pass.push(`Your next session: ${next.start_local.slice(5, 10)} ${next.start_local.slice(11, 16)} ${next.discipline}, ${next.phase}`);
  else if (events) pass.push(`${events.length} events to follow`);
  const replay = [];
  if (sets) {
    const cameras = sets.sets.reduce((n, set) => n + set.cameras.length, 0);
    replay.push(`${sets.sets.length} camera set(s), ${cameras} cameras`);
  }
  for (const [page, parts] of [["brain", brain], ["pass", pass], ["replay", replay]]) {
    const el = document.getElementById(`now-${page}`);
    if (!el || !parts.length) continue;
    el.textContent = parts.join(" · ");
    el.hidden = false;
  }
}
