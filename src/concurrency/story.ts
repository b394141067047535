import { ConfigError } from '../errors';
import type { FreeingPolicy } from '../hotplug/policy';
import type { Kernel, Machine } from '../mappings/kernel';
import type { LockUse } from '../tables/locks';
import type { Step } from '../tables/step';
import { type Actor, advance, start } from './actor';
import type { Counterexample, Scenario } from './explorer';
import { aboveCeilingRace, coldWalkRace, neighbourRace } from './injected';
import { ptdumpRace, type RaceState, sharedTableRace, staleWalkRace } from './scenarios';

/** Who races hot-remove, as the CLI and the features name them. */
export type RaceActors =
  | 'vmalloc'
  | 'ptdump'
  | 'check-wx'
  | 'cpu'
  | 'cold-cpu'
  | 'check-wx-above-ceiling'
  | 'neighbour';

interface RaceKind {
  readonly build: (machine: Machine, policy: FreeingPolicy | string, state: RaceState) => Scenario;
  /** Races built in one state only. */
  readonly only?: RaceState;
}

/** Every race of hot-remove against another actor the model can explore. */
export const RACES: Readonly<Record<RaceActors, RaceKind>> = {
  vmalloc: { build: (c, p, s) => sharedTableRace(c, p, s) },
  ptdump: { build: (c, p, s) => ptdumpRace(c, p, 'ptdump', s) },
  'check-wx': { build: (c, p, s) => ptdumpRace(c, p, 'ptdump_check_wx', s) },
  cpu: { build: (c, p, s) => staleWalkRace(c, p, s) },
  'cold-cpu': { build: (c, p, s) => coldWalkRace(c, p, s) },
  'check-wx-above-ceiling': { build: (c, p) => aboveCeilingRace(c, p), only: 'constructed' },
  neighbour: { build: (c, p) => neighbourRace(c, p), only: 'constructed' },
};

/** The scenario of a race, refusing an unknown one or a state it is not built in. */
export function raceScenario(
  actors: string,
  machine: Machine,
  policy: FreeingPolicy | string,
  state: RaceState,
): Scenario {
  const race = Object.hasOwn(RACES, actors) ? RACES[actors as RaceActors] : undefined;
  if (!race) {
    throw new ConfigError(
      'hot-remove races one of the known actors',
      { actors },
      `known: ${Object.keys(RACES).join(', ')}`,
    );
  }
  if (state !== 'real' && state !== 'constructed') {
    throw new ConfigError('a race starts from the real boot state or a constructed one', { state });
  }
  if (race.only && race.only !== state) {
    throw new ConfigError('this race is built in one state only', { actors, state, only: race.only });
  }
  return race.build(machine, policy, state);
}

/** A step of a counterexample with its number in the trace (from 1). */
export interface NumberedStep {
  readonly n: number;
  readonly step: Step;
}

/**
 * The four steps that make a use-after-free by a walker (DOMAIN.md §7): the walker reads the entry that
 * gives it the table pointer → another actor clears that entry → frees the table → the walker reads
 * the freed table. Empty when the counterexample is not of that shape.
 */
export function walkerUseAfterFree(c: Counterexample): NumberedStep[] {
  const steps = c.steps.map((step, i) => ({ n: i + 1, step }));
  const read = steps[steps.length - 1];
  if (!read || c.violation.kind !== 'use-after-free') return [];
  const walker = read.step.actor;
  const table = read.step.pages[0];
  const take = steps.filter((s) => s.step.actor === walker && s.n < read.n).pop();
  const parent = take?.step.pages[0];
  if (!take || table === undefined || parent === undefined) return [];
  const after = steps.filter((s) => s.n > take.n && s.step.actor !== walker);
  const clear = after.find((s) => s.step.op === 'clear' && s.step.pages.includes(parent));
  const free = after.find((s) => s.step.op === 'free' && s.step.pages.includes(table));
  return clear && free ? [take, clear, free, read] : [];
}

/** Steps that change a page another actor may hold: what a race is made of. */
const CHANGES: readonly Step['op'][] = ['write', 'install', 'clear', 'allocate', 'free', 'invalidate'];

