import { type Kva, kvaHex, toKva } from '../arch/address';
import { type Geometry, geometry } from '../arch/geometry';
import { layout } from '../arch/layout';
import { archAddMemory } from '../hotplug/add';
import { archRemoveMemory } from '../hotplug/remove';
import { Kernel } from '../mappings/kernel';
import { compareTables, type Disagreement } from './compare';
import { type SeenTable, tableKey, tableRuns, tablesOver } from './tables';

/*
 * What a real kernel showed in a conformance run (test/conformance/run.ts), as recorded in small JSON
 * files (features/data/real-kernels/), and the model's prediction for the same machine and the same
 * plugs: the model boots the same boot memory in the same era and configuration, then adds and
 * removes the same memory blocks, one arch_add_memory or arch_remove_memory per block as the
 * virtio-mem driver does, and walks the same VA ranges after each stage.
 */

/**
 * A run of tables as recorded: `count` tables of one level end to end over [start, end), each with
 * the same counts (256 full PTE tables are one run). Addresses are 0x-hex of the running geometry;
 * the tables' physical addresses differ from boot to boot and are not recorded.
 */
export interface RecordedRun {
  readonly level: SeenTable['level'];
  readonly start: string;
  readonly end: string;
  readonly count: number;
  readonly live: number;
  readonly tables: number;
  readonly blocks: number;
  readonly pages: number;
  readonly others: number;
  readonly inside: SeenTable['inside'];
}

/** One stage of a device's plug sequence as recorded. */
export interface RecordedStage {
  /** `near` (next to boot RAM) or `far` (a placement that needs its own top-level entry). */
  readonly placement: string;
  /** Guest-physical base of the device's region. */
  readonly base: number;
  readonly ranges: readonly { readonly name: string; readonly start: string; readonly end: string }[];
  readonly name: string;
  readonly plugged: number;
  /** The region's memory blocks present after the stage, as sysfs names them (`memory16 online`). */
  readonly blocks: readonly string[];
  readonly tables: readonly RecordedRun[];
}

/** A recorded conformance run: the kernel, the machine, the layout it reported and its stages. */
export interface Observation {
  readonly kernel: string;
  readonly release: string;
  readonly cpu: string;
  /** The built configuration (granule/VA_BITS), the era the model stands for, and whether the CPU gave 52-bit VA. */
  readonly config: string;
  readonly era: string;
  readonly lpa2: boolean;
  /** vabits_actual: the VA size the kernel ran with. */
  readonly vaBits: number;
  readonly qemu: string;
  readonly bootMiB: number;
  readonly region: { readonly size: number; readonly blockSize: number };
  /** Layout values the guest reported in VMCOREINFO, by the kernel's names. */
  readonly layout: Readonly<Record<string, string>>;
  readonly stages: readonly RecordedStage[];
}

/** The guest's boot RAM: QEMU's virt machine puts it at 1 GiB. */
const VIRT_RAM_BASE = 0x4000_0000;
const MiB = 2 ** 20;

/** The geometry a recorded run ran with. */
export function observedGeometry(obs: Pick<Observation, 'config' | 'era' | 'lpa2'>): Geometry {
  return geometry(obs.config, { era: obs.era, lpa2: obs.lpa2 });
}

const kva = (geo: Geometry, hex: string): Kva => toKva(geo, BigInt(hex));
/** An end address: the top of the address space (2^64) is written 0. */
const endKva = (geo: Geometry, hex: string): Kva => (BigInt(hex) === 0n ? 2 ** geo.vaBits : kva(geo, hex));

/** Tables as runs (tableRuns), as recorded. */
export function recordRuns(geo: Geometry, tables: readonly SeenTable[]): RecordedRun[] {
  return tableRuns(tables).map((run) => {
    const t = run[0] as SeenTable;
    return {
      level: t.level,
      start: kvaHex(geo, t.start),
      end: kvaHex(geo, (run.at(-1) as SeenTable).end),
      count: run.length,
      live: t.live,
      tables: t.tables,
      blocks: t.blocks,
      pages: t.pages,
      others: t.others,
      inside: t.inside,
    };
  });
}

