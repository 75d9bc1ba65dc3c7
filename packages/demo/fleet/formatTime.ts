/** How the fleet page writes times: instants as h:mm:ss since start, durations in the largest fitting unit. */

/** `3_300_000` → `"0:55:00"`; sub-second parts are dropped. */
export function instant(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const seconds = Math.floor(ms / 1_000);
  return `${Math.floor(seconds / 3_600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

/** `3_719` → `"3.7 s"`, `52_000` → `"52 s"`, `191_031` → `"3 min 11 s"`, `2_461_517` → `"41 min"`, `10_800_000` → `"3 h"`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const sign = ms < 0 ? "−" : "";
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 10_000) return `${sign}${(abs / 1_000).toFixed(1)} s`;
  if (abs < 60_000) return `${sign}${Math.round(abs / 1_000)} s`;
  if (abs >= 3_600_000 && abs % 3_600_000 === 0) return `${sign}${abs / 3_600_000} h`;
  const seconds = Math.round(abs / 1_000);
  if (abs < 10 * 60_000) return `${sign}${Math.floor(seconds / 60)} min${seconds % 60 === 0 ? "" : ` ${seconds % 60} s`}`;
  return `${sign}${Math.round(abs / 60_000)} min`;
}
