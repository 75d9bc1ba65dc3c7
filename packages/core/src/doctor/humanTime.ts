/**
 * A duration the way an operator reads it: "850 ms", "2.3 s", "57 s", "12 min", "1 h 5 min",
 * "3 d 2 h". Sign ignored; see {@link relative} for "in …" / "… ago".
 *
 * @example
 * ```ts
 * duration(3_900_000); // "1 h 5 min"
 * ```
 */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 120_000) return `${Math.round(abs / 1000)} s`;
  const minutes = Math.round(abs / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * A clock skew in seconds, whatever its size, as clocks are compared: "120 s", "4.5 s".
 *
 * @example
 * ```ts
 * seconds(-120_400); // "120 s"
 * ```
 */
export function seconds(ms: number): string {
  const abs = Math.abs(ms) / 1000;
  return abs < 10 ? `${abs.toFixed(1)} s` : `${Math.round(abs)} s`;
}

/**
 * "in 57 min" for a time ahead, "3 min ago" for one past.
 *
 * @example
 * ```ts
 * relative(-180_000); // "3 min ago"
 * ```
 */
export function relative(msFromNow: number): string {
  return msFromNow >= 0 ? `in ${duration(msFromNow)}` : `${duration(msFromNow)} ago`;
}

/**
 * An ISO instant to the second, for one-screen output: "2025-06-01T12:00:00Z".
 *
 * @example
 * ```ts
 * instant("2025-06-01T12:00:00.123Z"); // "2025-06-01T12:00:00Z"
 * ```
 */
export function instant(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, "Z");
}
