import { type Kva, toKva } from '../arch/address';
import { type Geometry, geometry } from '../arch/geometry';
import { archAddMemory } from '../hotplug/add';
import { archRemoveMemory } from '../hotplug/remove';
import { Kernel } from '../mappings/kernel';
import { compareTables, type Disagreement } from './compare';
import { type SeenTable, tablesOver } from './tables';

/*
 * What a real kernel showed in a conformance run (test/conformance/run.ts), as recorded in JSON, and
 * the model's prediction for the same machine and the same plugs: the model boots the same boot
 * memory in the same era and configuration, then adds and removes the same memory blocks, one
 * arch_add_memory or arch_remove_memory per block as the virtio-mem driver does, and walks the same
 * VA ranges after each stage.
 */

/** A table as recorded: addresses as 0x-hex strings of the running geometry. */
export interface RecordedTable extends Omit<SeenTable, 'start' | 'end' | 'otherVas'> {
  readonly start: string;
  readonly end: string;
  readonly otherVas: readonly string[];
}

/** One stage of a device's plug sequence as recorded. */
export interface RecordedStage {
  readonly placement: string;
  /** Guest-physical base of the device's region. */
  readonly base: number;
  readonly ranges: readonly { readonly name: string; readonly start: string; readonly end: string }[];
  readonly name: string;
  readonly plugged: number;
  /** The region's memory blocks present after the stage, as sysfs names them (`memory16 online`). */
  readonly blocks: readonly string[];
  readonly tables: readonly RecordedTable[];
}

/** A recorded conformance run: the kernel, the machine and its stages. */
export interface Observation {
  readonly kernel: string;
  readonly release: string;
  readonly cpu: string;
  readonly config: string;
  readonly era: string;
  readonly qemu: string;
  readonly bootMiB: number;
  readonly region: { readonly size: number; readonly blockSize: number };
  readonly stages: readonly RecordedStage[];
}

/** The guest's boot RAM: QEMU's virt machine puts it at 1 GiB. */
const VIRT_RAM_BASE = 0x4000_0000;
const MiB = 2 ** 20;

/** A stage's disagreements between the real kernel and the model. */
export interface StageVerdict {
  readonly placement: string;
  readonly stage: string;
  readonly real: readonly SeenTable[];
  readonly model: readonly SeenTable[];
  readonly disagreements: readonly Disagreement[];
}

const kva = (geo: Geometry, hex: string): Kva => toKva(geo, BigInt(hex));

/** A recorded table in model addresses (the top table's end, 2^64, is recorded as 0). */
export function seenTable(geo: Geometry, t: RecordedTable): SeenTable {
  const end = BigInt(t.end) === 0n ? 2 ** geo.vaBits : kva(geo, t.end);
  return { ...t, start: kva(geo, t.start), end, otherVas: t.otherVas.map((v) => kva(geo, v)) };
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
  const geo = geometry(obs.config);
  const k = new Kernel({
    config: obs.config,
    era: obs.era,
    bootBase: VIRT_RAM_BASE,
    bootSize: obs.bootMiB * MiB,
    trace: false,
  });
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
    const ranges = stage.ranges.map((r) => ({ start: kva(geo, r.start), end: kva(geo, r.end) }));
    const real = stage.tables.map((t) => seenTable(geo, t));
    const model = tablesOver(k.pt, ranges);
    return {
      placement: stage.placement,
      stage: stage.name,
      real,
      model,
      disagreements: compareTables(geo, real, model),
    };
  });
}
