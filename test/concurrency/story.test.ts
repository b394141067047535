import { describe, expect, it } from 'vitest';
import { explore } from '../../src/concurrency/explorer';
import { anyPolicy, INJECTED_BUGS } from '../../src/concurrency/injected';
import { ptdumpRace } from '../../src/concurrency/scenarios';
import {
  essentialSteps,
  multinomial,
  naiveSchedules,
  RACES,
  raceScenario,
  soloPrograms,
  stepsByActor,
  walkerUseAfterFree,
} from '../../src/concurrency/story';
import { ConfigError } from '../../src/errors';
import { POLICIES } from '../../src/hotplug/policy';
import { naiveExplore } from './naive';
import { tiny } from './tiny';

describe('naiveSchedules', () => {
  it('counts what the naive search runs, when no schedule stops early', () => {
    for (const scenario of [
      tiny('v5.7', ['ptdump_check_wx', 'cpu']),
      ptdumpRace('64K/42', 'v5.7', 'ptdump', 'constructed'),
    ]) {
      expect(naiveSchedules(soloPrograms(scenario))).toBe(BigInt(naiveExplore(scenario).schedules));
    }
  });

  it('counts what the naive search runs within a preemption bound', () => {
    for (const scenario of [
      tiny('v5.7', ['ptdump_check_wx', 'cpu']),
      ptdumpRace('64K/42', 'v5.7', 'ptdump', 'constructed'),
    ]) {
      const programs = soloPrograms(scenario);
      const counts = [0, 1, 2, 3].map((preemptions) => naiveSchedules(programs, preemptions));
      expect(counts).toEqual(
        [0, 1, 2, 3].map((preemptions) => BigInt(naiveExplore({ ...scenario, preemptions }).schedules)),
      );
    }
  });

  it('is the multinomial of the step counts when no lock orders the actors', () => {
    const programs = soloPrograms(tiny('v5.7', ['ptdump_check_wx', 'cpu']));
    expect(programs.map((p) => p.length)).toEqual([8, 2, 1]);
    expect(naiveSchedules(programs)).toBe(multinomial([8, 2, 1]));
  });

  it('runs a reader-writer lock wholly before or after its writer', () => {
    const programs = soloPrograms(ptdumpRace('64K/42', 'v5.7', 'ptdump', 'constructed'));
    expect(programs.map((p) => p.length)).toEqual([8, 4]);
    expect(naiveSchedules(programs)).toBe(2n);
  });
});

describe('multinomial', () => {
  it('counts the orders of three actors of eight steps each', () => {
    expect(multinomial([8, 8, 8])).toBe(9_465_511_770n);
    expect(multinomial([2, 1])).toBe(3n);
    expect(multinomial([])).toBe(1n);
  });
});

describe('walkerUseAfterFree', () => {
  it('picks the four steps of a walker reading a freed table', () => {
    const c = explore(ptdumpRace('4K/48', 'v5.7', 'ptdump_check_wx')).counterexample;
    expect(c).toBeDefined();
    const four = walkerUseAfterFree(c as NonNullable<typeof c>);
    expect(four.map((s) => [s.step.actor, s.step.op])).toEqual([
      ['ptdump_check_wx', 'read'],
      ['hot-remove', 'clear'],
      ['hot-remove', 'free'],
      ['ptdump_check_wx', 'read'],
    ]);
    const [take, clear, free, read] = four;
    expect(clear?.step.pages).toEqual(take?.step.pages);
    expect(free?.step.pages).toEqual(read?.step.pages);
    expect(four.map((s) => s.n)).toEqual([13, 14, 16, 17]);
  });

  it('finds none in a counterexample of another kind', () => {
    const c = explore(tiny('empty-only', ['ptdump_check_wx'])).counterexample;
    expect(c?.violation.kind).toBe('freed-while-held');
    expect(walkerUseAfterFree(c as NonNullable<typeof c>)).toEqual([]);
  });
});

describe('essentialSteps', () => {
  it('is the four steps of a walker reading a freed table, when that is what went wrong', () => {
    const c = explore(ptdumpRace('4K/48', 'v5.7', 'ptdump_check_wx')).counterexample;
    const counterexample = c as NonNullable<typeof c>;
    expect(essentialSteps(counterexample)).toHaveLength(4);
    expect(essentialSteps(counterexample)).toEqual(walkerUseAfterFree(counterexample));
  });

  it("is otherwise the holder's last step, the changes to what it holds, and the violation", () => {
    const c = explore(tiny('empty-only', ['ptdump_check_wx'])).counterexample;
    const essential = essentialSteps(c as NonNullable<typeof c>);
    expect(essential.map((s) => [s.n, s.step.actor, s.step.op])).toEqual([
      [9, 'ptdump_check_wx', 'read'],
      [10, 'hot-remove', 'clear'],
      [12, 'hot-remove', 'free'],
    ]);
    expect(essential[0]?.step.pages).toEqual(essential[1]?.step.pages);
  });
});

describe('stepsByActor', () => {
  it('counts steps per actor in order of appearance', () => {
    const steps = soloPrograms(tiny('v5.7', ['cpu'])).flat();
    expect([...stepsByActor(steps)]).toEqual([
      ['hot-remove', 8],
      ['cpu', 1],
    ]);
  });
});

describe('raceScenario and anyPolicy', () => {
  it('build every race in the states it is built in', () => {
    for (const [actors, race] of Object.entries(RACES)) {
      expect(raceScenario(actors, '64K/42', 'v5.7', race.only ?? 'constructed').name).toContain('64K/42');
    }
  });

  it('refuse an unknown race, state or policy, and a race in a state it is not built in', () => {
    expect(() => raceScenario('kswapd', '4K/48', 'v5.7', 'real')).toThrow(ConfigError);
    expect(() => raceScenario('vmalloc', '4K/48', 'v5.7', 'imagined' as 'real')).toThrow(ConfigError);
    expect(() => raceScenario('neighbour', '4K/48', 'v5.7', 'real')).toThrow(ConfigError);
    expect(() => anyPolicy('v5.8')).toThrow(ConfigError);
  });

  it('find a policy by key, and an injected bug by key or by name', () => {
    expect(anyPolicy('v5.7')).toBe(POLICIES['v5.7']);
    expect(anyPolicy('no-scan')).toBe(INJECTED_BUGS['no-scan']);
    expect(anyPolicy('v5.7 without the all-none scan')).toBe(INJECTED_BUGS['no-scan']);
  });

  it('give every injected bug one field different from v5.7, apart from its name and summary', () => {
    const differing = Object.values(INJECTED_BUGS).map((bug) =>
      Object.entries(bug).filter(
        ([key, value]) => !['name', 'summary'].includes(key) && POLICIES['v5.7']?.[key as keyof typeof bug] !== value,
      ),
    );
    expect(differing.map((d) => d.length)).toEqual(Object.keys(INJECTED_BUGS).map(() => 1));
  });
});