/**
 * The steps a reader needs to see how a counterexample goes wrong: a walker's use-after-free in its
 * four steps when it is one; otherwise the other actor's last step before the violation (what it holds
 * or has done), the violating actor's changes after it to a page that step or the violation touches,
 * and the violating step.
 */
export function essentialSteps(c: Counterexample): NumberedStep[] {
  const uaf = walkerUseAfterFree(c);
  if (uaf.length) return uaf;
  const steps = c.steps.map((step, i) => ({ n: i + 1, step }));
  const last = steps.at(-1);
  if (!last) return [];
  const actor = last.step.actor;
  const take = steps.filter((s) => s.step.actor !== actor && s.n < last.n).pop();
  if (!take) return [last];
  const pages = new Set([...take.step.pages, ...last.step.pages]);
  const changes = steps.filter(
    (s) =>
      s.n > take.n &&
      s.n < last.n &&
      s.step.actor === actor &&
      CHANGES.includes(s.step.op) &&
      s.step.pages.some((p) => pages.has(p)),
  );
  return [take, ...changes, last];
}

/** How many steps of a trace each actor took, in order of first appearance. */
export function stepsByActor(steps: readonly Step[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.actor, (counts.get(s.actor) ?? 0) + 1);
  return counts;
}

/** Each actor's steps when it runs alone from the scenario's initial state. */
export function soloPrograms(scenario: Scenario): Step[][] {
  const count = scenario.actors(scenario.initial.clone()).length;
  return Array.from({ length: count }, (_, i) => {
    const k: Kernel = scenario.initial.clone();
    const actor = scenario.actors(k)[i] as Actor;
    const run = start(actor);
    const steps: Step[] = [];
    while (run.next) {
      steps.push(run.next);
      advance(run);
    }
    return steps;
  });
}

/** The number of orders of n₁ + … + n_k steps keeping each actor's order: (Σn)! / Π(nᵢ!). */
export function multinomial(counts: readonly number[]): bigint {
  let result = 1n;
  let total = 0;
  for (const n of counts) {
    for (let i = 1; i <= n; i++) result = (result * BigInt(total + i)) / BigInt(i);
    total += n;
  }
  return result;
}

const conflicts = (a: LockUse, b: LockUse): boolean => a.name === b.name && (a.mode === 'write' || b.mode === 'write');

/** Locks an actor holds after its first `done` steps. */
function held(program: readonly Step[], done: number): LockUse[] {
  const locks: LockUse[] = [];
  for (const s of program.slice(0, done)) {
    if (s.op === 'lock' && s.lock) locks.push(s.lock);
    if (s.op === 'unlock' && s.lock)
      locks.splice(
        locks.findIndex((l) => l.name === s.lock?.name),
        1,
      );
  }
  return locks;
}

/**
 * Every interleaving of fixed programs that the locks allow, counted without running any (naive
 * enumeration, no reduction): a lock step waits while another actor holds that lock in a conflicting
 * mode, and a state where no one can move ends its schedule, as in the explorer. With a bound, only the
 * interleavings with at most that many preemptions (switching away from the actor that ran last while
 * it could still move), as the explorer bounds them. Valid when each actor's steps do not depend on the
 * others' (true of the scenarios it is used on).
 */
export function naiveSchedules(programs: readonly (readonly Step[])[], bound?: number): bigint {
  const memo = new Map<string, bigint>();
  const count = (at: number[], last: number, preemptions: number): bigint => {
    const key = `${at.join(',')}/${last}/${preemptions}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const movers = at.flatMap((pos, i) => {
      const s = programs[i]?.[pos];
      if (!s) return [];
      const blocked =
        s.op === 'lock' &&
        s.lock !== undefined &&
        at.some((p, j) => j !== i && held(programs[j] ?? [], p).some((l) => s.lock && conflicts(l, s.lock)));
      return blocked ? [] : [i];
    });
    const total =
      movers.length === 0
        ? 1n
        : movers.reduce((sum, i) => {
            const used = preemptions + (i !== last && movers.includes(last) ? 1 : 0);
            if (bound !== undefined && used > bound) return sum;
            return (
              sum +
              count(
                at.map((p, j) => (j === i ? p + 1 : p)),
                i,
                used,
              )
            );
          }, 0n);
    memo.set(key, total);
    return total;
  };
  return count(
    programs.map(() => 0),
    -1,
    0,
  );
}
