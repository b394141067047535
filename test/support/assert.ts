import * as fc from 'fast-check';
import { expect } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { RUNS } from './ranges';

/**
 * fc.assert with RUNS runs over an arbitrary whose values start with a configuration name; also checks
 * that every configuration was drawn.
 */
export function assertEveryConfig<T extends readonly [string, ...unknown[]]>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => void,
): void {
  const seen = new Set<string>();
  fc.assert(
    fc.property(arb, (value) => {
      seen.add(value[0]);
      predicate(value);
    }),
    { numRuns: RUNS },
  );
  expect([...seen].sort()).toEqual([...SUPPORTED_CONFIGS].sort());
}