/** Recorded runs back as tables, in model addresses (physical addresses unknown: 0). */
export function recordedTables(geo: Geometry, runs: readonly RecordedRun[]): SeenTable[] {
  return runs.flatMap((r) => {
    const start = kva(geo, r.start);
    const span = (endKva(geo, r.end) - start) / r.count;
    const { level, live, tables, blocks, pages, others, inside } = r;
    return Array.from({ length: r.count }, (_, i) => ({
      level,
      start: start + i * span,
      end: start + (i + 1) * span,
      pa: 0,
      live,
      tables,
      blocks,
      pages,
      others,
      inside,
      otherVas: [],
    }));
  });
}

/**
 * What a stage of the recorded plug sequence did, from its name (test/conformance/run.ts): before
 * anything was plugged; half the region plugged (added, offline); onlined; unplugged to a quarter;
 * unplugged entirely; the whole region plugged again and onlined.
 */
export type StageRole = 'before' | 'plug' | 'online' | 'unplug half' | 'unplug rest' | 'plug again';

const ROLE_OF_NAME: readonly [RegExp, StageRole][] = [
  [/^(boot|before)$/, 'before'],
  [/^plug \d+ MiB \(added, offline\)$/, 'plug'],
  [/^online$/, 'online'],
  [/^unplug to \d+ MiB$/, 'unplug half'],
  [/^unplug the rest$/, 'unplug rest'],
  [/^plug \d+ MiB again, online$/, 'plug again'],
];

/** The role of a recorded stage, from its name. */
export function stageRole(name: string): StageRole {
  const role = ROLE_OF_NAME.find(([pattern]) => pattern.test(name))?.[1];
  if (!role) throw new Error(`a recorded stage is one of the run's own (got "${name}")`);
  return role;
}

/** A stage's tables on both sides and where they disagree. */
export interface StageVerdict {
  readonly placement: string;
  readonly stage: string;
  readonly role: StageRole;
  readonly real: readonly SeenTable[];
  readonly model: readonly SeenTable[];
  readonly disagreements: readonly Disagreement[];
}

/** The memory blocks a stage lists, as physical bases. */
function blockBases(stage: RecordedStage, blockSize: number): number[] {
  return stage.blocks.map((b) => {
    const m = /^memory(\d+)\b/.exec(b);
    if (!m?.[1]) throw new Error(`a memory block is named memoryN (got "${b}")`);
    return Number(m[1]) * blockSize;
  });
}

/**
 * The model in step with a recorded run: boots the machine, then for each stage brings the device's
 * region to the blocks the kernel had — new ones added from the lowest address up, gone ones removed
 * from the highest down — and compares the tables over the stage's ranges.
 */
export function predict(obs: Observation): StageVerdict[] {
  const geo = observedGeometry(obs);
  const k = new Kernel({
    config: obs.config,
    era: obs.era,
    lpa2: obs.lpa2,
    bootBase: VIRT_RAM_BASE,
    bootSize: obs.bootMiB * MiB,
    trace: false,
  });
  // The guest's percpu allocator maps its chunks at the top of the vmalloc space (pcpu_get_vm_areas
  // allocates from VMALLOC_END down); the model maps a page there too, so that a table vmalloc shares
  // with vmemmap holds a vmalloc entry, as the guest's does (the area's guard page is the last one).
  k.vmalloc.vmalloc(geo.pageSize, 'percpu', k.layout.vmallocEnd - 2 * geo.pageSize);
  const { blockSize } = obs.region;
  const present = new Set<number>();
  return obs.stages.map((stage) => {
    const inRegion = (pa: number): boolean => pa >= stage.base && pa < stage.base + obs.region.size;
    const want = new Set(blockBases(stage, blockSize));
    const gone = [...present].filter((pa) => inRegion(pa) && !want.has(pa)).sort((a, b) => b - a);
    for (const pa of gone) {
      archRemoveMemory(k, pa, blockSize);
      present.delete(pa);
    }
    for (const pa of [...want].filter((p) => !present.has(p)).sort((a, b) => a - b)) {
      const report = archAddMemory(k, pa, blockSize);
      if (report.error) throw report.error;
      present.add(pa);
    }
    const ranges = stage.ranges.map((r) => ({ start: kva(geo, r.start), end: endKva(geo, r.end) }));
    const real = recordedTables(geo, stage.tables);
    const model = tablesOver(k.pt, ranges);
    return {
      placement: stage.placement,
      stage: stage.name,
      role: stageRole(stage.name),
      real,
      model,
      disagreements: compareTables(geo, real, model),
    };
  });
}

