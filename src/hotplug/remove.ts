import { fromKva, type Kva, kvaHex, physHex, ttbr1Base } from '../arch/address';
import { sharedTopEntry } from '../arch/sharing';
import { HotplugError, KernelWarning } from '../errors';
import type { Kernel } from '../mappings/kernel';
import type { Altmap } from '../memory/altmap';
import { runToEnd, type Steps } from '../tables/step';
import { checkTeardown } from './check';
import { type FreeingPolicy, policyNamed } from './policy';
import { kvaBounds } from './range-aligned';
import { flushTlbAll, freeEmptyTables, type TableDecision, type Teardown, unmapHotplugRange } from './teardown';

export type { TableDecision };

/** One call of the two-pass teardown, as a report. */
export interface TeardownReport {
  readonly caller: 'vmemmap_free' | '__remove_pgd_mapping';
  readonly start: Kva;
  readonly end: Kva;
  readonly floor: bigint;
  readonly ceiling: bigint;
  readonly decisions: readonly TableDecision[];
}

export interface TeardownOptions {
  readonly policy?: FreeingPolicy | string;
  readonly actor?: string;
  readonly stepwise?: boolean;
  readonly altmap?: Altmap;
  /** The caller already ran the WARN checks over this range (arch_remove_memory checks every part first). */
  readonly checked?: boolean;
}

const resolve = (p: FreeingPolicy | string | undefined): FreeingPolicy =>
  typeof p === 'string' || p === undefined ? policyNamed(p ?? 'v5.7') : p;

/** floor/ceiling a policy gives a caller: the enclosing region, the range itself, or no bound at all. */
export function bounds(k: Kernel, policy: FreeingPolicy, region: [Kva, Kva], range: [Kva, Kva]): [bigint, bigint] {
  if (policy.bounds === 'everything') return [0n, 0n];
  const [lo, hi] = policy.bounds === 'region' ? region : range;
  return [fromKva(k.geo, lo), fromKva(k.geo, hi)];
}

/**
 * vmemmap_free: unmap with free_mapped, then free empty tables within [VMEMMAP_START, VMEMMAP_END), the
 * kernel's constant VMEMMAP_START even when a 52-bit kernel runs with fewer bits and it lies below them.
 */
export function* vmemmapFree(k: Kernel, start: Kva, end: Kva, options: TeardownOptions = {}): Steps<TeardownReport> {
  const { vmemmapStart, vmemmapEnd } = k.layout;
  if (start < vmemmapStart || end > vmemmapEnd || start >= end) {
    throw new KernelWarning('vmemmap_free works inside [VMEMMAP_START, VMEMMAP_END)', {
      start: kvaHex(k.geo, start),
      end: kvaHex(k.geo, end),
      VMEMMAP_START: kvaHex(k.geo, vmemmapStart),
      VMEMMAP_END: kvaHex(k.geo, vmemmapEnd),
    });
  }
  const policy = resolve(options.policy);
  const shared = policy.skipVmemmapWhenShared && sharedTopEntry(k.layout).shared;
  const region: [Kva, Kva] = [k.layout.vmemmapStartConst, vmemmapEnd];
  return yield* teardown(k, 'vmemmap_free', start, end, true, region, policy, options, shared);
}

/** __remove_pgd_mapping: unmap the linear map (pages not freed), then free empty tables within [PAGE_OFFSET, PAGE_END). */
export function* removePgdMapping(
  k: Kernel,
  pgdir: number,
  start: Kva,
  size: number,
  options: TeardownOptions = {},
): Steps<TeardownReport> {
  const end = start + size;
  if (pgdir !== k.pt.pgd) {
    throw new KernelWarning('__remove_pgd_mapping only tears down init_mm’s tables', {
      pgdir: physHex(pgdir * k.geo.pageSize),
    });
  }
  if (start < k.layout.pageOffset || end > k.layout.pageEnd || size <= 0) {
    throw new KernelWarning('__remove_pgd_mapping works inside [PAGE_OFFSET, PAGE_END)', {
      start: kvaHex(k.geo, start),
      end: kvaHex(k.geo, end),
      PAGE_OFFSET: kvaHex(k.geo, k.layout.pageOffset),
      PAGE_END: kvaHex(k.geo, k.layout.pageEnd),
    });
  }
  const policy = resolve(options.policy);
  return yield* teardown(
    k,
    '__remove_pgd_mapping',
    start,
    end,
    false,
    [k.layout.pageOffsetConst, k.layout.pageEnd],
    policy,
    options,
    false,
  );
}

