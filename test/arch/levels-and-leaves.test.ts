import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DescType,
  descType,
  isNone,
  leafDesc,
  PAGE_KERNEL,
  PAGE_KERNEL_RO,
  TABLE_BIT,
} from '../../src/arch/descriptor';
import { geometry, type LevelName, levelNamed, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { property } from '../support/property';

const config = fc.constantFrom(...SUPPORTED_CONFIGS);

/** CONT_PTES and CONT_PMDS of pgtable-hwdef.h (v5.7), re-stated: 4K 16/16, 16K 128/32, 64K 32/32. */
const CONT = { 4: { PTE: 16, PMD: 16 }, 16: { PTE: 128, PMD: 32 }, 64: { PTE: 32, PMD: 32 } } as const;

describe('contiguous runs belong to lookup levels 2 and 3 only', () => {
  property([config])('CONT_PTES at level 3, CONT_PMDS at level 2, none above', (name) => {
    const geo = geometry(name);
    for (const level of geo.levels) {
      const expected = level.hw === 3 ? CONT[geo.granule].PTE : level.hw === 2 ? CONT[geo.granule].PMD : 0;
      expect(level.contEntries, `${name} ${level.name}`).toBe(expected);
    }
  });
});

describe('levelNamed: a real level by its kernel name, or none when folded', () => {
  property([config, fc.constantFrom<LevelName>('PGD', 'PUD', 'PMD', 'PTE')])(
    'finds the one level of that name, undefined exactly when the level is folded',
    (name, levelName) => {
      const geo = geometry(name);
      const level = levelNamed(geo, levelName);
      expect(level?.name).toBe(geo.levels.some((l) => l.name === levelName) ? levelName : undefined);
      expect(level === undefined).toBe((geo.folded as readonly string[]).includes(levelName));
    },
  );
});

describe('a block leaf is a block whatever protection it is given', () => {
  property([config, fc.constantFrom(PAGE_KERNEL, PAGE_KERNEL_RO), fc.boolean()])(
    'with a page protection (table bit set) the block clears bits[1] (mk_sect_prot); a page keeps it',
    (name, prot, cont) => {
      const geo = geometry(name);
      for (const level of geo.levels.filter((l) => l.blockAllowed || l.name === 'PTE')) {
        const d = leafDesc(level, 0, prot, geo.pageShift, cont);
        const isPage = level.name === 'PTE';
        expect(descType(level, d.lo)).toBe(isPage ? DescType.Page : DescType.Block);
        expect((d.lo & TABLE_BIT) !== 0).toBe(isPage);
      }
    },
  );
});

describe('p*d_none', () => {
  it('an all-zero descriptor is none', () => {
    expect(isNone(0, 0)).toBe(true);
    expect(isNone(1, 0)).toBe(false);
    expect(isNone(0, 1)).toBe(false);
  });
});
