import { readFile, stat } from "node:fs/promises";
import { decodeJwt } from "./decodeJwt.js";
import type { DoctorError, DoctorTokenFile } from "./doctorReport.js";

/** A token file as found, and its content (for redaction only: it never goes into the report). */
export interface InspectedTokenFile {
  readonly report: DoctorTokenFile;
  readonly content?: string;
}

function fileError(error: unknown): DoctorError {
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : undefined;
  // Node's message ("ENOENT: no such file or directory, open '/path'") says which error and which file.
  return { name: e instanceof Error ? e.name : "Error", message: e instanceof Error ? e.message : String(error), ...(code !== undefined && { code }) };
}

/**
 * Reads a token file as the SDK does (ASCII, as is) and reports its size, age and JWT claims,
 * or which error reading it gave.
 *
 * @example
 * ```ts
 * const { report } = await inspectTokenFile("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", Date.now());
 * ```
 */
export async function inspectTokenFile(variable: DoctorTokenFile["variable"], path: string, now: number): Promise<InspectedTokenFile> {
  try {
    const [info, content] = await Promise.all([stat(path), readFile(path, { encoding: "ascii" })]);
    return {
      content,
      report: {
        variable,
        path,
        readable: true,
        sizeBytes: info.size,
        modifiedAt: info.mtime.toISOString(),
        ageMs: now - info.mtime.getTime(),
        trailingWhitespace: content !== content.trimEnd(),
        token: decodeJwt(content, now),
      },
    };
  } catch (error) {
    return { report: { variable, path, readable: false, error: fileError(error) } };
  }
}
