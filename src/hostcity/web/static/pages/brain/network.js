// The live twin's road network, asked for only once the twin has one: while the twin starts,
// the tabs wait on its status instead of sending requests that fail.
import { api } from "../../app.js";

// The twin's status, and its network once known (null before).
export async function twinNetwork() {
  const status = await api("/api/brain/twin/status");
  const network = status.network ? await api("/api/brain/twin/network") : null;
  return { network, status };
}

// Each loop's street name by loop id (a loop without one is left out; it shows its id).
export async function loopStreets() {
  const known = await api("/api/brain/detectors").catch(() => ({ detectors: [] }));
  return new Map(known.detectors.filter((d) => d.street).map((d) => [d.id, d.street]));
}

// A loop as the City Brain lists name it: "street · id", or its id alone.
export function loopLabel(streets, id) {
  return streets && streets.has(id) ? `${streets.get(id)} · ${id}` : id;
}
