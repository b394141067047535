import { spawnSync } from 'node:child_process';
import { concurrencyBench } from './concurrency';
import { hotplugBench } from './hotplug';
import { hotplugScaleBench } from './hotplug-scale';
import { linearMapBench } from './linear-map';
import { suiteBench } from './suite';

/*
 * The benchmarks, by name: `npm run bench` runs each in a process of its own (so that one's memory
 * does not count against the next), `npm run bench -- NAME…` runs the named ones. Each returns (or resolves to) its
 * figures; they are printed as one JSON line, `{"bench": NAME, …}`. A new benchmark is one more entry.
 */
const BENCHMARKS: Readonly<Record<string, () => object | Promise<object>>> = {
  'linear-map': linearMapBench,
  hotplug: hotplugBench,
  'hotplug-scale': hotplugScaleBench,
  concurrency: concurrencyBench,
  suite: suiteBench,
};

async function runOne(name: string): Promise<void> {
  const bench = BENCHMARKS[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  console.log(JSON.stringify({ bench: name, ...(await bench()) }));
}

/** Runs every benchmark in a child process with the same node flags (--expose-gc, the ts-node hook). */
function runAll(): void {
  for (const name of Object.keys(BENCHMARKS)) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, name], { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}

async function main(names: readonly string[]): Promise<void> {
  if (names.length === 0) runAll();
  else for (const name of names) await runOne(name);
}

main(process.argv.slice(2));
