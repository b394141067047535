import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromKva, kvaHex } from '../../src/arch/address';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { sharedTopEntry } from '../../src/arch/sharing';
import { property } from '../support/property';

const RUNS = { numRuns: 1000 };
/** Every configuration with and without KASAN, computed once. */
const LAYOUTS = SUPPORTED_CONFIGS.flatMap((name) => [false, true].map((kasan) => layout(geometry(name), { kasan })));
const anyLayout = fc.constantFrom(...LAYOUTS);

describe('vmalloc and vmemmap under one PGD entry', () => {
  property([anyLayout], RUNS)('the entries are pgd_index of VMALLOC_END − 1 and of VMEMMAP_START', (lay) => {
    const g = lay.geo;
    const pgdShift = BigInt(g.levels[0]?.shift ?? 0);
    const mask = BigInt(g.levels[0]?.entries ?? 0) - 1n;
    const pgdIndex = (va: bigint): number => Number((va >> pgdShift) & mask);
    const s = sharedTopEntry(lay);
    assert.equal(s.vmallocEntry, pgdIndex(fromKva(g, lay.vmallocEnd) - 1n));
    assert.equal(s.vmemmapEntry, pgdIndex(fromKva(g, lay.vmemmapStart)));
    assert.equal(s.shared, s.vmallocEntry === s.vmemmapEntry);
    assert.equal(s.tables.length > 0, s.shared);
  });

  property([anyLayout], RUNS)('every shared table maps both addresses', (lay) => {
    for (const t of sharedTopEntry(lay).tables) {
      assert.ok(t.start <= lay.vmallocEnd - 1, `expected ${t.start} <= ${lay.vmallocEnd - 1}`);
      assert.ok(lay.vmemmapStart < t.start + t.span, `expected ${lay.vmemmapStart} < ${t.start + t.span}`);
    }
  });

  property([anyLayout], RUNS)('VMALLOC_END − 1 and VMEMMAP_START never share a PUD entry', (lay) => {
    const g = lay.geo;
    const pudIndex = (kva: number): bigint => fromKva(g, kva) >> BigInt(g.shiftOf.PUD);
    const [last, first] = [pudIndex(lay.vmallocEnd - 1), pudIndex(lay.vmemmapStart)];
    assert.ok(last < first, `PUD entry ${last} of VMALLOC_END − 1, ${first} of VMEMMAP_START`);
  });

  property([anyLayout], RUNS)('in every shared table the two use neighbouring entries at the lowest level', (lay) => {
    const g = lay.geo;
    const tables = sharedTopEntry(lay).tables;
    for (const t of tables) {
      const shift = BigInt(g.levels.find((l) => l.name === t.level)?.shift ?? 0);
      const mask = BigInt(g.ptrsPerTable) - 1n;
      const index = (kva: number): number => Number((fromKva(g, kva) >> shift) & mask);
      assert.deepEqual([t.lowIndex, t.highIndex], [index(lay.vmallocEnd - 1), index(lay.vmemmapStart)]);
    }
    const last = tables.at(-1);
    if (last) assert.equal(last.highIndex - last.lowIndex, 1);
  });

  it.each([
    ['4K/48', 507, 'PUD', '0xfffffd8000000000', 2 ** 39],
    ['16K/48', 1, 'PUD', '0xffff800000000000', 2 ** 47],
  ])('%s: PGD entry %i, one %s table at %s', (name, entry, level, start, span) => {
    for (const kasan of [false, true]) {
      const lay = layout(geometry(name), { kasan });
      const s = sharedTopEntry(lay);
      expect(s).toMatchObject({ shared: true, vmallocEntry: entry, vmemmapEntry: entry });
      assert.deepEqual(
        s.tables.map((t) => [t.level, kvaHex(lay.geo, t.start), t.span]),
        [[level, start, span]],
      );
    }
  });

  it.each(['4K/39', '16K/36', '16K/47', '64K/42', '64K/48', '64K/52'])('%s: different PGD entries', (name) => {
    assert.equal(sharedTopEntry(layout(geometry(name))).shared, false);
  });
});
