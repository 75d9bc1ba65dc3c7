import type { Checksum, SourceData } from "@smithy/types";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

/** A Node sha256 (HMAC when given a secret) that records each use in `uses`: "hash" or "hmac". */
export function countingSha256(uses: string[]) {
  return class CountingSha256 implements Checksum {
    #hash: Hash | Hmac;
    readonly #secret: SourceData | undefined;
    constructor(secret?: SourceData) {
      this.#secret = secret;
      this.#hash = this.#fresh();
      uses.push(secret === undefined ? "hash" : "hmac");
    }
    update(data: Uint8Array): void {
      this.#hash.update(data);
    }
    async digest(): Promise<Uint8Array> {
      return new Uint8Array(this.#hash.digest());
    }
    reset(): void {
      this.#hash = this.#fresh();
    }
    #fresh(): Hash | Hmac {
      return this.#secret === undefined ? createHash("sha256") : createHmac("sha256", Buffer.from(this.#secret as Uint8Array));
    }
  };
}
