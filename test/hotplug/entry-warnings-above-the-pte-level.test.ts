import * as fc from 'fast-check';
import { describe, expect } from 'vitest';
import { HI_PROT_NONE, VALID } from '../../src/arch/descriptor';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { entryWarning, WARN_RULES } from '../../src/hotplug/check';
import { property } from '../support/property';

/** Levels above the PTE level that pass 1 looks at (not the ones it walks into blind). */
const looked = fc
  .constantFrom(...SUPPORTED_CONFIGS)
  .map(geometry)
  .chain((geo) => {
    const levels = geo.levels.filter((l) => l.name !== 'PTE' && entryWarning(geo, l, VALID, 0) !== WARN_RULES.blind);
    return levels.length === 0
      ? fc.constant(undefined)
      : fc.record({ geo: fc.constant(geo), level: fc.constantFrom(...levels) });
  });

describe('entryWarning above the PTE level', () => {
  property([looked, fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 })])(
    'an entry with the valid bit and PROT_NONE clear but some bit set is "neither none nor present"',
    (at, lo, hi) => {
      fc.pre(at !== undefined);
      if (!at) return;
      expect(entryWarning(at.geo, at.level, (lo & ~VALID) >>> 0, (hi & ~HI_PROT_NONE) >>> 0 || 1)).toBe(
        WARN_RULES.notPresent,
      );
    },
  );

  property([looked])('an entry present only through PROT_NONE is neither a block nor a table', (at) => {
    fc.pre(at !== undefined);
    if (!at) return;
    expect(entryWarning(at.geo, at.level, 0, HI_PROT_NONE)).toBe(WARN_RULES.neither);
  });
});
