import type { EmulatorSettings, EmulatorSettingsUpdate } from "./options.js";

/** A new settings object with the update merged in; the old one is left untouched. */
export function applySettingsUpdate(settings: EmulatorSettings, update: EmulatorSettingsUpdate): EmulatorSettings {
  return {
    ...settings,
    ...("clockOffsetMs" in update && update.clockOffsetMs !== undefined ? { clockOffsetMs: update.clockOffsetMs } : {}),
    ...("region" in update ? { region: update.region } : {}),
    sts: { ...settings.sts, ...update.sts },
    container: { ...settings.container, ...update.container },
    service: { ...settings.service, ...update.service },
  };
}
