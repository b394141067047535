import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Kva } from '../../src/arch/address';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { brokenInvariants, leftEmpty } from '../../src/hotplug/invariants';
import { removePgdMapping } from '../../src/hotplug/remove';
import { strandedTables } from '../../src/hotplug/worst-case';
import { createPgdMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS } from '../../src/mappings/create-mapping';
import { Kernel } from '../../src/mappings/kernel';
import { tablesFingerprint } from '../../src/mappings/snapshot';
import { runToEnd } from '../../src/tables/step';

/*
 * The thread's first proposal, floor/ceiling = the removed range itself: it may leave tables behind
 * that map nothing any more, but only at the two edges of the range — at most one per freeable level
 * (every level but the PGD) and edge, 2 × (levels − 1) in all. Only the lowest of a chain of them is
 * empty (each one above still points at the one below). A later teardown with the enclosing region
 * reclaims them all.
 */

/** Random ranges per configuration: 8 × 125 = 1,000. */
const RUNS_PER_CONFIG = 125;
const BOOT_BASE = 0x4000_0000;
const BOOT_SIZE = 2 ** 30;
/** Ranges of at most this many pages. */
const MAX_PAGES = 96;

/** A block-mapped kernel with 1 GiB of boot memory; every run works on a copy of it. */
const boot = (config: string): Kernel =>
  new Kernel({ config, bootBase: BOOT_BASE, bootSize: BOOT_SIZE, rodataFull: false, vmallocAreas: [] });

/**
 * A small page-aligned range of the linear map above boot memory: mostly straddling a boundary of
 * some level's entries (so that it crosses tables of that level), else starting at one, ending at the
 * top of the linear map, or anywhere.
 */
function linearRange(k: Kernel): fc.Arbitrary<{ start: Kva; pages: number }> {
  const page = k.geo.pageSize;
  const low = k.linearVa(BOOT_BASE + BOOT_SIZE);
  const high = k.layout.pageEnd;
  const pages = fc.integer({ min: 1, max: MAX_PAGES });
  const boundaries = k.geo.levels
    .map((l) => ({
      size: l.entrySize,
      first: Math.ceil(low / l.entrySize) + 1,
      last: Math.floor(high / l.entrySize) - 1,
    }))
    .filter((b) => b.first <= b.last);
  const boundary = fc
    .constantFrom(...boundaries)
    .chain((b) => fc.integer({ min: b.first, max: b.last }).map((n) => n * b.size));
  const straddling = fc.tuple(boundary, fc.integer({ min: 2, max: MAX_PAGES }), fc.nat()).map(([at, n, cut]) => ({
    start: Math.min(Math.max(low, at - (1 + (cut % (n - 1))) * page), high - n * page),
    pages: n,
  }));
  return fc.oneof(
    { weight: 6, arbitrary: straddling },
    {
      weight: 1,
      arbitrary: fc.tuple(boundary, pages).map(([at, n]) => ({ start: Math.min(at, high - n * page), pages: n })),
    },
    { weight: 1, arbitrary: pages.map((n) => ({ start: high - n * page, pages: n })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat((high - low) / page - MAX_PAGES), pages)
        .map(([at, n]) => ({ start: low + at * page, pages: n })),
    },
  );
}

describe('policy range: floor and ceiling = the removed range', () => {
  for (const config of SUPPORTED_CONFIGS) {
    const booted = boot(config);
    const levels = booted.geo.levels.length;
    test.prop([linearRange(booted)], { numRuns: RUNS_PER_CONFIG })(
      `${config}: at most ${2 * (levels - 1)} tables left behind, at the edges, one per level and edge`,
      ({ start, pages }) => {
        const k = booted.clone();
        const size = pages * k.geo.pageSize;
        const end = start + size;
        const before = tablesFingerprint(k);
        const phys = BOOT_BASE + (start - k.layout.pageOffset);
        const flags = NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
        createPgdMapping(k.pt, { phys, virt: start, size, prot: PAGE_KERNEL, flags, actor: 'test' });
        const report = runToEnd(removePgdMapping(k, k.pt.pgd, start, size, { policy: 'range' }));
        const left = strandedTables(k, [report]);
        expect(left.length).toBeLessThanOrEqual(2 * (levels - 1));
        expect(left.every((d) => d.reason === 'outside floor/ceiling')).toBe(true);
        const inside = left.filter((d) => d.va >= start && d.va + d.span <= end);
        expect(inside, 'a table whose whole span was removed is left').toEqual([]);
        for (const edge of [start, end - 1]) {
          const atEdge = left.filter((d) => d.va <= edge && edge < d.va + d.span);
          expect(new Set(atEdge.map((d) => d.level)).size).toBe(atEdge.length);
        }
        const empty = leftEmpty(k, [report]).map((d) => d.pfn);
        expect(empty.filter((pfn) => !left.some((d) => d.pfn === pfn))).toEqual([]);
        expect(brokenInvariants(k)).toEqual([]);
        runToEnd(removePgdMapping(k, k.pt.pgd, start, size, { policy: 'v5.7' }));
        expect(tablesFingerprint(k), 'the enclosing region reclaims what the range left').toBe(before);
      },
    );
  }
});
