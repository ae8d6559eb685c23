// The live twin's road network, asked for only once the twin has one: while the twin starts,
// the tabs wait on its status instead of sending requests that fail.
import { api } from "../../app.js";

// The twin's status, and its network once known (null before).
export async function twinNetwork() {
  const status = await api("/api/brain/twin/status");
  const network = status.network ? await api("/api/brain/twin/network") : null;
  return { network, status };
}
