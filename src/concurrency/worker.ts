import { parentPort, workerData } from 'node:worker_threads';
import { type Partners, type Scenario, searchSubtree } from './explorer';
import { buildScenario } from './spec';
import { LOWEST, WANTED, type WorkerMessage, type WorkerTask } from './workers';

// A worker thread of ExplorationPool: builds the scenario of each description it is sent (once per
// exploration), searches the subtree, gives work away while shared memory says a worker is idle, and
// shares there the lowest rank of a counterexample found.
const shared = new Int32Array((workerData as { shared: SharedArrayBuffer }).shared);
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
const partners: Partners = {
  wanted: () => Atomics.load(shared, WANTED) === 1,
  give: (prefixes) => {
    Atomics.store(shared, WANTED, 0);
    post({ give: prefixes });
  },
  lowest: () => Atomics.load(shared, LOWEST),
  found: (rank) => {
    for (let now = Atomics.load(shared, LOWEST); rank < now; now = Atomics.load(shared, LOWEST)) {
      if (Atomics.compareExchange(shared, LOWEST, now, rank) === now) return;
    }
  },
};
let built: { key: string; scenario: Scenario } | undefined;
parentPort?.on('message', (task: WorkerTask) => {
  const key = JSON.stringify(task.spec);
  if (built?.key !== key) built = { key, scenario: buildScenario(task.spec) };
  post({ result: searchSubtree(built.scenario, { prefix: task.prefix, partners }) });
});
