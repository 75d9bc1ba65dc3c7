import type { EmulatorState } from "./emulatorState.js";
import type { IncomingRequest } from "./incomingRequest.js";
import { CONTAINER_MODES, STS_MODES, validateSettings, type ContainerMode, type EmulatorSettingsUpdate, type StsMode } from "./options.js";
import type { Reply } from "./reply.js";
import { applySettingsUpdate } from "./settingsUpdate.js";

function json(body: unknown, status = 200): Reply {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/**
 * The optional HTTP control path, for a service under test running in another process:
 * `GET /__emulator/records`, `POST /__emulator/configure` (a settings update as JSON),
 * `POST /__emulator/sts-faults` (`{ "mode": "throttle", "count": 2 }`),
 * `POST /__emulator/container-faults` (`{ "mode": "hang", "count": 1 }`), `POST /__emulator/release`.
 */
export function handleControl(state: EmulatorState, request: IncomingRequest): Reply {
  const route = `${request.method} ${request.rawPath}`;
  try {
    const body = request.body.length > 0 ? (JSON.parse(request.body.toString("utf8")) as Record<string, unknown>) : {};
    switch (route) {
      case "GET /__emulator/records":
        return json({ stsCalls: state.records.stsCalls, containerCalls: state.records.containerCalls, requests: state.records.requests });
      case "GET /__emulator/settings":
        return json(state.settings);
      case "POST /__emulator/configure": {
        const next = applySettingsUpdate(state.settings, body as EmulatorSettingsUpdate);
        validateSettings(next);
        state.settings = next;
        return json(state.settings);
      }
      case "POST /__emulator/sts-faults": {
        const mode = body.mode as StsMode;
        const count = Number(body.count ?? 1);
        if (!STS_MODES.includes(mode) || !(count >= 1)) return json({ error: `mode must be one of ${STS_MODES.join(", ")}; count ≥ 1` }, 400);
        for (let i = 0; i < count; i++) state.stsFaults.push(mode);
        return json({ queued: state.stsFaults.length });
      }
      case "POST /__emulator/container-faults": {
        const mode = body.mode as ContainerMode;
        const count = Number(body.count ?? 1);
        if (!CONTAINER_MODES.includes(mode) || !(count >= 1)) return json({ error: `mode must be one of ${CONTAINER_MODES.join(", ")}; count ≥ 1` }, 400);
        for (let i = 0; i < count; i++) state.containerFaults.push(mode);
        return json({ queued: state.containerFaults.length });
      }
      case "POST /__emulator/release": {
        const released = [...state.hung];
        for (const hung of released) hung.resume();
        return json({ released: released.length });
      }
      default:
        return json({ error: `No control route ${route}` }, 404);
    }
  } catch (error) {
    return json({ error: error instanceof Error ? error.message : String(error) }, 400);
  }
}
