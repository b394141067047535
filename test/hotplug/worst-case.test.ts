import { describe, expect, it } from 'vitest';
import { kvaHex } from '../../src/arch/address';
import { PAGE_KERNEL } from '../../src/arch/descriptor';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { brokenInvariants } from '../../src/hotplug/invariants';
import { leftAtEdges, leftBehindBound, strandedTables, worstCase } from '../../src/hotplug/worst-case';
import { createPgdMapping, NO_BLOCK_MAPPINGS } from '../../src/mappings/create-mapping';
import { smallKernel } from '../support/kernels';

describe('leftBehindBound', () => {
  it.each([
    ['4K/48', 6],
    ['16K/48', 6],
    ['4K/39', 4],
    ['16K/47', 4],
    ['64K/48', 4],
    ['64K/52', 4],
    ['16K/36', 2],
    ['64K/42', 2],
  ])('%s: %i tables', (name, bound) => {
    expect(leftBehindBound(geometry(name))).toBe(bound);
  });
});

describe('worstCase', () => {
  it.each(SUPPORTED_CONFIGS.filter((c) => c !== '16K/48'))(
    '%s crosses a PGD boundary and reaches the bound',
    (name) => {
      const k = smallKernel(name);
      const w = worstCase(k);
      expect(w.crosses).toBe('PGD');
      expect(w.left).toHaveLength(leftBehindBound(k.geo));
      expect(brokenInvariants(k)).toEqual([]);
    },
  );

  it('16K/48: the linear map is one PGD entry, so the range crosses a PUD boundary and 4 tables stay', () => {
    const k = smallKernel('16K/48');
    const w = worstCase(k);
    expect(w.crosses).toBe('PUD');
    expect(kvaHex(k.geo, w.boundary)).toBe('0xffff002000000000');
    expect(w.left.map((d) => d.level).sort()).toEqual(['PMD', 'PMD', 'PTE', 'PTE']);
  });

  it.each(SUPPORTED_CONFIGS)(
    '%s: both edges are unaligned at every level and every table kept is outside floor/ceiling',
    (name) => {
      const k = smallKernel(name);
      const w = worstCase(k);
      for (const level of k.geo.levels.slice(0, -1)) {
        expect(w.start % level.entrySize).not.toBe(0);
        expect(w.end % level.entrySize).not.toBe(0);
      }
      expect(w.report.decisions.every((d) => !d.freed && d.reason === 'outside floor/ceiling')).toBe(true);
      expect(new Set(w.left.map((d) => d.verdict))).toEqual(new Set(['below-floor', 'beyond-ceiling']));
    },
  );

  it.each(SUPPORTED_CONFIGS.filter((c) => c !== '16K/48'))(
    '%s: the floor and the ceiling each hold one table of every level below the PGD',
    (name) => {
      const k = smallKernel(name);
      const edges = leftAtEdges(k, worstCase(k).report);
      const below = k.geo.levels.slice(1).map((l) => l.name);
      expect(edges.floor.map((d) => d.level).sort()).toEqual([...below].sort());
      expect(edges.ceiling.map((d) => d.level).sort()).toEqual([...below].sort());
      expect(edges.neither).toEqual([]);
    },
  );

  it.each(SUPPORTED_CONFIGS)(
    '%s: leftEmpty sees only the two lowest tables; the upper ones hold a pointer each',
    (name) => {
      const w = worstCase(smallKernel(name));
      expect(w.empty.map((d) => d.level)).toEqual(['PTE', 'PTE']);
      expect(w.left.filter((d) => !w.empty.includes(d)).every((d) => d.level !== 'PTE')).toBe(true);
    },
  );

  it('strandedTables: a kept table is no longer stranded once something is mapped below it again', () => {
    const k = smallKernel('4K/48');
    const w = worstCase(k);
    createPgdMapping(k.pt, {
      phys: w.start - k.layout.pageOffset + k.physOffset,
      virt: w.start,
      size: k.geo.pageSize,
      prot: PAGE_KERNEL,
      flags: NO_BLOCK_MAPPINGS,
      actor: 'test',
    });
    const still = strandedTables(k, [w.report]);
    expect(still.map((d) => [d.level, d.verdict])).toEqual([
      ['PTE', 'beyond-ceiling'],
      ['PMD', 'beyond-ceiling'],
      ['PUD', 'beyond-ceiling'],
    ]);
  });
});
