import { describe, expect, it } from 'vitest';
import { type Exploration, explore } from '../../src/concurrency/explorer';
import { sharedTableRace, staleWalkRace } from '../../src/concurrency/scenarios';
import { tiny } from './tiny';

/** Everything an exploration reports but its time. */
const figures = (e: Exploration) => ({
  schedules: e.schedules,
  sleepBlocked: e.sleepBlocked,
  finalStates: e.finalStates,
  stepsExecuted: e.stepsExecuted,
  trace: e.counterexample?.steps.map((s) => s.text),
  violation: e.counterexample?.violation,
});

describe('explore', () => {
  it.each([
    ['the vmalloc race on 4K/48', () => sharedTableRace('4K/48', 'empty-only', 'constructed')],
    ['no race on 16K/48', () => sharedTableRace('16K/48', 'v5.7', 'constructed')],
    ['a warm CPU under x86 on 4K/48', () => staleWalkRace('4K/48', 'x86')],
  ])('is deterministic: the same scenario, built twice, gives the same counts and counterexample (%s)', (_, make) => {
    expect(figures(explore(make()))).toEqual(figures(explore(make())));
  });

  it('explores again from the same initial state without changing it', () => {
    const scenario = tiny('empty-only', ['ptdump_check_wx']);
    expect(figures(explore(scenario))).toEqual(figures(explore(scenario)));
  });

  it('stops each schedule at its first violation and keeps the shortest', () => {
    const e = explore(tiny('empty-only', ['ptdump_check_wx']));
    const steps = e.counterexample?.steps ?? [];
    expect(e.counterexample?.violation.kind).toBe('freed-while-held');
    expect(steps.at(-1)?.op).toBe('free');
    expect(steps.filter((s) => s.actor === 'ptdump_check_wx').length).toBe(1);
  });

  it('respects a preemption bound: none allowed runs the actors one after the other', () => {
    const e = explore({ ...tiny('v5.7', ['ptdump_check_wx', 'cpu']), preemptions: 0 });
    const unbounded = explore(tiny('v5.7', ['ptdump_check_wx', 'cpu']));
    expect(e.schedules + e.sleepBlocked).toBeLessThan(unbounded.schedules + unbounded.sleepBlocked);
    expect(e.counterexample).toBeUndefined();
  });
});