/** The VMCOREINFO layout values the model computes too, by the kernel's names. */
export function modelLayout(obs: Pick<Observation, 'config' | 'era' | 'lpa2'>): Record<string, string> {
  const geo = observedGeometry(obs);
  const lay = layout(geo);
  const modules = lay.regions.find((r) => r.key === 'modules');
  return {
    ...(modules ? { MODULES_VADDR: kvaHex(geo, modules.start), MODULES_END: kvaHex(geo, modules.end) } : {}),
    VMALLOC_START: kvaHex(geo, lay.vmallocStart),
    VMALLOC_END: kvaHex(geo, lay.vmallocEnd),
    VMEMMAP_START: kvaHex(geo, lay.vmemmapStartConst),
    VMEMMAP_END: kvaHex(geo, lay.vmemmapEnd),
    SECTION_SIZE_BITS: String(Math.log2(geo.sectionSize)),
    VA_BITS: String(geo.vaBitsConfig),
  };
}

/** Where the layout the guest reported differs from the model's layout of the same era and configuration. */
export function layoutDisagreements(obs: Observation): Disagreement[] {
  const model = modelLayout(obs);
  return Object.entries(obs.layout)
    .filter(([key, real]) => model[key] !== undefined && model[key] !== real)
    .map(([key, real]) => ({ table: 'VMCOREINFO', what: key, real, model: model[key] as string }));
}

/** The verdict of a placement's stage; a placement or stage the run did not record is refused. */
export function stageOf(verdicts: readonly StageVerdict[], placement: string, role: StageRole): StageVerdict {
  const v = verdicts.find((x) => x.placement === placement && x.role === role);
  if (!v) {
    const known = [...new Set(verdicts.map((x) => `${x.placement}/${x.role}`))].join(', ');
    throw new Error(`the run recorded no "${role}" stage in the ${placement} placement (recorded: ${known})`);
  }
  return v;
}

/** Tables of `to` not in `from` (appeared) and of `from` not in `to` (gone), by level and span. */
export function tableChange(
  from: readonly SeenTable[],
  to: readonly SeenTable[],
): { appeared: SeenTable[]; gone: SeenTable[] } {
  const had = new Set(from.map(tableKey));
  const has = new Set(to.map(tableKey));
  return { appeared: to.filter((t) => !had.has(tableKey(t))), gone: from.filter((t) => !has.has(tableKey(t))) };
}

/** Tables counted per level, as `PMD 1, PTE 256` (levels without any left out), or `none`. */
export function tablesPerLevel(geo: Geometry, tables: readonly SeenTable[]): string {
  const parts = geo.levels
    .map((l) => [l.name, tables.filter((t) => t.level === l.name).length] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The file name a run of a kernel on a CPU is recorded under: `6.12-max-lpa2-off.json`. */
export function recordingName(kernel: string, cpu: string): string {
  return `${kernel}-${cpu.replace(/[,=]/g, '-')}.json`;
}

/** The stages of a placement at which a table (level and first address) is absent on one side, or fails a test. */
export function stagesWithout(
  verdicts: readonly StageVerdict[],
  placement: string,
  side: 'real' | 'model',
  table: { readonly level: string; readonly start: Kva },
  holds: (t: SeenTable) => boolean,
): string[] {
  return verdicts
    .filter((v) => v.placement === placement)
    .filter((v) => !v[side].some((t) => t.level === table.level && t.start === table.start && holds(t)))
    .map((v) => v.stage);
}
