import { describe, expect, it } from 'vitest';
import { explore } from '../../src/concurrency/explorer';
import { anyPolicy } from '../../src/concurrency/injected';
import type { RaceState } from '../../src/concurrency/scenarios';
import { type RaceActors, raceScenario } from '../../src/concurrency/story';
import { POLICIES } from '../../src/hotplug/policy';

// The explorer's own figures for the races the features find free of violations: how many
// interleavings it ran to the end and how many sleep sets cut short. The features state only what a
// kernel reader can check (a violation or none); these figures pin down the model checker itself.

type Row = readonly [RaceActors, config: string, policy: string, RaceState, schedules: number, cutShort: number];

const ROWS: readonly Row[] = [
  // floor-and-ceiling-leave-no-race.feature, v5.7
  ['vmalloc', '4K/48', 'v5.7', 'real', 1, 16],
  ['ptdump', '4K/48', 'v5.7', 'real', 2, 0],
  ['cpu', '4K/48', 'v5.7', 'real', 9, 8],
  ['vmalloc', '4K/48', 'v5.7', 'constructed', 3, 21],
  ['ptdump', '4K/48', 'v5.7', 'constructed', 2, 0],
  ['cpu', '4K/48', 'v5.7', 'constructed', 6, 6],
  ['vmalloc', '16K/48', 'v5.7', 'real', 3, 38],
  ['ptdump', '16K/48', 'v5.7', 'real', 2, 0],
  ['cpu', '16K/48', 'v5.7', 'real', 9, 9],
  ['vmalloc', '16K/48', 'v5.7', 'constructed', 3, 23],
  ['ptdump', '16K/48', 'v5.7', 'constructed', 2, 0],
  ['cpu', '16K/48', 'v5.7', 'constructed', 6, 7],
  ['vmalloc', '4K/39', 'v5.7', 'real', 6, 39],
  ['ptdump', '4K/39', 'v5.7', 'real', 2, 0],
  ['cpu', '4K/39', 'v5.7', 'real', 9, 5],
  ['vmalloc', '4K/39', 'v5.7', 'constructed', 3, 18],
  ['ptdump', '4K/39', 'v5.7', 'constructed', 2, 0],
  ['cpu', '4K/39', 'v5.7', 'constructed', 6, 4],
  // floor-and-ceiling-leave-no-race.feature, range
  ['vmalloc', '4K/48', 'range', 'real', 1, 11],
  ['vmalloc', '4K/48', 'range', 'constructed', 3, 21],
  ['cpu', '4K/48', 'range', 'constructed', 6, 6],
  ['vmalloc', '16K/48', 'range', 'real', 3, 23],
  ['vmalloc', '16K/48', 'range', 'constructed', 3, 23],
  ['cpu', '16K/48', 'range', 'constructed', 6, 7],
  // v7-never-frees-vmemmap-tables.feature
  ['vmalloc', '4K/48', 'v7', 'constructed', 3, 21],
  ['vmalloc', '16K/48', 'v7', 'constructed', 3, 23],
  // emptiness-alone-races-vmalloc.feature: the real boot state pins the shared table
  ['vmalloc', '4K/48', 'empty-only', 'real', 1, 16],
  ['vmalloc', '16K/48', 'empty-only', 'real', 4, 42],
];

describe('the explorer on the races the features find free of violations', () => {
  it.each(ROWS)(
    '%s on %s under %s, %s state: %i schedules, %i cut short',
    (actors, config, policy, state, schedules, cutShort) => {
      const e = explore(raceScenario(actors, config, policy, state));
      expect([e.counterexample?.violation.kind, e.schedules, e.sleepBlocked]).toEqual([undefined, schedules, cutShort]);
    },
  );
});

// injected-bugs-are-found.feature shows two of these: comparing end > ceiling is v5.7 in every state the model reaches.
describe('v5.7 comparing end > ceiling against the actors that expose the other bugs', () => {
  it.each([
    ['vmalloc', 'constructed'],
    ['check-wx-above-ceiling', 'constructed'],
    ['neighbour', 'constructed'],
    ['cold-cpu', 'real'],
    ['cpu', 'real'],
    ['ptdump', 'real'],
  ] as const)('%s, %s state: no violation, and the counts of v5.7', (actors, state) => {
    const counts = (policy: string) => {
      const e = explore(raceScenario(actors, '4K/48', anyPolicy(policy), state));
      return [e.counterexample?.violation.kind, e.schedules, e.sleepBlocked, e.finalStates, e.stepsExecuted];
    };
    const bug = counts('end-gt-ceiling');
    expect(bug[0]).toBeUndefined();
    expect(bug).toEqual(counts('v5.7'));
  });
});

// policies-and-races.feature shows four of these: only empty-only races vmalloc, only x86 the CPU.
describe('each policy against vmalloc, ptdump holding the lock and a CPU, in the constructed state', () => {
  it.each(['4K/48', '16K/48'].flatMap((config) => Object.keys(POLICIES).map((policy) => [config, policy])))(
    '%s, %s',
    (config, policy) => {
      const found = (actors: RaceActors) =>
        explore(raceScenario(actors, config, policy, 'constructed')).counterexample?.violation.kind;
      expect([found('vmalloc'), found('ptdump'), found('cpu')]).toEqual([
        policy === 'empty-only' ? 'freed-while-held' : undefined,
        undefined,
        policy === 'x86' ? 'use-after-free' : undefined,
      ]);
    },
  );
});
