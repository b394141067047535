import { describe, expect, it } from 'vitest';
import { explore, type Scenario } from '../../src/concurrency/explorer';
import { INJECTED_BUGS, neighbourRace } from '../../src/concurrency/injected';
import { staleWalkRace } from '../../src/concurrency/scenarios';
import type { FreeingPolicy } from '../../src/hotplug/policy';
import { naiveExplore } from './naive';
import { tiny } from './tiny';

// Scenarios small enough to run every interleaving without reduction (495 schedules at most).
const SMALL: [string, () => Scenario][] = [
  ['empty-only: the PTE table freed while the W+X check holds it', () => tiny('empty-only', ['ptdump_check_wx'])],
  ['x86: freed before the PGD entry is cleared, read by a CPU', () => tiny('x86', ['cpu'])],
  ['x86 with the W+X check: freed before cleared, read by it', () => tiny('x86', ['ptdump_check_wx'])],
  ['v5.7 against the W+X check and a CPU: nothing to find', () => tiny('v5.7', ['ptdump_check_wx', 'cpu'])],
  ['x86 against a warm TLB and walk cache: a freed page read', () => staleWalkRace('64K/42', 'x86', 'constructed')],
  [
    'no all-none scan: a lost mapping, seen only at the end',
    () => neighbourRace('64K/42', INJECTED_BUGS['no-scan'] as FreeingPolicy),
  ],
];

describe('sleep sets against a naive search of every interleaving', () => {
  it.each(SMALL)('lose no violation and report a shortest one: %s', (_, make) => {
    const scenario = make();
    const naive = naiveExplore(scenario);
    const reduced = explore(scenario);
    const shortest = Math.min(...naive.violations.map((v) => v.length));
    expect(reduced.counterexample?.steps.length).toBe(naive.violations.length ? shortest : undefined);
    if (naive.violations.length) {
      const kinds = naive.violations.filter((v) => v.length === shortest).map((v) => v.kind);
      expect(kinds).toContain(reduced.counterexample?.violation.kind);
    } else {
      expect(reduced.finalStates).toBe(naive.finals.size);
    }
    expect(reduced.schedules + reduced.sleepBlocked).toBeLessThanOrEqual(naive.schedules);
  });

  it('run fewer schedules than the naive search on three actors', () => {
    const scenario = tiny('v5.7', ['ptdump_check_wx', 'cpu']);
    const naive = naiveExplore(scenario);
    const reduced = explore(scenario);
    expect(naive.schedules).toBe(495);
    expect(reduced.schedules + reduced.sleepBlocked).toBeLessThan(naive.schedules / 10);
  });
});
