import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geometry, type LevelName, levelShift, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { contRun, vmemmapPerSection } from '../../src/arch/kernel-sizes';
import { ConfigError } from '../../src/errors';
import { property } from '../support/property';

const RUNS = { numRuns: 1000 };
const config = fc.constantFrom(...SUPPORTED_CONFIGS);

/**
 * Re-derived without the model's formula: a hardware walk resolves PAGE_SHIFT bits in the page and
 * PAGE_SHIFT − 3 more per table level; add levels upwards until VA_BITS are covered.
 */
function walkShifts(name: string): number[] {
  const [g, v] = name.split('/');
  const pageShift = { '4K': 12, '16K': 14, '64K': 16 }[g ?? ''] ?? Number.NaN;
  const vaBits = Number(v);
  const shifts = [pageShift];
  while ((shifts[0] ?? 0) + (pageShift - 3) < vaBits) shifts.unshift((shifts[0] ?? 0) + (pageShift - 3));
  return shifts;
}

function namesFor(count: number): LevelName[] {
  return count === 4 ? ['PGD', 'PUD', 'PMD', 'PTE'] : count === 3 ? ['PGD', 'PMD', 'PTE'] : ['PGD', 'PTE'];
}

describe('levels, shifts and entries', () => {
  property([config, fc.nat()], RUNS)('each level matches the walk re-derived from the granule', (name, pick) => {
    const geo = geometry(name);
    const shifts = walkShifts(name);
    assert.equal(geo.levels.length, shifts.length);
    const depth = pick % shifts.length;
    const level = geo.levels[depth];
    const shift = shifts[depth] ?? 0;
    expect(level).toMatchObject({
      shift,
      hw: 4 - shifts.length + depth,
      name: namesFor(shifts.length)[depth],
      entrySize: 2 ** shift,
      entries: 2 ** (depth === 0 ? geo.vaBits - shift : geo.pageShift - 3),
      tableSpan: depth === 0 ? 2 ** geo.vaBits : 2 ** (shifts[depth - 1] ?? 0),
    });
  });

  property([config], RUNS)('CONFIG_PGTABLE_LEVELS is (VA_BITS − 4) / (PAGE_SHIFT − 3), rounded down', (name) => {
    const geo = geometry(name);
    assert.equal(geo.levelCount, Math.floor((geo.vaBits - 4) / (geo.pageShift - 3)));
    assert.equal(geo.levelCount, walkShifts(name).length);
  });

  property([fc.integer({ min: 9, max: 16 }), fc.integer({ min: 0, max: 3 })], RUNS)(
    'ARM64_HW_PGTABLE_LEVEL_SHIFT adds PAGE_SHIFT − 3 bits per level above the page',
    (pageShift, hw) => {
      assert.equal(levelShift(pageShift, hw), pageShift + (3 - hw) * (pageShift - 3));
    },
  );

  // Known values: DOMAIN.md §2 and arch/arm64/include/asm/pgtable-hwdef.h (v5.7).
  it.each([
    ['4K/39', 3, 'PGD:30:512 PMD:21:512 PTE:12:512'],
    ['4K/48', 4, 'PGD:39:512 PUD:30:512 PMD:21:512 PTE:12:512'],
    ['16K/36', 2, 'PGD:25:2048 PTE:14:2048'],
    ['16K/47', 3, 'PGD:36:2048 PMD:25:2048 PTE:14:2048'],
    ['16K/48', 4, 'PGD:47:2 PUD:36:2048 PMD:25:2048 PTE:14:2048'],
    ['64K/42', 2, 'PGD:29:8192 PTE:16:8192'],
    ['64K/48', 3, 'PGD:42:64 PMD:29:8192 PTE:16:8192'],
    ['64K/52', 3, 'PGD:42:1024 PMD:29:8192 PTE:16:8192'],
  ])('%s has %i levels: %s', (name, count, levels) => {
    const geo = geometry(name);
    assert.equal(geo.levelCount, count);
    assert.equal(geo.levels.map((l) => `${l.name}:${l.shift}:${l.entries}`).join(' '), levels);
  });
});

describe('folding', () => {
  property([config], RUNS)('P4D always folds; PUD below 4 levels; PMD below 3', (name) => {
    const geo = geometry(name);
    const expected = ['P4D', ...(geo.levelCount < 4 ? ['PUD'] : []), ...(geo.levelCount < 3 ? ['PMD'] : [])];
    assert.deepEqual(geo.folded, expected);
  });

  property([config], RUNS)('a folded level takes the shift of the level above it', (name) => {
    const geo = geometry(name);
    const top = geo.levels[0]?.shift;
    assert.equal(geo.shiftOf.PGD, top);
    assert.equal(geo.shiftOf.PTE, geo.pageShift);
    assert.equal(geo.shiftOf.PUD, geo.levelCount === 4 ? geo.pageShift + 2 * (geo.pageShift - 3) : top);
    assert.equal(geo.shiftOf.PMD, geo.levelCount >= 3 ? geo.pageShift + (geo.pageShift - 3) : top);
  });
});

describe('contiguous runs, sections and struct pages', () => {
  // CONT_PTE_SHIFT / CONT_PMD_SHIFT of v5.7 pgtable-hwdef.h: 4K 4/4, 16K 7/5, 64K 5/5.
  const CONT = { 4: ['16', '64K', '16', '32M'], 16: ['128', '2M', '32', '1G'], 64: ['32', '2M', '32', '16G'] };
  const SIZE = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 } as Record<string, number>;
  const bytes = (s: string): number => Number.parseInt(s, 10) * (SIZE[s.slice(-1)] ?? 1);

  property([config], RUNS)('CONT runs depend on the granule only, and the PMD run sits on lookup level 2', (name) => {
    const geo = geometry(name);
    const [ptes = '', pteSize = '', pmds = '', pmdSize = ''] = CONT[geo.granule];
    assert.deepEqual(
      [contRun(geo, 'PTE'), contRun(geo, 'PMD')],
      [
        { entries: Number(ptes), size: bytes(pteSize) },
        { entries: Number(pmds), size: bytes(pmdSize) },
      ],
    );
    assert.deepEqual(
      geo.levels.map((l) => l.contEntries),
      geo.levels.map((l) => (l.hw === 3 ? Number(ptes) : l.hw === 2 ? Number(pmds) : 0)),
    );
  });

  property([config], RUNS)('a 1G section needs 64 bytes of vmemmap per page', (name) => {
    const geo = geometry(name);
    assert.equal(geo.sectionSize, 2 ** 30);
    assert.equal(geo.structPageSize, 64);
    assert.equal(vmemmapPerSection(geo), { 4: 16, 16: 4, 64: 1 }[geo.granule] * 2 ** 20);
  });
});

describe('unsupported configurations', () => {
  const unsupported = fc
    .oneof(
      fc.tuple(fc.integer({ min: 0, max: 128 }), fc.integer({ min: 0, max: 64 })).map(([g, v]) => `${g}K/${v}`),
      fc.string(),
    )
    .filter((s) => !(SUPPORTED_CONFIGS as readonly string[]).includes(s));

  property([unsupported], RUNS)('are refused with a ConfigError that lists the supported ones', (name) => {
    let caught: unknown;
    try {
      geometry(name);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError, String(caught));
    const error = caught as ConfigError;
    assert.equal(error.values.config, name);
    assert.deepEqual(
      SUPPORTED_CONFIGS.filter((known) => !error.message.includes(known)),
      [],
    );
  });
});
