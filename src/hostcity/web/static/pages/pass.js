// Smart Pass page: the enrolment kiosk, the gate simulator, the fan's agenda and trips, as tabs.
import { h, tabs } from "../app.js";
import { renderKiosk, renderGate } from "./pass/faces.js";
import { renderAgenda } from "./pass/events.js";
import { renderTrips } from "./pass/transit.js";
import { renderEgress } from "./pass/egress.js";

export function renderPass(main, ctx) {
  main.append(h("h1", {}, "Smart Pass"));
  return tabs(main, [
    { id: "agenda", title: "Athletes & agenda", render: renderAgenda },
    { id: "trips", title: "Trips", render: renderTrips },
    { id: "exit", title: "Way out", render: renderEgress },
    { id: "kiosk", title: "Enrolment kiosk", render: renderKiosk },
    { id: "gate", title: "Gate simulator", render: renderGate },
  ], ctx);
}
