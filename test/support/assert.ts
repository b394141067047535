import { fc } from '@fast-check/vitest';
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

/**
 * Timeout of a test running RUNS property runs: they take 1–3 s on a quiet machine; this keeps them
 * from failing when the machine is loaded.
 */
export const PROPERTY_TIMEOUT = 30_000;
