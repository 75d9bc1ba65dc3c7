import { randomBytes } from "node:crypto";

/** A key the emulator will accept: issued by its STS, or configured as static. */
export interface EmulatorKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Epoch ms on the emulator's clock; absent for static keys. */
  readonly expiration?: number;
  readonly accountId: string;
  /** The caller ARN that GetCallerIdentity reports. */
  readonly arn: string;
  readonly userId: string;
}

/** A static (long-term or pre-shared) key accepted by every signed service. */
export interface StaticKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Random characters from AWS's access key alphabet (upper-case base32). */
export function randomKeyId(prefix: string): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const byte of bytes) id += BASE32[byte % 32];
  return id;
}

/** Every key the emulator knows, looked up by access key id on every signed request. */
export class KeyStore {
  readonly #keys = new Map<string, EmulatorKey>();

  addStatic(key: StaticKey, accountId: string): EmulatorKey {
    const stored: EmulatorKey = {
      ...key,
      accountId,
      arn: `arn:aws:iam::${accountId}:user/emulator`,
      userId: randomKeyId("AIDA"),
    };
    this.#keys.set(key.accessKeyId, stored);
    return stored;
  }

  /** Mints a fresh temporary key, as STS does for every successful AssumeRole* call. */
  issue(fields: { expiration: number; accountId: string; arn: string; userId: string }): EmulatorKey {
    const key: EmulatorKey = {
      accessKeyId: randomKeyId("ASIA"),
      secretAccessKey: randomBytes(30).toString("base64"),
      // Real session tokens are long opaque blobs; length matters for header-size realism.
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(480).toString("base64")}`,
      ...fields,
    };
    this.#keys.set(key.accessKeyId, key);
    return key;
  }

  get(accessKeyId: string): EmulatorKey | undefined {
    return this.#keys.get(accessKeyId);
  }

  /** Ends a key's validity now, so the next request signed with it gets `ExpiredToken`. */
  expire(accessKeyId: string, now: number): boolean {
    const key = this.#keys.get(accessKeyId);
    if (!key) return false;
    this.#keys.set(accessKeyId, { ...key, expiration: now - 1 });
    return true;
  }

  get size(): number {
    return this.#keys.size;
  }
}
