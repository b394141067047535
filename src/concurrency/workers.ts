import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors';
import { loaderSource } from '../loader-source';
import type { SubtreeResult } from './explorer';
import { mergeSubtrees, type ShardedExploration } from './shard';
import { buildScenario, type ScenarioSpec } from './spec';

/** What a worker runs: worker.ts, loaded as the model's other sources are (see loaderSource). */
const workerSource = (): string => loaderSource(join(__dirname, `worker${extname(__filename)}`));

/** The words of the memory the workers share: whether one is idle, and the lowest rank found. */
export const WANTED = 0;
export const LOWEST = 1;

/** What a worker is sent: a subtree of the scenario a spec describes. */
export interface WorkerTask {
  readonly spec: ScenarioSpec;
  readonly prefix: readonly number[];
}

/** What a worker posts: subtrees it gives away, or what it found in the subtree it was sent. */
export type WorkerMessage = { readonly give: number[][] } | { readonly result: SubtreeResult };

/**
 * Worker threads that run explore() of described scenarios, one exploration at a time, started once
 * (and warmed up once) for all of them. Each worker builds the scenario from its description; the
 * first searches the whole tree, and while a worker is idle with nothing queued the busy ones are
 * asked (through a flag in shared memory, read between two schedules) to give away the untried
 * children of their shallowest node that has any; the lowest rank of a counterexample found is shared
 * there too. The results are merged as mergeSubtrees does.
 */
export class ExplorationPool {
  private readonly shared = new SharedArrayBuffer(8);
  private readonly workers: Worker[];
  private running = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new ConfigError('an exploration runs in a whole number of workers, at least one', { workers: size });
    }
    const source = workerSource();
    this.workers = Array.from(
      { length: size },
      () => new Worker(source, { eval: true, workerData: { shared: this.shared }, execArgv: [] }),
    );
  }

  async explore(spec: ScenarioSpec): Promise<ShardedExploration> {
    if (this.running) throw new ConfigError('a pool of workers runs one exploration at a time', { workers: this.size });
    const started = performance.now();
    const scenario = buildScenario(spec);
    this.running = true;
    try {
      const parts = await this.search(spec);
      return mergeSubtrees(scenario, parts, performance.now() - started, this.size);
    } finally {
      this.running = false;
    }
  }

  close(): Promise<void> {
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  private search(spec: ScenarioSpec): Promise<SubtreeResult[]> {
    const shared = new Int32Array(this.shared);
    Atomics.store(shared, LOWEST, 2 ** 31 - 1);
    const pool = this.workers;
    const queue: (readonly number[])[] = [[]];
    const idle = [...pool];
    const parts: SubtreeResult[] = [];
    return new Promise((resolve, reject) => {
      const listeners = pool.map((w) => {
        const message = (m: WorkerMessage) => {
          if ('give' in m) queue.push(...m.give);
          else {
            parts.push(m.result);
            idle.push(w);
          }
          dispatch();
        };
        const error = (e: Error) => {
          detach();
          reject(e);
        };
        w.on('message', message).on('error', error);
        return { w, message, error };
      });
      const detach = () => {
        for (const { w, message, error } of listeners) w.off('message', message).off('error', error);
      };
      const dispatch = () => {
        while (idle.length > 0 && queue.length > 0) idle.pop()?.postMessage({ spec, prefix: queue.shift() });
        const busy = pool.length - idle.length;
        Atomics.store(shared, WANTED, idle.length > 0 && busy > 0 ? 1 : 0);
        if (busy === 0) {
          detach();
          resolve(parts);
        }
      };
      dispatch();
    });
  }
}
