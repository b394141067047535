import { parentPort, workerData } from 'node:worker_threads';
import { type Scenario, searchSubtree } from './explorer';
import { buildScenario } from './spec';
import type { WorkerMessage, WorkerTask } from './workers';

// A worker thread of ExplorationPool: builds the scenario of each description it is sent (once per
// exploration), searches the subtree, and gives work away while the flag in shared memory says a
// worker is idle.
const flag = new Int32Array((workerData as { wanted: SharedArrayBuffer }).wanted);
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
const splitter = {
  wanted: () => Atomics.load(flag, 0) === 1,
  give: (prefixes: number[][]) => {
    Atomics.store(flag, 0, 0);
    post({ give: prefixes });
  },
};
let built: { key: string; scenario: Scenario } | undefined;
parentPort?.on('message', (task: WorkerTask) => {
  const key = JSON.stringify(task.spec);
  if (built?.key !== key) built = { key, scenario: buildScenario(task.spec) };
  post({ result: searchSubtree(built.scenario, { prefix: task.prefix, splitter }) });
});
