import { ConfigError, ModelError } from '../errors';
import type { Kernel } from '../mappings/kernel';
import { tablesFingerprint } from '../mappings/snapshot';
import type { Step } from '../tables/step';
import { type ActorsFactory, advance, type Running, start, type Violation } from './actor';
import { type DetectorKind, detectAfter, detectBefore } from './detectors';
import { independent } from './independence';

export interface Scenario {
  readonly name: string;
  /** The state every schedule starts from (cloned for each run). */
  readonly initial: Kernel;
  readonly actors: ActorsFactory;
  /** Detectors to run (default: all). */
  readonly detectors?: readonly DetectorKind[];
  /** Optional bound on preemptions (switching away from an actor that could still run). */
  readonly preemptions?: number;
}

export interface Counterexample {
  readonly steps: readonly Step[];
  readonly violation: Violation;
}

export interface Exploration {
  readonly scenario: string;
  /** Complete or violating executions run to their end. */
  readonly schedules: number;
  /** Executions cut short because every enabled step was asleep (already covered by an equivalent order). */
  readonly sleepBlocked: number;
  /** Distinct final page-table states of complete executions. */
  readonly finalStates: number;
  /** Steps executed in all, replays included. */
  readonly stepsExecuted: number;
  readonly millis: number;
  /** A shortest counterexample (a check at the end counts one more step), the first in depth-first order. */
  readonly counterexample?: Counterexample;
}

interface Frame {
  readonly enabled: number[];
  readonly sleep: Map<number, Step>;
  readonly steps: (Step | undefined)[];
  /** Actors tried here already: the children searched, whose steps sleep in the later children. */
  readonly done: number[];
  /** Actors whose subtrees were given to another search: not tried here, and not asleep below. */
  readonly given: number[];
  chosen: number;
  /** Preemptions on the path to this node. */
  readonly preemptions: number;
  /** The step that led here. */
  readonly last?: Step;
}

/**
 * The other searches of the same tree, beside this one. Asked between two schedules whether one of
 * them wants work, the search gives away the untried children of its shallowest node that has any, as
 * the prefixes of their subtrees. They share the lowest rank of a counterexample found: a search
 * pursues no path that could only find one of a higher rank (an equal rank may still come first).
 */
export interface Partners {
  readonly wanted: () => boolean;
  readonly give: (prefixes: number[][]) => void;
  /** The lowest rank any search has found, or Infinity. */
  readonly lowest: () => number;
  readonly found: (rank: number) => void;
}

/** A subtree of the search: the actors chosen from the root down to its root (empty: the whole tree). */
export interface Subtree {
  readonly prefix: readonly number[];
  readonly partners?: Partners;
}

/**
 * A counterexample, its rank — the depth at which it was found: its length for a step's violation, one
 * more for a check at the end (that needs the node after the last step) — and the actors chosen on its
 * path, which order counterexamples of one rank as the depth-first search meets them.
 */
export interface Ranked {
  readonly counterexample: Counterexample;
  readonly rank: number;
  readonly choices: readonly number[];
}

/** Whether a counterexample comes before another: lower rank, then first in depth-first order (actors in order). */
export function before(a: Ranked, b: Ranked): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  const at = a.choices.findIndex((c, i) => c !== b.choices[i]);
  return at >= 0 && (a.choices[at] as number) < (b.choices[at] ?? Number.POSITIVE_INFINITY);
}

/** What a search of a subtree found: the figures of an Exploration, final states as fingerprints. */
export interface SubtreeResult {
  readonly schedules: number;
  readonly sleepBlocked: number;
  readonly finals: Set<string>;
  /** Steps of the schedules counted, replays from the root included. */
  readonly stepsExecuted: number;
  readonly best?: Ranked;
}

/**
 * Runs every interleaving of the scenario's actors, up to equivalence: a depth-first search over
 * schedules with sleep sets (Godefroid), so two orders that differ only by swapping independent steps
 * (no common page or lock) are run once. Each schedule replays from a clone of the initial state; a
 * schedule stops at its first violation, and once one is found no schedule that could only find one
 * of the same rank or more is pursued, so the counterexample reported is the first of the lowest rank
 * in depth-first order. Deterministic: actors are tried in order.
 */
