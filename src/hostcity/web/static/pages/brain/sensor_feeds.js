// Sensor feeds on the Live traffic tab (operators): the MQTT broker the server subscribes to,
// whether it is connected, and what came in: readings stored, messages refused and why.
import { api, h, errorText } from "../../app.js";

const REFRESH_MS = 5000;

function when(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : "never";
}

function feedItem(f) {
  const ok = f.state === "connected";
  const counts = `${f.messages.toLocaleString()} message(s), ${f.stored.toLocaleString()} reading(s) stored` +
    (f.rejected ? `, ${f.rejected.toLocaleString()} refused` : "") +
    (f.duplicates ? `, ${f.duplicates.toLocaleString()} redelivered (dropped)` : "") +
    (f.pending ? `, ${f.pending.toLocaleString()} waiting for the database` : "") +
    (f.given_up ? `, ${f.given_up.toLocaleString()} given up` : "");
  return h("li", { class: "feed", dataset: { state: f.state } },
    h("b", { class: ok ? "ok" : "warn" }, `MQTT ${f.state}`), ` since ${when(f.since)} · `,
    h("code", {}, f.broker), " ", h("code", {}, f.topic),
    h("div", {}, `${counts} · last message ${when(f.last_message_at)}`),
    f.problem ? h("div", { class: "warn" }, `Last problem (${when(f.problem_at)}): ${f.problem}`) : []);
}

export function sensorFeedsPanel() {
  const items = h("ul", { id: "sensor-feeds", class: "muted" }, h("li", {}, "Reading the feeds…"));
  const el = h("div", { class: "panel", id: "sensor-feeds-panel" }, h("h3", {}, "Sensor feeds"), items);
  let timer = null;
  let stopped = false;

  async function refresh() {
    try {
      const { feeds } = await api("/api/brain/feeds");
      items.replaceChildren(...(feeds.length ? feeds.map(feedItem) : [h("li", {},
        "No broker feed. Sensors post readings to ", h("code", {}, "/api/brain/observations"),
        "; set ", h("code", {}, "HOSTCITY_BRAIN__MQTT_URL"), " to subscribe to an MQTT broker.")]));
    } catch (err) {
      items.replaceChildren(h("li", { class: "warn" }, errorText(err)));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  refresh();
  return { el, stop: () => { stopped = true; clearTimeout(timer); } };
}
