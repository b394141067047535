import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { HotplugError, KernelWarning } from '../../src/errors';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants, leftEmpty } from '../../src/hotplug/invariants';
import { archRemoveMemory, removePgdMapping, sectionVmemmap, vmemmapFree } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import type { VmArea } from '../../src/mappings/vmalloc';
import { runToEnd } from '../../src/tables/step';
import { mmuTranslate, translate } from '../../src/tables/walker';
import { property } from '../support/property';

/*
 * Model-based test of memory hotplug beside vmalloc: random sequences of hot-add, hot-remove (policy
 * v5.7), vmalloc, vfree and requests the kernel refuses, on every configuration. After every command
 * the invariants hold, every live mapping the command did not own translates as before, and a
 * refused request leaves the whole state as it was.
 */

const MiB = 2 ** 20;
const SECTION = 2 ** 30;
const BOOT_BASE = 0x4000_0000;
/** Boot memory: room for the tables and vmemmap of every slot (4K: 16 MiB a section), booted once and cloned. */
const BOOT_SIZE = 256 * MiB;
const MAX_AREAS = 6;
/** Block-mapped sequences per configuration (rodata=off: cheap), 8 × 240 = 1,920. */
const BLOCK_RUNS = 240;
/**
 * Page-mapped sequences (rodata_full, the v5.7 default) per configuration, by granule: a 1 GiB section
 * is 262,144 PTEs on 4K (~0.3 s to map and unmap), 65,536 on 16K, 16,384 on 64K. 2 × 1 + 3 × 6 + 3 × 20
 * = 80; with the block-mapped ones, 2,000 sequences.
 */
const PAGED_RUNS: Record<number, { runs: number; commands: number }> = {
  4: { runs: 1, commands: 4 },
  16: { runs: 6, commands: 6 },
  64: { runs: 20, commands: 6 },
};

interface Model {
  /** Hot-added slots. */
  readonly hot: Set<number>;
  /** vmalloc areas the sequence created and has not freed. */
  areas: number;
}

interface Real {
  readonly k: Kernel;
  /** Physical base of each slot: four sections above boot memory and the last two the linear map reaches. */
  readonly slots: readonly number[];
  readonly areas: VmArea[];
}

type Range = readonly [Kva, Kva];

const booted = new Map<string, Kernel>();

/** A copy of the kernel booted once per configuration and mapping kind (cloning costs a fraction of booting). */
function boot(config: string, paged: boolean): Real {
  const key = `${config}:${paged}`;
  let first = booted.get(key);
  if (!first) {
    first = new Kernel({ config, bootBase: BOOT_BASE, bootSize: BOOT_SIZE, rodataFull: paged, vmallocAreas: [] });
    first.pt.trace.recording = false;
    booted.set(key, first);
  }
  const k = first.clone();
  const last = (k.physOffset + (k.layout.pageEnd - k.layout.pageOffset)) / SECTION - 1;
  const slots = [2, 3, 4, 7, last - 1, last].map((nr) => nr * SECTION);
  return { k, slots, areas: [] };
}

const linearRange = (k: Kernel, pa: number): Range => [k.linearVa(pa), k.linearVa(pa + SECTION)];
const vmemmapRange = (k: Kernel, pa: number): Range => sectionVmemmap(k, k.sectionOf(pa));

/** First, middle and last page of a range. */
function probes(k: Kernel, [start, end]: Range): Kva[] {
  const page = k.geo.pageSize;
  return [start, start + Math.floor((end - start) / 2 / page) * page, end - page];
}

/** Every live mapping the sequence knows of: boot memory, its vmemmap, the image, vmalloc areas, hot-added sections. */
function liveRanges(r: Real): Range[] {
  const { k } = r;
  const page = k.geo.pageSize;
  const bootEnd = BOOT_BASE + BOOT_SIZE;
  const ranges: Range[] = [
    [k.linearVa(BOOT_BASE), k.linearVa(bootEnd)],
    [k.vmemmapVa(BOOT_BASE / page), k.vmemmapVa(bootEnd / page)],
    [k.image.va, k.image.va + k.image.size],
    ...r.areas.map((a): Range => [a.start, a.start + a.size]),
  ];
  for (const s of k.sections.values()) {
    if (!s.boot) ranges.push(linearRange(k, s.nr * SECTION), vmemmapRange(k, s.nr * SECTION));
  }
  return ranges;
}

/**
 * What each probe of the live ranges translates to now; every one must be mapped. The CPU translates
 * them too, which fills its TLB and walk cache with what a later command must invalidate.
 */
