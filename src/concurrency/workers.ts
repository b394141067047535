import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors';
import type { SubtreeResult } from './explorer';
import { mergeSubtrees, type ShardedExploration } from './shard';
import { buildScenario, type ScenarioSpec } from './spec';

/**
 * What a worker runs: worker.ts, loaded as the model's other sources are. Under ts-node (the bench, the
 * CLI) and vitest alike the worker starts with no node flags, and ts-node's start-up (it loads the
 * TypeScript compiler, over a second) would dwarf small searches; so TypeScript sources are compiled
 * with swc as ts-node's transpile-only swc mode compiles them (tsconfig: ES2022, CommonJS).
 */
function workerSource(): string {
  const file = join(__dirname, `worker${extname(__filename)}`);
  if (extname(file) !== '.ts') return `require(${JSON.stringify(file)});`;
  const swc = JSON.stringify(require.resolve('@swc/core'));
  const options = {
    module: { type: 'commonjs', strictMode: true, noInterop: false },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
  };
  return [
    `const { readFileSync } = require('node:fs');`,
    `const { transformSync } = require(${swc});`,
    `const options = ${JSON.stringify(options)};`,
    `require.extensions['.ts'] = (m, filename) =>`,
    `  m._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);`,
    `require(${JSON.stringify(file)});`,
  ].join('\n');
}

/**
 * explore() of a described scenario in worker threads. Each worker builds the scenario from the
 * description; the first searches the whole tree, and while a worker is idle with nothing queued the
 * busy ones are asked (through a flag in shared memory, read between two schedules) to give away the
 * untried children of their shallowest node that has any. The results are merged as mergeSubtrees does.
 */
export async function exploreWithWorkers(spec: ScenarioSpec, workers: number): Promise<ShardedExploration> {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError('an exploration runs in a whole number of workers, at least one', { workers });
  }
  const started = performance.now();
  const scenario = buildScenario(spec);
  const parts = await searchInWorkers(spec, workers);
  return mergeSubtrees(scenario, parts, performance.now() - started, workers);
}

/** What a worker posts: subtrees it gives away, or what it found in the subtree it was sent. */
export type WorkerMessage = { readonly give: number[][] } | { readonly result: SubtreeResult };

function searchInWorkers(spec: ScenarioSpec, count: number): Promise<SubtreeResult[]> {
  const wanted = new SharedArrayBuffer(4);
  const flag = new Int32Array(wanted);
  const pool = Array.from(
    { length: count },
    () => new Worker(workerSource(), { eval: true, workerData: { spec, wanted }, execArgv: [] }),
  );
  const queue: (readonly number[])[] = [[]];
  const idle = [...pool];
  const parts: SubtreeResult[] = [];
  return new Promise((resolve, reject) => {
    const stop = () => Promise.all(pool.map((w) => w.terminate()));
    const dispatch = () => {
      while (idle.length > 0 && queue.length > 0) idle.pop()?.postMessage(queue.shift());
      const busy = pool.length - idle.length;
      Atomics.store(flag, 0, idle.length > 0 && busy > 0 ? 1 : 0);
      if (busy === 0) stop().then(() => resolve(parts), reject);
    };
    for (const w of pool) {
      w.on('message', (m: WorkerMessage) => {
        if ('give' in m) queue.push(...m.give);
        else {
          parts.push(m.result);
          idle.push(w);
        }
        dispatch();
      });
      w.on('error', (error) => stop().then(() => reject(error), reject));
    }
    dispatch();
  });
}
