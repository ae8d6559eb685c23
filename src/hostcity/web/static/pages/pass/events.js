// Smart Pass "Athletes & agenda" tab: search athletes, follow them, see the agenda by day.
import { api, h, svg, toast } from "../../app.js";

const DAY_START_H = 6;
const DAY_END_H = 24;

// "2026-02-07T11:30:00+01:00" -> "11:30" (the venue's local time, whatever the browser's zone).
function hhmm(isoLocal) { return isoLocal.slice(11, 16); }
function minutesOfDay(isoLocal) { return Number(isoLocal.slice(11, 13)) * 60 + Number(isoLocal.slice(14, 16)); }
function mins(seconds) { return `${Math.round(Math.abs(seconds) / 60)} min`; }

export function renderAgenda(el, ctx) {
  if (!ctx.user) {
    el.append(h("p", { class: "muted" }, "Log in with a fan token to follow athletes and build your agenda."));
    return undefined;
  }
  const following = new Set();
  const search = h("input", { id: "athlete-search", type: "search", placeholder: "Athlete name, e.g. odegard", autocomplete: "off" });
  const noc = h("input", { id: "athlete-noc", placeholder: "NOC (ITA)", size: 6 });
  const results = h("div", { id: "athlete-results" });
  const followsEl = h("div", { id: "follows", class: "tiles" });
  const teamButton = h("button", { id: "follow-noc", type: "button", hidden: true,
    onclick: () => toggle("noc", noc.value.trim().toUpperCase(), teamButton) }, "");
  const eventFilter = h("input", { id: "event-filter", type: "search", placeholder: "Filter, e.g. big air", autocomplete: "off" });
  const eventsEl = h("ul", { id: "event-list", class: "event-list", style: "max-height:260px;overflow:auto;padding-left:0;list-style:none" });
  let allEvents = null;  // until loaded
  let eventsError = "";
  const agendaEl = h("div", { id: "agenda" }, h("p", { class: "muted" }, "Loading your agenda..."));
  const icsButton = h("button", { id: "agenda-ics", type: "button", onclick: downloadIcs }, "Download .ics");
  const seenButton = h("button", { id: "agenda-seen", type: "button", onclick: markSeen }, "Mark changes as seen");
  let timer = null;
  let alive = true;

  el.append(
    h("div", { class: "grid2" },
      h("section", { class: "panel" },
        h("h2", {}, "My agenda"),
        h("div", { class: "tiles" }, icsButton, seenButton),
        agendaEl),
      h("section", { class: "panel" },
        h("h2", {}, "Follow"),
        h("div", { class: "login" }, search, noc, teamButton),
        results,
        h("h3", {}, "Events"),
        h("div", { class: "login" }, eventFilter),
        eventsEl,
        h("h3", {}, "Following"),
        followsEl)));

  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 250);
  }
  search.addEventListener("input", onInput);
  noc.addEventListener("input", onInput);
  noc.addEventListener("input", showTeamButton);
  eventFilter.addEventListener("input", showEvents);

  // A three-letter NOC offers to follow the whole team.
  function showTeamButton() {
    const code = noc.value.trim().toUpperCase();
    teamButton.hidden = !/^[A-Z]{3}$/.test(code);
    const on = following.has(`noc:${code}`);
    teamButton.textContent = on ? `Following team ${code}` : `Follow team ${code}`;
    teamButton.className = on ? "" : "primary";
  }

  function showEvents() {
    if (allEvents === null) {
      eventsEl.replaceChildren(eventsError ? h("li", { class: "error" }, eventsError)
        : h("li", { class: "muted" }, "Loading events..."));
      return;
    }
    const words = eventFilter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = allEvents.filter((e) => {
      const text = `${e.discipline} ${e.event}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
    eventsEl.replaceChildren(...(shown.length ? shown.map((e) => {
      const on = following.has(`event:${e.id}`);
      const button = h("button", { id: `follow-event-${e.id}`, type: "button", class: on ? "" : "primary",
        onclick: () => toggle("event", String(e.id), button) }, on ? "Following" : "Follow");
      return h("li", { class: "event", style: "margin:4px 0" }, button, " ", h("b", {}, e.discipline), `: ${e.event}`);
    }) : [h("li", { class: "muted" }, allEvents.length ? "No event matches." : "No events imported.")]));
  }

  async function loadEvents() {
    try {
      allEvents = await api("/api/pass/events");
    } catch (error) {
      eventsError = error.message;
    }
    if (alive) showEvents();
  }

  async function runSearch() {
    const q = search.value.trim();
    const team = noc.value.trim();
    if (!q && !team) { results.replaceChildren(); return; }
    const params = new URLSearchParams({ limit: "25" });
    if (q) params.set("q", q);
    if (team) params.set("noc", team);
    try {
      const found = await api(`/api/pass/athletes?${params}`);
      if (!alive) return;
      results.replaceChildren(...(found.length ? found.map(athleteRow) : [h("p", { class: "muted" }, "No athlete matches.")]));
    } catch (error) {
      results.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }

  function athleteRow(a) {
    const key = `athlete:${a.id}`;
    const on = following.has(key);
    const button = h("button", {
      id: `follow-${a.id}`, type: "button", class: on ? "" : "primary",
      onclick: () => toggle("athlete", String(a.id), button),
    }, on ? "Following" : "Follow");
    const events = a.events.map((e) => `${e.discipline}: ${e.event}`).join("; ");
    return h("div", { class: "athlete", dataset: { athleteId: a.id } },
      h("b", {}, a.name), ` (${a.noc}) `, h("span", { class: "muted" }, events), " ", button);
  }

  async function toggle(kind, target, button) {
    const key = `${kind}:${target}`;
    try {
      if (following.has(key)) {
        await api(`/api/pass/follows/${kind}/${encodeURIComponent(target)}`, { method: "DELETE" });
        toast("Unfollowed", "ok");
      } else {
        const made = await api("/api/pass/follows", { method: "POST", body: { kind, target } });
        toast(`Following ${made.label}`, "ok");
      }
    } catch (error) {
      toast(error.message, "error");
      return;
    }
    await refresh();
    if (button && kind === "athlete") {
      const on = following.has(key);
      button.textContent = on ? "Following" : "Follow";
      button.className = on ? "" : "primary";
    }
  }

  // The follow button of a followed thing, where it is on screen.
  function followButton(kind, target) {
    if (kind === "athlete") return document.getElementById(`follow-${target}`);
    return null;  // event and team buttons are redrawn from the follows on each refresh
  }

  async function loadFollows() {
    const list = await api("/api/pass/follows");
    following.clear();
    for (const f of list) following.add(`${f.kind}:${f.target}`);
    followsEl.replaceChildren(...(list.length ? list.map((f) => h("span", { class: "tile" }, f.label, " ",
      h("button", { type: "button", id: `unfollow-${f.kind}-${f.target}`, title: "Unfollow",
        onclick: () => toggle(f.kind, f.target, followButton(f.kind, f.target)) }, "×")))
      : [h("p", { class: "muted" }, "Nothing yet: follow an athlete, a team or an event.")]));
    showTeamButton();
    showEvents();
  }

  async function loadAgenda() {
    const data = await api("/api/pass/agenda");
    if (!alive) return;
    if (!data.items.length) {
      agendaEl.replaceChildren(h("p", { class: "muted" }, "Your agenda is empty. Follow an athlete, a team or an event."));
      return;
    }
    const summary = h("p", {},
      `${data.items.length} sessions`,
      data.unreachable ? h("span", { class: "warn" }, ` · ${data.unreachable} you cannot reach in time`) : "",
      data.changed ? h("span", { class: "warn" }, ` · ${data.changed} changed since you last looked`) : "");
    const days = new Map();
    for (const item of data.items) {
      if (!days.has(item.day_local)) days.set(item.day_local, []);
      days.get(item.day_local).push(item);
    }
    const blocks = [...days.entries()].map(([day, items]) => h("div", { class: "agenda-day", dataset: { day } },
      h("h3", {}, day), dayChart(items), h("ol", { class: "agenda-list" }, items.map(agendaItem))));
    agendaEl.replaceChildren(summary, ...blocks);
  }

  function dayChart(items) {
    const width = 600; const rowH = 16; const span = (DAY_END_H - DAY_START_H) * 60;
    const x = (m) => 10 + ((Math.max(DAY_START_H * 60, Math.min(DAY_END_H * 60, m)) - DAY_START_H * 60) / span) * (width - 20);
    const ticks = [];
    for (let hour = DAY_START_H; hour <= DAY_END_H; hour += 3) {
      ticks.push(svg("line", { x1: x(hour * 60), x2: x(hour * 60), y1: 0, y2: items.length * rowH + 4, stroke: "#2a3846" }),
        svg("text", { x: x(hour * 60), y: items.length * rowH + 16, "font-size": 10,
          "text-anchor": hour === DAY_START_H ? "start" : hour === DAY_END_H ? "end" : "middle" },
        document.createTextNode(`${hour}:00`)));
    }
    const bars = items.map((item, i) => {
      const start = minutesOfDay(item.start_local);
      let end = minutesOfDay(item.end_local);
      if (end <= start) end = DAY_END_H * 60;
      const colour = item.status === "cancelled" ? "#8ea0b2" : item.reachable === false ? "#ff5d5d" : "#3fa7ff";
      return svg("rect", { x: x(start), y: i * rowH + 2, width: Math.max(3, x(end) - x(start)), height: rowH - 4, rx: 3,
        fill: colour, "data-session": item.session_id },
        svg("title", {}, document.createTextNode(`${hhmm(item.start_local)} ${item.phase} @ ${item.venue.name}`)));
    });
    return svg("svg", { class: "agenda-chart", width: "100%", viewBox: `0 0 ${width} ${items.length * rowH + 20}`,
      role: "img", "aria-label": "sessions of the day on a time line" }, ...ticks, ...bars);
  }

  function agendaItem(item) {
    const cancelled = item.status === "cancelled";
    const flags = [];
    if (cancelled) flags.push(h("span", { class: "error" }, " Cancelled"));
    if (item.reachable === false) {
      const from = item.previous_place ? item.previous_place.name : "the previous session";
      const detail = item.travel_s === null ? "the sessions overlap"
        : `needs ${mins(item.travel_s)}, ${item.slack_s < 0 ? `${mins(item.slack_s)} short` : ""}`;
      flags.push(h("span", { class: "warn reach-flag" }, ` ⚠ cannot reach in time from ${from} (${detail})`));
    } else if (item.reachable === true && item.travel_s > 0) {
      flags.push(h("span", { class: "ok" }, ` ✓ ${mins(item.travel_s)} from ${item.previous_place.name}`));
    }
    const changes = item.changes.map((c) => h("div", { class: "warn change" },
      c.kind === "moved" ? `Moved: was ${c.before}` : c.kind === "venue" ? `New venue: was ${c.before}`
        : c.kind === "cancelled" ? "Cancelled since you last looked" : `Back on (was ${c.before})`));
    return h("li", { id: `agenda-item-${item.session_id}`, class: cancelled ? "cancelled" : "",
      dataset: { reachable: String(item.reachable), status: item.status } },
      h("b", { style: cancelled ? "text-decoration: line-through" : null },
        `${hhmm(item.start_local)}–${hhmm(item.end_local)} `), `${item.discipline}: ${item.phase}`,
      item.medal ? h("span", { class: "ok medal" }, " · medal") : "",
      h("div", { class: "muted" }, `${item.venue.name} (${item.timezone}) · ${item.reasons.join(", ")}`),
      ...flags, tripLine(item), ...changes);
  }

  // The suggested trip from the previous session's venue, linked to the Trips tab.
  function tripLine(item) {
    if (!item.trip) return "";
    const link = h("a", { href: item.trip.link, id: `agenda-trip-${item.session_id}`, class: "agenda-trip" },
      item.trip.error ? "plan a trip" : `trip: leave ${hhmm(item.trip.depart)}, arrive ${hhmm(item.trip.arrive)}` +
        ` (${item.trip.modes.join(" + ")}${item.trip.transfers ? `, ${item.trip.transfers} change` : ""})`);
    return h("div", { class: "muted" }, "🚌 ", link, item.trip.error ? ` — ${item.trip.error}` : "");
  }

  async function downloadIcs() {
    try {
      const response = await api("/api/pass/agenda.ics", { raw: true });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: "hostcity-agenda.ics" });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function markSeen() {
    try {
      const done = await api("/api/pass/agenda/seen", { method: "POST" });
      toast(`Marked ${done.marked} sessions as seen`, "ok");
      await loadAgenda();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function refresh() {
    try {
      await loadFollows();
      await loadAgenda();
    } catch (error) {
      agendaEl.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }

  refresh();
  loadEvents();
  return () => { alive = false; clearTimeout(timer); };
}
