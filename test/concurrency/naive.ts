import { type Running, start, type Violation } from '../../src/concurrency/actor';
import { perform, type Scenario } from '../../src/concurrency/explorer';
import type { Kernel } from '../../src/mappings/kernel';
import { tablesFingerprint } from '../../src/mappings/snapshot';

/** What a naive enumeration saw: every schedule, the violations by length, the final states. */
export interface NaiveResult {
  schedules: number;
  /** One per violating schedule: where it stopped (steps run) and what it found. */
  readonly violations: { readonly length: number; readonly kind: Violation['kind'] }[];
  /** tablesFingerprint of every complete schedule without a violation. */
  readonly finals: Set<string>;
}

type Wanted = (v: Violation) => boolean;

const canMove = (k: Kernel, r: Running): boolean =>
  r.next !== undefined && (r.next.op !== 'lock' || !r.next.lock || k.pt.locks.canTake(r.next.lock, r.actor.name));

/**
 * Every interleaving, no reduction: each schedule is a list of choices replayed from a clone of the
 * initial state; the next schedule bumps the deepest choice that has an untried alternative. The
 * scenario's preemption bound, if any, drops the choices that would exceed it.
 */
export function naiveExplore(scenario: Scenario): NaiveResult {
  const result: NaiveResult = { schedules: 0, violations: [], finals: new Set() };
  const choices: { options: number[]; at: number }[] = [];
  const wanted: Wanted = (v) => !scenario.detectors || scenario.detectors.includes(v.kind);
  for (;;) {
    const k = scenario.initial.clone();
    const runs = scenario.actors(k).map(start);
    let violation: Violation | undefined;
    let depth = 0;
    let last = -1;
    let preemptions = 0;
    for (; !violation; depth++) {
      const movers = runs.flatMap((r, i) => (canMove(k, r) ? [i] : []));
      const preempts = (i: number) => i !== last && movers.includes(last);
      const bound = scenario.preemptions ?? Number.POSITIVE_INFINITY;
      const options = movers.filter((i) => preemptions + (preempts(i) ? 1 : 0) <= bound);
      if (options.length === 0) break;
      choices[depth] ??= { options, at: 0 };
      const choice = choices[depth] as { options: number[]; at: number };
      const chosen = choice.options[choice.at] as number;
      if (preempts(chosen)) preemptions++;
      last = chosen;
      const run = runs[chosen] as Running;
      violation = run.next && perform(k, runs, run, run.next, scenario.detectors);
    }
    violation ??= runs.flatMap((r) => r.actor.atEnd?.() ?? []).find(wanted);
    result.schedules++;
    if (violation) result.violations.push({ length: depth, kind: violation.kind });
    else result.finals.add(tablesFingerprint(k));
    choices.length = depth;
    while (choices.length > 0) {
      const top = choices[choices.length - 1] as { options: number[]; at: number };
      if (++top.at < top.options.length) break;
      choices.pop();
    }
    if (choices.length === 0) return result;
  }
}