function* teardown(
  k: Kernel,
  caller: TeardownReport['caller'],
  start: Kva,
  end: Kva,
  freeMapped: boolean,
  region: [Kva, Kva],
  policy: FreeingPolicy,
  options: TeardownOptions,
  sharedWithVmalloc: boolean,
): Steps<TeardownReport> {
  if (!options.checked) checkTeardown(k, start, end, freeMapped);
  const [floor, ceiling] = bounds(k, policy, region, [start, end]);
  const t: Teardown = {
    k,
    actor: options.actor ?? 'hot-remove',
    stepwise: options.stepwise ?? false,
    freeMapped,
    altmap: options.altmap,
    policy,
    floor,
    ceiling,
    kvaBounds: kvaBounds(ttbr1Base(k.geo), floor, ceiling, policy.rangeCheck),
    decisions: [],
    keepAll: sharedWithVmalloc ? 'vmemmap shares a PGD entry with vmalloc' : undefined,
  };
  yield* unmapHotplugRange(t, start, end);
  yield* freeEmptyTables(t, start, end);
  if (policy.flushAllAtEnd) yield* flushTlbAll(t);
  return { caller, start, end, floor, ceiling, decisions: t.decisions };
}

/** What arch_remove_memory did: one vmemmap_free per section, then the linear map. */
export interface RemovalReport {
  readonly start: number;
  readonly size: number;
  readonly policy: FreeingPolicy;
  readonly parts: readonly TeardownReport[];
  /** Trace position before the removal: `k.pt.trace.since(mark)` gives its events. */
  readonly mark: number;
}

/**
 * arch_remove_memory: refuse boot memory (v5.7's own prevent_bootmem_remove_notifier) and anything not
 * hot-added; then __remove_pages → vmemmap_free per section, then __remove_pgd_mapping of the linear map.
 */
export function archRemoveMemory(k: Kernel, start: number, size: number, options: TeardownOptions = {}): RemovalReport {
  return runToEnd(archRemoveMemorySteps(k, start, size, options));
}

export function* archRemoveMemorySteps(
  k: Kernel,
  start: number,
  size: number,
  options: TeardownOptions = {},
): Steps<RemovalReport> {
  const sections = checkRemovable(k, start, size);
  const policy = resolve(options.policy);
  const mark = k.pt.trace.mark();
  checkTeardown(k, k.linearVa(start), k.linearVa(start + size), false);
  for (const nr of sections) checkTeardown(k, ...sectionVmemmap(k, nr), true);
  const parts: TeardownReport[] = [];
  for (const nr of sections) {
    const [vs, ve] = sectionVmemmap(k, nr);
    parts.push(
      yield* vmemmapFree(k, vs, ve, { ...options, policy, checked: true, altmap: options.altmap ?? k.altmaps.get(nr) }),
    );
  }
  parts.push(yield* removePgdMapping(k, k.pt.pgd, k.linearVa(start), size, { ...options, policy, checked: true }));
  for (const nr of sections) {
    k.sections.delete(nr);
    k.altmaps.delete(nr);
    k.mem.removeBlock(nr * k.geo.sectionSize, k.geo.sectionSize);
  }
  return { start, size, policy, parts, mark };
}

/** The vmemmap range of a section's struct pages. */
export function sectionVmemmap(k: Kernel, nr: number): [Kva, Kva] {
  const start = k.vmemmapVa((nr * k.geo.sectionSize) / k.geo.pageSize);
  return [start, start + k.sectionVmemmapSize];
}

/** SUBSECTION_SHIFT 21: sparsemem tracks present memory in 2 MiB sub-sections (since v5.3). */
export const SUBSECTION_SIZE = 2 ** 21;

/**
 * The vmemmap range that section_deactivate hands to vmemmap_free (via depopulate_section_memmap) when
 * one 2 MiB sub-section of a hot-added section is removed: its own struct pages only. The range need
 * not cover whole vmemmap leaves; v5.7's vmemmap_free still clears every leaf it touches.
 */
export function subsectionVmemmap(k: Kernel, pa: number): [Kva, Kva] {
  const s = k.sections.get(k.sectionOf(pa));
  if (pa % SUBSECTION_SIZE !== 0 || !s || s.boot) {
    throw new HotplugError('a sub-section is 2M-aligned and lies in a hot-added section', {
      subsection: physHex(pa),
      present: s ? (s.boot ? 'boot' : 'hot-added') : 'no',
    });
  }
  const start = k.vmemmapVa(pa / k.geo.pageSize);
  return [start, start + (SUBSECTION_SIZE / k.geo.pageSize) * k.geo.structPageSize];
}

function checkRemovable(k: Kernel, start: number, size: number): number[] {
  const sec = k.geo.sectionSize;
  if (size <= 0 || start % sec !== 0 || size % sec !== 0) {
    throw new HotplugError('memory is removed in whole sections', { start: physHex(start), size, section: sec });
  }
  const sections: number[] = [];
  for (let pa = start; pa < start + size; pa += sec) {
    const s = k.sections.get(k.sectionOf(pa));
    if (!s) throw new HotplugError('only present memory can be removed', { section: physHex(pa) });
    if (s.boot) throw new HotplugError('boot memory can never be removed', { section: physHex(pa) });
    sections.push(s.nr);
  }
  for (const [nr, altmap] of k.altmaps) {
    const owner = altmap.basePfn * k.geo.pageSize;
    if (sections.includes(nr) !== (owner >= start && owner < start + size)) {
      throw new HotplugError('memory whose vmemmap lives in an altmap is removed together with it', {
        section: physHex(nr * sec),
        altmap: physHex(owner),
      });
    }
  }
  return sections;
}
