import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { brokenInvariants, leftEmpty } from '../../src/hotplug/invariants';
import {
  archRemoveMemory,
  removePgdMapping,
  sectionVmemmap,
  type TeardownReport,
  vmemmapFree,
} from '../../src/hotplug/remove';
import { leftAtEdges, strandedTables } from '../../src/hotplug/worst-case';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { tablesFingerprint } from '../../src/mappings/snapshot';
import { vmemmapLeafLevel, vmemmapPopulate } from '../../src/mappings/vmemmap';
import { runToEnd } from '../../src/tables/step';
import { reachableTables, type TableNode } from '../../src/tables/tree';
import { property } from '../support/property';

/*
 * The thread's first proposal, floor/ceiling = the removed range itself: it may leave tables behind
 * that map nothing any more, but only at the two edges of the range — at most one per freeable level
 * (every level but the PGD) and edge, 2 × (levels − 1) in all. Only the lowest of a chain of them is
 * empty (each one above still points at the one below). A later teardown with the enclosing region
 * reclaims them all.
 */

/** Random ranges per configuration and kind: small page-mapped 8 × 125 = 1,000; large block-mapped and vmemmap 8 × 50 each. */
const SMALL_RUNS = 125;
const LARGE_RUNS = 50;
const VMEMMAP_RUNS = 50;
const BOOT_BASE = 0x4000_0000;
const BOOT_SIZE = 2 ** 30;
/** Small ranges: at most this many pages, mapped page by page. */
const MAX_PAGES = 96;
/** Large ranges: up to 1 TiB (capped by the free linear map), block-mapped where alignment allows. */
const MAX_LARGE = 2 ** 40;
/** vmemmap ranges: at most this many bytes of struct pages, so their backing fits the boot allocator. */
const MAX_VMEMMAP = 64 * 2 ** 20;

/** A block-mapped kernel with 1 GiB of boot memory; every run works on a copy of it, counting events without recording them (no check reads them). */
const boot = (config: string): Kernel =>
  new Kernel({ config, bootBase: BOOT_BASE, bootSize: BOOT_SIZE, rodataFull: false, vmallocAreas: [], trace: false });

interface Span {
  readonly start: Kva;
  readonly size: number;
}

/**
 * A range of `unit`-aligned addresses in [low, high), at most `maxUnits` units long: mostly straddling
 * a boundary of some level's entries (so that it crosses tables of that level), else starting at one,
 * ending at `high`, or anywhere.
 */
function rangeIn(k: Kernel, low: Kva, high: Kva, unit: number, maxUnits: number): fc.Arbitrary<Span> {
  const room = Math.floor((high - low) / unit);
  const most = Math.min(maxUnits, room);
  const units = fc.integer({ min: 1, max: most });
  const clamp = (at: number, n: number): Span => ({
    start: Math.min(Math.max(low, at), high - n * unit),
    size: n * unit,
  });
  const boundaries = k.geo.levels
    .map((l) => ({
      size: l.entrySize,
      first: Math.ceil(low / l.entrySize) + 1,
      last: Math.floor(high / l.entrySize) - 1,
    }))
    .filter((b) => b.first <= b.last && b.size % unit === 0);
  const boundary = fc
    .constantFrom(...boundaries)
    .chain((b) => fc.integer({ min: b.first, max: b.last }).map((n) => n * b.size));
  const straddling = fc
    .tuple(boundary, fc.integer({ min: 2, max: Math.max(2, most) }), fc.nat())
    .map(([at, n, cut]) => clamp(at - (1 + (cut % (n - 1))) * unit, n));
  return fc.oneof(
    { weight: 6, arbitrary: straddling },
    { weight: 1, arbitrary: fc.tuple(boundary, units).map(([at, n]) => clamp(at, n)) },
    { weight: 1, arbitrary: units.map((n) => clamp(high - n * unit, n)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(room - most), units).map(([at, n]) => clamp(low + at * unit, n)),
    },
  );
}

