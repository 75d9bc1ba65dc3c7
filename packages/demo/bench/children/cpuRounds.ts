// A measuring process of a CPU figure: builds the figure's set-ups, runs the rounds its parent
// gave it (the task, one JSON argument), prints one JSON line (CpuChildLine); progress on stderr.
import { createCpuSetups } from "../cpuBenches.js";
import { runCpuTask, type CpuChildTask } from "../cpuRounds.js";

const raw = process.argv[2];
if (raw === undefined) throw new Error("the CPU child takes its task (CpuChildTask) as one JSON argument");
const task = JSON.parse(raw) as CpuChildTask;
const setups = await createCpuSetups(task.bench);
const line = await runCpuTask(setups, task, (progress) => process.stderr.write(`${progress}\n`));
process.stdout.write(`${JSON.stringify(line)}\n`);