export function explore(scenario: Scenario): Exploration {
  const started = performance.now();
  const r = searchSubtree(scenario, { prefix: [] });
  return {
    scenario: scenario.name,
    schedules: r.schedules,
    sleepBlocked: r.sleepBlocked,
    finalStates: r.finals.size,
    stepsExecuted: r.stepsExecuted,
    millis: performance.now() - started,
    counterexample: r.best?.counterexample,
  };
}

/**
 * The search of explore, over one subtree: the nodes on the prefix are rebuilt as the whole search
 * builds them (the earlier siblings of each chosen actor count as tried, so the sleep sets below are
 * those of the whole search) and never backtracked; the search ends when the subtree is exhausted.
 * Subtrees given to partners are not searched here.
 */
export function searchSubtree(scenario: Scenario, subtree: Subtree): SubtreeResult {
  const { prefix, partners } = subtree;
  const frames: Frame[] = [];
  const finals = new Set<string>();
  let schedules = 0;
  let sleepBlocked = 0;
  let stepsExecuted = 0;
  let best: Ranked | undefined;
  const found = (steps: Step[], violation: Violation, rank: number) => {
    const choices = frames.slice(0, steps.length).map((f) => f.chosen);
    best = { counterexample: { steps, violation }, rank, choices };
    partners?.found(rank);
  };
  for (;;) {
    const k = scenario.initial.clone();
    const runs = scenario.actors(k).map(start);
    const path: Step[] = [];
    let outcome: 'complete' | 'blocked' | 'violation' | 'pruned' = 'complete';
    for (let d = 0; ; d++) {
      if ((best && d + 1 >= best.rank) || (partners && d + 1 > partners.lowest())) {
        outcome = 'pruned';
        break;
      }
      let frame = frames[d];
      if (!frame) {
        const made = newFrame(k, runs, frames[d - 1], path[d - 1], scenario.preemptions);
        if (d < prefix.length) frame = pinned(made, prefix, d, scenario.preemptions);
        else if (made === 'end') break;
        else if (made === 'asleep') {
          outcome = 'blocked';
          break;
        } else frame = made;
        frames.push(frame);
      }
      const run = runs[frame.chosen] as Running;
      const step = run.next as Step;
      path.push(step);
      const violation = perform(k, runs, run, step, scenario.detectors);
      if (violation) {
        outcome = 'violation';
        found([...path], violation, path.length);
        break;
      }
    }
    if (outcome === 'complete') {
      const atEnd = runs.flatMap((r) => r.actor.atEnd?.() ?? []).find((v) => wanted(v, scenario.detectors));
      if (atEnd && (!best || path.length + 1 < best.rank)) found([...path], atEnd, path.length + 1);
      finals.add(tablesFingerprint(k));
    }
    stepsExecuted += path.length;
    if (outcome === 'blocked') sleepBlocked++;
    else schedules++;
    if (!backtrack(frames, prefix.length, scenario.preemptions)) break;
    if (partners?.wanted()) split(frames, prefix.length, partners, scenario.preemptions);
  }
  return { schedules, sleepBlocked, finals, stepsExecuted, best };
}

/**
 * Gives away the untried children of the shallowest node below `floor` that has any. They stay out of
 * its `done` list: the child being searched there was entered before them, and its sleep set must not
 * change.
 */
function split(frames: Frame[], floor: number, partners: Partners, bound?: number): void {
  for (let d = floor; d < frames.length; d++) {
    const frame = frames[d] as Frame;
    const untried = candidates(frame, bound).filter((i) => i !== frame.chosen);
    if (untried.length === 0) continue;
    frame.given.push(...untried);
    const path = frames.slice(0, d).map((f) => f.chosen);
    partners.give(untried.map((i) => [...path, i]));
    return;
  }
}

/** A node on a subtree's prefix: the actor the prefix chose, its earlier siblings tried already. */
function pinned(made: Frame | 'end' | 'asleep', prefix: readonly number[], d: number, bound?: number): Frame {
  const chosen = prefix[d] as number;
  const tried = typeof made === 'string' ? [] : candidates(made, bound);
  if (typeof made === 'string' || !tried.includes(chosen)) {
    throw new ConfigError('a subtree starts on a path the search takes', {
      depth: d,
      actor: chosen,
      prefix: prefix.join(','),
    });
  }
  made.done.push(...tried.slice(0, tried.indexOf(chosen)));
  made.chosen = chosen;
  return made;
}

