import * as fc from 'fast-check';
import { it } from 'vitest';

/**
 * A property test as one vitest test: `property([arbitraries], params)(name, predicate)` runs fc.assert
 * over the arbitraries' values. It stands in for @fast-check/vitest's `test.prop`, whose import built
 * every chain of vitest 4's test modifiers: seconds and hundreds of MB in every worker.
 */
export function property<Ts extends [unknown, ...unknown[]]>(
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  params?: fc.Parameters<Ts>,
): (name: string, predicate: (...values: Ts) => void) => void {
  return (name, predicate) => {
    it(name, () => {
      fc.assert(fc.property<Ts>(...arbitraries, predicate), params);
    });
  };
}
