import * as fc from 'fast-check';
import { it } from 'vitest';

/**
 * A property test as one vitest test: `property([arbitraries], params)(name, predicate)` runs fc.assert
 * over the arbitraries' values. It stands in for @fast-check/vitest's `test.prop`, whose import built
 * every chain of vitest 4's test modifiers: seconds and hundreds of MB in every worker. A predicate
 * runs a thousand times: assert in it with node:assert/strict, not vitest's `expect` (about 11 µs of
 * bookkeeping a call, against 0.4 µs).
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

/**
 * Any text of up to maxLength code points, lone surrogates included: what fc.string's 'binary' unit
 * draws, without the table of every code point that building that unit costs (over a second).
 */
export function anyText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.nat({ max: 0x10ffff }).map((c) => String.fromCodePoint(c)), maxLength });
}