function wanted(v: Violation, detectors: readonly DetectorKind[] | undefined): boolean {
  return !detectors || detectors.includes(v.kind);
}

/** A new node: enabled actors, its sleep set, and the first actor to try. */
function newFrame(
  k: Kernel,
  runs: Running[],
  parent: Frame | undefined,
  last: Step | undefined,
  bound?: number,
): Frame | 'end' | 'asleep' {
  const steps = runs.map((r) => r.next);
  const enabled = runs.flatMap((r, i) =>
    r.next && (!r.next.lock || r.next.op !== 'lock' || k.pt.locks.canTake(r.next.lock, r.actor.name)) ? [i] : [],
  );
  if (enabled.length === 0) return 'end';
  const sleep = new Map<number, Step>();
  if (parent && last) {
    const asleep = stillAsleep(runs, last);
    for (const [i, s] of parent.sleep) if (asleep(s)) sleep.set(i, s);
    for (const i of parent.done) {
      const s = parent.steps[i];
      if (s && asleep(s)) sleep.set(i, s);
    }
  }
  const preemptions = parent ? parent.preemptions + (preempts(parent, parent.chosen) ? 1 : 0) : 0;
  const frame: Frame = { enabled, sleep, steps, done: [], given: [], chosen: -1, preemptions, last };
  const first = candidates(frame, bound)[0];
  if (first === undefined) return 'asleep';
  frame.chosen = first;
  return frame;
}

/**
 * Whether a sleeping step stays asleep after `last` ran: it must commute with `last`, and it must not
 * free a page that `last` has just given its actor a pointer into — the freed-while-held detector
 * looks at the other actors' next steps, so a walker's read and a free of the table it reads a
 * pointer to do not commute, although they touch different pages.
 */
function stillAsleep(runs: Running[], last: Step): (s: Step) => boolean {
  const held = runs.find((r) => r.actor.name === last.actor)?.next?.holds ?? [];
  return (s) => independent(s, last) && !(s.op === 'free' && s.pages.some((p) => held.includes(p)));
}

/** Whether running actor i here switches away from the actor that ran last while it could still run. */
function preempts(frame: Frame, i: number): boolean {
  const last = frame.last;
  if (!last) return false;
  const previous = frame.steps.findIndex((s) => s?.actor === last.actor);
  return previous >= 0 && previous !== i && frame.enabled.includes(previous);
}

/** Actors that may be tried at a node: enabled, not asleep, not done or given away, within the preemption bound. */
function candidates(frame: Frame, bound?: number): number[] {
  return frame.enabled.filter(
    (i) =>
      !frame.sleep.has(i) &&
      !frame.done.includes(i) &&
      !frame.given.includes(i) &&
      (bound === undefined || frame.preemptions + (preempts(frame, i) ? 1 : 0) <= bound),
  );
}

/** Moves the deepest node below `floor` with an untried actor to that actor; false when the search is over. */
function backtrack(frames: Frame[], floor: number, bound?: number): boolean {
  while (frames.length > floor) {
    const top = frames[frames.length - 1] as Frame;
    top.done.push(top.chosen);
    const next = candidates(top, bound)[0];
    if (next !== undefined) {
      top.chosen = next;
      return true;
    }
    frames.pop();
  }
  return false;
}

/** Runs one announced step with the detectors around it (the naive enumeration of the tests uses it too). */
export function perform(
  k: Kernel,
  runs: Running[],
  run: Running,
  step: Step,
  detectors?: readonly DetectorKind[],
): Violation | undefined {
  const before = detectBefore(k, runs, run, step).find((v) => wanted(v, detectors));
  if (before) return before;
  const mark = k.mem.violations.length;
  try {
    advance(run);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    run.next = undefined;
    return { kind: 'kernel-warning', actor: step.actor, detail: `${step.actor}: ${error.message}` };
  }
  return detectAfter(k, mark, step).find((v) => wanted(v, detectors));
}
