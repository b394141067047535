import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Exploration, explore, type Scenario, searchSubtree } from '../../src/concurrency/explorer';
import { INJECTED_BUGS, neighbourRace } from '../../src/concurrency/injected';
import { type Division, exploreInParts } from '../../src/concurrency/shard';
import { buildScenario, type ScenarioSpec } from '../../src/concurrency/spec';
import { ExplorationPool } from '../../src/concurrency/workers';
import { ConfigError } from '../../src/errors';
import type { FreeingPolicy } from '../../src/hotplug/policy';
import { tiny } from './tiny';

/** Everything an exploration reports but its time. */
const figures = (e: Exploration) => ({
  schedules: e.schedules,
  sleepBlocked: e.sleepBlocked,
  finalStates: e.finalStates,
  stepsExecuted: e.stepsExecuted,
  counterexample: e.counterexample,
});

/** A division that answers the given answers and picks in turn, over and over. */
const dividing = ([answers, picks]: [readonly boolean[], readonly number[]]): Division => {
  let a = 0;
  let p = 0;
  return { wanted: () => answers[a++ % answers.length] as boolean, next: () => picks[p++ % picks.length] as number };
};
const divisions = fc.tuple(
  fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
  fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
);
/** Always give work away; search the subtrees given in the order given. */
const eager: Division = { wanted: () => true, next: () => 0 };

// Built once: exploring clones the initial state, so a scenario can be searched any number of times.
const QUIET: [string, Scenario][] = [
  ['v5.7 against the W+X check and a CPU (64K/42)', tiny('v5.7', ['ptdump_check_wx', 'cpu'])],
  [
    'v5.7, vmalloc on the shared table (16K/48)',
    buildScenario({ race: 'vmalloc', machine: '16K/48', policy: 'v5.7', state: 'real' }),
  ],
  ['v5.7, a warm CPU (4K/48)', buildScenario({ race: 'cpu', machine: '4K/48', policy: 'v5.7', state: 'real' })],
];
const FAULTY: [string, Scenario][] = [
  [
    'empty-only: freed while vmalloc holds it',
    buildScenario({ race: 'vmalloc', machine: '4K/48', policy: 'empty-only', state: 'constructed' }),
  ],
  [
    'v5.7: the W+X check reads a freed table',
    buildScenario({ race: 'check-wx', machine: '4K/48', policy: 'v5.7', state: 'real' }),
  ],
  [
    'no all-none scan: a lost mapping seen at the end',
    neighbourRace('4K/48', INJECTED_BUGS['no-scan'] as FreeingPolicy),
  ],
  ['x86 with the W+X check and a CPU', tiny('x86', ['ptdump_check_wx', 'cpu'])],
];
const single = new Map([...QUIET, ...FAULTY].map(([name, s]) => [name, explore(s)]));

describe('the search divided while it runs', () => {
  it.each(QUIET)('without a violation, reports exactly what the whole search does: %s', (name, scenario) => {
    expect(exploreInParts(scenario, eager).subtrees).toBeGreaterThan(2);
    fc.assert(
      fc.property(divisions, (d) => {
        expect(figures(exploreInParts(scenario, dividing(d)))).toEqual(figures(single.get(name) as Exploration));
      }),
      { numRuns: 10 },
    );
  });

  it.each(FAULTY)('with a violation, reports the counterexample of the whole search: %s', (name, scenario) => {
    const expected = single.get(name)?.counterexample;
    expect(expected).toBeDefined();
    expect(exploreInParts(scenario, eager).subtrees).toBeGreaterThan(2);
    fc.assert(
      fc.property(divisions, (d) => {
        expect(exploreInParts(scenario, dividing(d)).counterexample).toEqual(expected);
      }),
      { numRuns: 10 },
    );
  });

  it.each(FAULTY)(
    'pursues a rank found elsewhere (its own may come first), and nothing above it: %s',
    (_, scenario) => {
      const whole = searchSubtree(scenario, { prefix: [] }).best;
      const told = (lowest: number) =>
        searchSubtree(scenario, {
          prefix: [],
          partners: { wanted: () => false, give: () => undefined, lowest: () => lowest, found: () => undefined },
        }).best;
      expect(told(whole?.rank ?? 0)).toEqual(whole);
      expect(told((whole?.rank ?? 0) - 1)).toBeUndefined();
    },
  );

  it('refuses a subtree off the search’s paths', () => {
    expect(() => searchSubtree(QUIET[0]?.[1] as Scenario, { prefix: [7] })).toThrow(ConfigError);
  });
});

describe('ExplorationPool', () => {
  const quiet: ScenarioSpec = { race: 'vmalloc', machine: '16K/48', policy: 'v5.7', state: 'real' };
  const faulty: ScenarioSpec = { race: 'vmalloc', machine: '4K/48', policy: 'empty-only', state: 'constructed' };

  it('builds each scenario in two worker threads, one exploration at a time, and finds what one thread finds', async () => {
    const pool = new ExplorationPool(2);
    try {
      const first = pool.explore(quiet);
      await expect(pool.explore(faulty)).rejects.toThrow(ConfigError);
      const a = await first;
      const b = await pool.explore(faulty);
      // A worker not yet busy counts as idle: the first gives work away at its first chance.
      expect([a.subtrees, b.subtrees].every((n) => n > 1)).toBe(true);
      expect(figures(a)).toEqual(figures(explore(buildScenario(quiet))));
      expect(b.counterexample).toEqual(explore(buildScenario(faulty)).counterexample);
    } finally {
      await pool.close();
    }
  });

  it('refuses a number of workers that is not a positive whole number', () => {
    expect(() => new ExplorationPool(0)).toThrow(ConfigError);
  });
});