function translations(r: Real): Map<Kva, number> {
  const seen = new Map<Kva, number>();
  for (const range of liveRanges(r)) for (const va of probes(r.k, range)) seen.set(va, translate(r.k.pt, va));
  const unmapped = [...seen].filter(([, pa]) => pa < 0).map(([va]) => va);
  assert.deepEqual(unmapped, [], 'live ranges that do not translate');
  assert.deepEqual(incoherent(r, [...seen.keys()]), [], 'the CPU sees what the tables say');
  return seen;
}

/** Probes the CPU (TLB, walk cache, then the tables) translates differently from the tables. */
function incoherent(r: Real, vas: readonly Kva[]): Kva[] {
  return vas.filter((va) => mmuTranslate(r.k.pt, va) !== translate(r.k.pt, va));
}

/**
 * The state after a command: invariants hold (no cached walk into a freed table among them), the CPU
 * sees what the tables say, and every probe outside `owned` translates as before.
 */
function expectKept(r: Real, before: Map<Kva, number>, owned: readonly Range[]): void {
  assert.deepEqual(brokenInvariants(r.k), []);
  assert.deepEqual(incoherent(r, [...before.keys()]), [], 'stale TLB entries');
  const changed = [...before].filter(
    ([va, pa]) => !owned.some(([s, e]) => va >= s && va < e) && translate(r.k.pt, va) !== pa,
  );
  assert.deepEqual(changed, [], 'mappings outside the command’s range that changed');
}

class HotAdd implements fc.Command<Model, Real> {
  constructor(
    readonly slot: number,
    readonly altmap: boolean,
  ) {}
  check = (m: Readonly<Model>): boolean => !m.hot.has(this.slot);
  run(m: Model, r: Real): void {
    const { k } = r;
    const pa = r.slots[this.slot] as number;
    const before = translations(r);
    const report = archAddMemory(k, pa, SECTION, { altmap: this.altmap });
    assert.equal(report.error, undefined);
    m.hot.add(this.slot);
    const [start] = linearRange(k, pa);
    const linear = probes(k, linearRange(k, pa)).filter((va) => translate(k.pt, va) !== pa + (va - start));
    assert.deepEqual(linear, [], 'linear-map probes that do not translate to their page');
    const vmemmap = probes(k, vmemmapRange(k, pa)).filter((va) => translate(k.pt, va) < 0);
    assert.deepEqual(vmemmap, [], 'vmemmap probes that do not translate');
    expectKept(r, before, []);
  }
  toString = (): string => `hot-add slot ${this.slot}${this.altmap ? ' with an altmap' : ''}`;
}

class HotRemove implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => m.hot.size > 0;
  run(m: Model, r: Real): void {
    const { k } = r;
    const slot = [...m.hot].sort((a, b) => a - b)[this.pick % m.hot.size] as number;
    const pa = r.slots[slot] as number;
    const owned = [linearRange(k, pa), vmemmapRange(k, pa)];
    const before = translations(r);
    const report = archRemoveMemory(k, pa, SECTION, { policy: 'v5.7' });
    m.hot.delete(slot);
    const mapped = owned.flatMap((range) => probes(k, range)).filter((va) => translate(k.pt, va) !== -1);
    assert.deepEqual(mapped, [], 'probes of the removed section that still translate');
    expectKept(r, before, owned);
    const leaked = leftEmpty(k, report.parts).filter((d) => d.reason !== 'outside floor/ceiling');
    assert.deepEqual(leaked, [], 'empty tables kept for a reason other than the region edges');
    const warned = report.parts.flatMap((p) => p.decisions).filter((d) => d.warning);
    assert.deepEqual(warned, [], 'v5.7 freed a static or boot (PageReserved) table');
  }
  toString = (): string => `hot-remove hot-added slot #${this.pick}`;
}

class Vmalloc implements fc.Command<Model, Real> {
  constructor(readonly pages: number) {}
  check = (m: Readonly<Model>): boolean => m.areas < MAX_AREAS;
  run(m: Model, r: Real): void {
    const { k } = r;
    const before = translations(r);
    const area = k.vmalloc.vmalloc(this.pages * k.geo.pageSize, 'test');
    r.areas.push(area);
    m.areas++;
    const wrong = area.pages.filter(
      (pfn, i) => translate(k.pt, area.start + i * k.geo.pageSize) !== pfn * k.geo.pageSize,
    );
    assert.deepEqual(wrong, [], 'pages of the area that do not translate to their page');
    expectKept(r, before, []);
  }
  toString = (): string => `vmalloc ${this.pages} page(s)`;
}

