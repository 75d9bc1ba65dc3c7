import type { ServerResponse } from "node:http";
import { DynamoDbService } from "./dynamodb/index.js";
import { KeyStore } from "./keyStore.js";
import { LambdaService } from "./lambda/index.js";
import type { ContainerMode, EmulatorSettings, ServiceFault, StsMode } from "./options.js";
import { EmulatorRecords } from "./records.js";
import { S3Service } from "./s3/index.js";
import type { ServiceName } from "./awsError.js";

/** A request STS or the container endpoint is sitting on (mode `hang`), answered again when released. */
export interface HungRequest {
  readonly response: ServerResponse;
  readonly resume: () => void;
}

/** Everything one emulator instance holds; the router reads it, the public API changes it. */
export class EmulatorState {
  readonly keys = new KeyStore();
  readonly records = new EmulatorRecords();
  readonly dynamodb: DynamoDbService;
  readonly s3 = new S3Service();
  readonly lambda: LambdaService;
  /** One-off STS modes consumed by the next credential calls, before the configured mode. */
  readonly stsFaults: StsMode[] = [];
  /** One-off container modes consumed by the next container credential calls, before the configured mode. */
  readonly containerFaults: ContainerMode[] = [];
  readonly serviceFaults: Array<{ fault: ServiceFault; service?: ServiceName }> = [];
  readonly hung = new Set<HungRequest>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    public settings: EmulatorSettings,
    readonly accountId: string,
  ) {
    const region = () => this.settings.region ?? "us-east-1";
    this.dynamodb = new DynamoDbService(accountId, region);
    this.lambda = new LambdaService(accountId, region);
  }

  /** The emulator's clock: the host clock plus the configured offset. */
  now(): number {
    return Date.now() + this.settings.clockOffsetMs;
  }

  /** Waits `ms`; a zero delay does not touch the timer queue (fake timers stay quiet). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#timers.add(timer);
    });
  }

  /** Holds `response` open (mode `hang`) until released, when `onRelease` answers it, or until close cuts it. */
  hold(response: ServerResponse, onRelease: () => void): void {
    const hung: HungRequest = {
      response,
      resume: () => {
        this.hung.delete(hung);
        onRelease();
      },
    };
    this.hung.add(hung);
  }

  takeServiceFault(service: ServiceName): ServiceFault | undefined {
    const index = this.serviceFaults.findIndex((f) => f.service === undefined || f.service === service);
    return index === -1 ? undefined : this.serviceFaults.splice(index, 1)[0]?.fault;
  }

  clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
