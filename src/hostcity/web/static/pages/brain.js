// City Brain page: the live map and the forecasts, as tabs.
import { h, tabs } from "../app.js";
import { renderTwin } from "./brain/twin.js";
import { renderForecast } from "./brain/forecast.js";
import { renderIncidents } from "./brain/incidents.js";
import { renderEmergency } from "./brain/emergency.js";

export function renderBrain(main, ctx) {
  main.append(h("h1", {}, "City Brain"));
  return tabs(main, [
    { id: "live", title: "Live traffic", render: renderTwin },
    { id: "incidents", title: "Incidents", render: renderIncidents },
    { id: "emergency", title: "Emergency", render: renderEmergency },
    { id: "forecast", title: "Forecasts", render: renderForecast },
  ], ctx);
}
