// The live twin's road network, asked for only once its run is open: while the twin starts,
// the tabs wait on its status instead of sending requests that fail.
import { api } from "../../app.js";

// The twin's status, and its network once it runs (null before).
export async function twinNetwork() {
  const status = await api("/api/brain/twin/status");
  const network = status.state.startsWith("running") ? await api("/api/brain/twin/network") : null;
  return { network, status, state: status.state };
}