class Vfree implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>): boolean => m.areas > 0;
  run(m: Model, r: Real): void {
    const { k } = r;
    const before = translations(r);
    const [area] = r.areas.splice(this.pick % r.areas.length, 1) as [VmArea];
    k.vmalloc.vfree(area, 'test');
    m.areas--;
    const owned: Range = [area.start, area.start + area.size];
    const mapped = probes(k, owned).filter((va) => translate(k.pt, va) !== -1);
    assert.deepEqual(mapped, [], 'probes of the freed area that still translate');
    expectKept(r, before, [owned]);
  }
  toString = (): string => `vfree area #${this.pick}`;
}

/** Requests the kernel refuses, each with the error it must raise. */
const REFUSALS: Record<string, [typeof HotplugError | typeof KernelWarning, (r: Real, m: Readonly<Model>) => void]> = {
  'remove boot memory': [HotplugError, ({ k }) => archRemoveMemory(k, BOOT_BASE, SECTION)],
  'remove a section that is not present': [
    HotplugError,
    ({ k, slots }, m) => archRemoveMemory(k, slots[slots.findIndex((_, i) => !m.hot.has(i))] as number, SECTION),
  ],
  'hot-add over boot memory': [HotplugError, ({ k }) => archAddMemory(k, BOOT_BASE, SECTION)],
  'hot-add over a hot-added section': [
    HotplugError,
    ({ k, slots }, m) => archAddMemory(k, slots[[...m.hot][0] as number] as number, SECTION),
  ],
  'hot-add half a section': [HotplugError, ({ k, slots }) => archAddMemory(k, slots[0] as number, SECTION / 2)],
  'hot-add below PHYS_OFFSET': [HotplugError, ({ k }) => archAddMemory(k, 0, SECTION)],
  'hot-add beyond the linear map': [
    HotplugError,
    ({ k }) => archAddMemory(k, k.physOffset + (k.layout.pageEnd - k.layout.pageOffset), SECTION),
  ],
  'unmap across PAGE_END': [
    KernelWarning,
    ({ k }) => runToEnd(removePgdMapping(k, k.pt.pgd, k.layout.pageEnd - k.geo.pageSize, 2 * k.geo.pageSize)),
  ],
  'unmap another pgdir': [
    KernelWarning,
    ({ k }) => runToEnd(removePgdMapping(k, k.pt.pgd + 1, k.linearVa(BOOT_BASE), k.geo.pageSize)),
  ],
  'vmemmap_free boot memory (reserved pages)': [
    KernelWarning,
    ({ k }) => runToEnd(vmemmapFree(k, ...vmemmapRange(k, BOOT_BASE))),
  ],
};

class Refused implements fc.Command<Model, Real> {
  constructor(readonly kind: string) {}
  check = (m: Readonly<Model>): boolean =>
    this.kind === 'hot-add over a hot-added section'
      ? m.hot.size > 0
      : this.kind !== 'remove a section that is not present' || m.hot.size < 6;
  run(m: Model, r: Real): void {
    const [error, request] = REFUSALS[this.kind] as [typeof HotplugError, (r: Real, m: Readonly<Model>) => void];
    const before = snapshot(r.k);
    assert.throws(() => request(r, m), error);
    assert.equal(snapshot(r.k), before);
  }
  toString = (): string => `refused: ${this.kind}`;
}

const commands = (maxCommands: number) =>
  fc.commands(
    [
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()).map(([slot, altmap]) => new HotAdd(slot, altmap)),
      fc.nat(5).map((pick) => new HotRemove(pick)),
      fc.integer({ min: 1, max: 4 }).map((pages) => new Vmalloc(pages)),
      fc.nat(MAX_AREAS).map((pick) => new Vfree(pick)),
      fc.constantFrom(...Object.keys(REFUSALS)).map((kind) => new Refused(kind)),
    ],
    { maxCommands },
  );

function runSequence(config: string, paged: boolean, cmds: Iterable<fc.Command<Model, Real>>): void {
  fc.modelRun(() => ({ model: { hot: new Set<number>(), areas: 0 }, real: boot(config, paged) }), cmds);
}

describe('hot-add, hot-remove, vmalloc and vfree in any order keep the kernel consistent', () => {
  for (const config of SUPPORTED_CONFIGS) {
    property([commands(6)], { numRuns: BLOCK_RUNS })(`${config}, block-mapped, policy v5.7`, (cmds) =>
      runSequence(config, false, cmds),
    );
    const paged = PAGED_RUNS[Number(config.split('K')[0])] ?? { runs: 0, commands: 0 };
    property([commands(paged.commands)], { numRuns: paged.runs })(`${config}, page-mapped, policy v5.7`, (cmds) =>
      runSequence(config, true, cmds),
    );
  }
});
