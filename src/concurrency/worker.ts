import { parentPort, workerData } from 'node:worker_threads';
import { searchSubtree } from './explorer';
import { buildScenario, type ScenarioSpec } from './spec';
import type { WorkerMessage } from './workers';

// A worker thread of exploreWithWorkers: builds the scenario from its description, searches each
// subtree it is sent, and gives work away while the flag in shared memory says a worker is idle.
const { spec, wanted } = workerData as { spec: ScenarioSpec; wanted: SharedArrayBuffer };
const flag = new Int32Array(wanted);
const scenario = buildScenario(spec);
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
const splitter = {
  wanted: () => Atomics.load(flag, 0) === 1,
  give: (prefixes: number[][]) => {
    Atomics.store(flag, 0, 0);
    post({ give: prefixes });
  },
};
parentPort?.on('message', (prefix: number[]) => post({ result: searchSubtree(scenario, { prefix, splitter }) }));