/** Sizes spread over every order of magnitude up to `max` units, not only the large ones. */
function anySize(k: Kernel, low: Kva, high: Kva, unit: number, max: number): fc.Arbitrary<Span> {
  return fc
    .integer({ min: 0, max: Math.floor(Math.log2(max)) })
    .chain((bits) => rangeIn(k, low, high, unit, 2 ** bits));
}

/**
 * The thread's bound as what the teardown left: every table left behind is kept as outside
 * floor/ceiling, straddles the floor or the ceiling, and each edge holds at most one table per level
 * below the PGD — so no more than 2 × (levels − 1) in all, and none whose whole span was removed.
 */
function expectWithinBound(k: Kernel, report: TeardownReport): void {
  const levels = k.geo.levels.length;
  const left = strandedTables(k, [report]);
  assert.ok(left.length <= 2 * (levels - 1), `expected ${left.length} <= ${2 * (levels - 1)}`);
  assert.ok(left.every((d) => d.reason === 'outside floor/ceiling' && d.level !== 'PGD'));
  const inside = left.filter((d) => d.va >= report.start && d.va + d.span <= report.end);
  assert.deepEqual(inside, [], 'a table whose whole span was removed is left');
  const edges = leftAtEdges(k, report);
  assert.deepEqual(edges.neither, [], 'a table left behind straddles neither edge');
  for (const atEdge of [edges.floor, edges.ceiling]) {
    assert.equal(new Set(atEdge.map((d) => d.level)).size, atEdge.length);
  }
  const empty = leftEmpty(k, [report]).map((d) => d.pfn);
  assert.deepEqual(
    empty.filter((pfn) => !left.some((d) => d.pfn === pfn)),
    [],
  );
  assert.deepEqual(brokenInvariants(k), []);
}

/** Maps a linear-map range, tears it down under `range`, checks the bound, then lets v5.7 reclaim the rest. */
function linearRoundTrip(booted: Kernel, { start, size }: Span, flags: number): void {
  const k = booted.clone();
  const before = tablesFingerprint(k);
  const phys = BOOT_BASE + (start - k.layout.pageOffset);
  createPgdMapping(k.pt, { phys, virt: start, size, prot: PAGE_KERNEL, flags, actor: 'test' });
  expectWithinBound(k, runToEnd(removePgdMapping(k, k.pt.pgd, start, size, { policy: 'range' })));
  runToEnd(removePgdMapping(k, k.pt.pgd, start, size, { policy: 'v5.7' }));
  assert.equal(tablesFingerprint(k), before, 'the enclosing region reclaims what the range left');
}

describe('policy range: floor and ceiling = the removed range', () => {
  for (const config of SUPPORTED_CONFIGS) {
    const booted = boot(config);
    const bound = 2 * (booted.geo.levels.length - 1);
    const low = booted.linearVa(BOOT_BASE + BOOT_SIZE);
    const high = booted.layout.pageEnd;
    const page = booted.geo.pageSize;

    property([rangeIn(booted, low, high, page, MAX_PAGES)], { numRuns: SMALL_RUNS })(
      `${config}: a few pages mapped page by page: at most ${bound} tables left behind, one per level and edge`,
      (span) => linearRoundTrip(booted, span, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS),
    );

    property([anySize(booted, low, high, page, MAX_LARGE / page)], { numRuns: LARGE_RUNS })(
      `${config}: a range of any size up to 1T, block-mapped: at most ${bound} tables left behind`,
      (span) => linearRoundTrip(booted, span, NO_CONT_MAPPINGS),
    );

    const leaf = vmemmapLeafLevel(booted).entrySize;
    const vmemmapLow = booted.vmemmapVa((BOOT_BASE + BOOT_SIZE) / page);
    property([anySize(booted, vmemmapLow, booted.layout.vmemmapEnd, leaf, MAX_VMEMMAP / leaf)], {
      numRuns: VMEMMAP_RUNS,
    })(`${config}: a vmemmap range: vmemmap_free leaves at most ${bound} tables behind`, ({ start, size }) => {
      const k = booted.clone();
      vmemmapPopulate(k, start, start + size, undefined, 'test');
      expectWithinBound(k, runToEnd(vmemmapFree(k, start, start + size, { policy: 'range' })));
    });
  }
});

