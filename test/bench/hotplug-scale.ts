import { spawnSync } from 'node:child_process';
import { formatSize } from '../../src/arch/size';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { seconds } from './clock';

/*
 * Benchmark (issue "Scale"): arch_add_memory then arch_remove_memory of a terabyte-class range,
 * page-mapped (rodata_full), policy v5.7, the trace keeping counts only, as the command line runs
 * it: 1 TiB on 4K/48 and 16 TiB on 64K/52 (both 2^28 pages). Each case runs in a process of its own,
 * so its peak resident set is its own. Figures: add and remove time, peak RSS, and the process memory
 * the added range cost per GiB (peak RSS less RSS after boot) against the kernel's own PTE table
 * bytes per GiB (8 bytes per page). Goals (4K/48): ≤ 4G RSS, ≤ 60 s, ≤ 1.5 × the kernel's table bytes.
 */

const GiB = 2 ** 30;
const TiB = 2 ** 40;

interface ScaleCase {
  readonly config: string;
  readonly start: number;
  readonly size: number;
  /** Boot memory for the struct pages (64 bytes a page: 16 GiB for 2^28 pages) and the tables. */
  readonly bootSize: number;
}

const CASES: Readonly<Record<string, ScaleCase>> = {
  '4K/48': { config: '4K/48', start: TiB, size: TiB, bootSize: 24 * GiB },
  '64K/52': { config: '64K/52', start: 16 * TiB, size: 16 * TiB, bootSize: 24 * GiB },
};
const GOALS = { rssBytes: 4 * GiB, seconds: 60, perKernelTableByte: 1.5 };

/** RSS now and at its peak, in bytes (ru_maxrss is in KiB). */
const rss = (): number => process.memoryUsage.rss();
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** One case in this process. */
function runCase(c: ScaleCase): object {
  const k = new Kernel({ config: c.config, bootSize: c.bootSize, vmallocAreas: [], trace: false });
  (globalThis as { gc?: () => void }).gc?.();
  const afterBoot = rss();
  let t = process.hrtime.bigint();
  const add = archAddMemory(k, c.start, c.size);
  const addSeconds = seconds(t);
  if (add.error) throw new Error(`the hot-add ran out of boot memory: ${add.error.message}`);
  const ptesWritten = k.pt.trace.counts.write;
  t = process.hrtime.bigint();
  archRemoveMemory(k, c.start, c.size, { policy: 'v5.7' });
  const removeSeconds = seconds(t);
  const peak = peakRss();
  const gib = c.size / GiB;
  const kernelTableBytesPerGiB = (GiB / k.geo.pageSize) * 8;
  const modelBytesPerGiB = (peak - afterBoot) / gib;
  return {
    config: c.config,
    size: formatSize(c.size),
    bootSize: formatSize(c.bootSize),
    ptesWritten,
    addSeconds,
    removeSeconds,
    seconds: addSeconds + removeSeconds,
    rssAfterBoot: afterBoot,
    peakRss: peak,
    modelBytesPerGiB,
    kernelTableBytesPerGiB,
    perKernelTableByte: modelBytesPerGiB / kernelTableBytesPerGiB,
    brokenInvariants: brokenInvariants(k).length,
  };
}

/** Every case, each in a child process with this process's node flags. */
export function hotplugScaleBench(): object {
  const cases = Object.keys(CASES).map((name) => {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, name], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`hotplug-scale ${name} failed: ${child.stderr}`);
    return JSON.parse(child.stdout);
  });
  return { goals: GOALS, cases };
}

if (require.main === module) {
  const c = CASES[process.argv[2] ?? ''];
  if (!c) throw new Error(`hotplug-scale: a case is one of ${Object.keys(CASES).join(', ')}`);
  console.log(JSON.stringify(runCase(c)));
}
