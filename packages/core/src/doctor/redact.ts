/** Shorter values are not worth redacting and would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * A last line of defence over the whole output: every occurrence of a known secret (the
 * environment's secrets, the token files' contents, the fetched secret key and session token)
 * becomes `[redacted]`, whatever field it ended up in. The report is built from safe fields
 * only; this catches what an error message might echo.
 *
 * @example
 * ```ts
 * const redact = redactor([credentials.secretAccessKey]);
 * process.stdout.write(redact(text));
 * ```
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = [...new Set(secrets.map((s) => s?.trim()).filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH))];
  // Longest first, so a secret that contains another is replaced whole.
  known.sort((a, b) => b.length - a.length);
  return (text) => known.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}