// Every configuration: the sections features/hot-remove/range-floor-ceiling-leaves-at-most-six.feature
// shows on a few. What stays behind is exactly the fresh tables whose span sticks out of the range each
// caller unmapped; a page-mapped section leaves the same, its PTE tables lying inside the section.
describe('a real section hot-added and hot-removed under the policy range', () => {
  const GiB = 2 ** 30;
  // Next to boot memory only 64K's vmemmap has a table of its own (a 512M PTE table); in the middle
  // of the reach every table is fresh and vmemmap starts 2M short of a large boundary.
  const COUNTS: Record<string, [number, number]> = {
    '4K/39': [0, 2],
    '4K/48': [0, 5],
    '16K/36': [0, 2],
    '16K/47': [0, 5],
    '16K/48': [0, 5],
    '64K/42': [1, 1],
    '64K/48': [1, 2],
    '64K/52': [1, 2],
  };
  const places = (k: Kernel): [string, number][] => [
    ['next to boot memory', 0x2_0000_0000],
    ['in the middle of the reach', k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2],
  ];

  /** Tables left behind in the linear map and in vmemmap, as level names bottom-up. */
  function leftBehind(k: Kernel, pa: number): { linear: string; vmemmap: string; expected: string } {
    const before = new Set(reachableTables(k.pt).map((n) => n.pfn));
    archAddMemory(k, pa, GiB);
    const [vmStart, vmEnd] = sectionVmemmap(k, k.sectionOf(pa));
    const sticksOut = (n: TableNode): boolean => {
      const [start, end] = n.va < k.layout.pageEnd ? [k.linearVa(pa), k.linearVa(pa) + GiB] : [vmStart, vmEnd];
      return n.va < start || n.va + n.level.tableSpan > end;
    };
    const fresh = reachableTables(k.pt).filter((n) => n.level.depth > 0 && !before.has(n.pfn));
    const report = archRemoveMemory(k, pa, GiB, { policy: 'range' });
    const names = (pfns: number[]) =>
      fresh
        .filter((n) => pfns.includes(n.pfn))
        .map((n) => `${n.va < k.layout.pageEnd ? 'linear' : 'vmemmap'} ${n.level.name}`)
        .sort()
        .join(', ');
    const left = strandedTables(k, report.parts).map((d) => d.pfn);
    return {
      linear: names(left.filter((p) => fresh.find((n) => n.pfn === p && n.va < k.layout.pageEnd))),
      vmemmap: names(left.filter((p) => fresh.find((n) => n.pfn === p && n.va >= k.layout.pageEnd))),
      expected: names(fresh.filter(sticksOut).map((n) => n.pfn)),
    };
  }

  it.each(SUPPORTED_CONFIGS)(
    '%s: block-mapped and page-mapped, next to boot memory and in the middle of the reach',
    (config) => {
      const blocks = new Kernel({ config, rodataFull: false, trace: false });
      const pages = new Kernel({ config, bootSize: 256 * 2 ** 20, trace: false });
      for (const [where, pa] of places(blocks)) {
        const block = leftBehind(blocks.clone(), pa);
        assert.equal([block.linear, block.vmemmap].filter(Boolean).join(', '), block.expected, where);
        const count = block.expected === '' ? 0 : block.expected.split(', ').length;
        assert.equal(count, COUNTS[config]?.[where === 'next to boot memory' ? 0 : 1], where);
        const paged = leftBehind(pages.clone(), pa);
        assert.deepEqual([paged.linear, paged.vmemmap], [block.linear, block.vmemmap], `${where}, page-mapped`);
      }
    },
  );
});
