/**
 * Typed errors of `@awscreds/sign-trace`. The plugin throws only at construction: once it is in
 * a client's stack, nothing it does can fail a request.
 */

/**
 * Base class of every error this package throws.
 *
 * @example
 * ```ts
 * try { signTrace(options); } catch (err) { if (err instanceof SignTraceError) console.error(err.message); }
 * ```
 */
export class SignTraceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Set explicitly (not from new.target.name) so the name survives minifiers.
    this.name = "SignTraceError";
  }
}

/**
 * Invalid options, or the OpenTelemetry sink asked for while `@opentelemetry/api` is not
 * installed (then `cause` is the module-resolution error). Thrown by `signTrace()` at once;
 * the message names the option to fix.
 *
 * @example
 * ```ts
 * signTrace({ summary: { windowMs: -1 } }); // throws SignTraceConfigurationError
 * ```
 */
export class SignTraceConfigurationError extends SignTraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignTraceConfigurationError";
  }
}
