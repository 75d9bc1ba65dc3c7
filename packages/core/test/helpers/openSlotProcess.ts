// Run as a child process by the conformance suite: leaves slots open (a refresh timer armed, a
// fetch hanging with its timeout and the start-up timer armed) and ends the script. The process
// must exit on its own: every timer the slot owns is unref()'d.
import { createCredentialSlot } from "../../src/index.js";

const hour = 3_600_000;
const warm = createCredentialSlot({
  source: async () => ({ accessKeyId: "ASIACHILD", secretAccessKey: "s", expiration: new Date(Date.now() + hour) }),
});
await warm.ready();
createCredentialSlot({ source: () => new Promise(() => {}), startupTimeout: hour, fetchTimeout: hour, readTimeout: hour });
process.stdout.write(`slots left open: ${JSON.stringify(warm)}\n`);
