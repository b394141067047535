import {
  before,
  type Exploration,
  type Partners,
  type Ranked,
  type Scenario,
  type SubtreeResult,
  searchSubtree,
} from './explorer';

/** An exploration done in parts, with how it was divided. */
export interface ShardedExploration extends Exploration {
  /** Subtrees searched: the whole tree, and each part one search gave another. */
  readonly subtrees: number;
  /** Steps of the subtree with the most: how evenly the work was shared. */
  readonly largestSubtreeSteps: number;
  readonly workers: number;
}

/**
 * The exploration the whole search reports, from the searches of subtrees that together make up the
 * tree (in any order): counts and steps add up, final states are the union of fingerprints, and the
 * counterexample is the lowest-ranked, ties going to the first in depth-first order — the one the whole
 * search keeps. Where a counterexample exists the counts may differ from the whole search's: a subtree
 * knows only the lowest rank found so far, not where, so it prunes less or later.
 */
export function mergeSubtrees(
  scenario: Scenario,
  parts: readonly SubtreeResult[],
  millis: number,
  workers: number,
): ShardedExploration {
  const sum = (f: (p: SubtreeResult) => number) => parts.reduce((n, p) => n + f(p), 0);
  const best = parts.reduce<Ranked | undefined>(
    (b, p) => (p.best && (!b || before(p.best, b)) ? p.best : b),
    undefined,
  );
  return {
    scenario: scenario.name,
    schedules: sum((p) => p.schedules),
    sleepBlocked: sum((p) => p.sleepBlocked),
    finalStates: new Set(parts.flatMap((p) => [...p.finals])).size,
    stepsExecuted: sum((p) => p.stepsExecuted),
    millis,
    counterexample: best?.counterexample,
    subtrees: parts.length,
    largestSubtreeSteps: Math.max(0, ...parts.map((p) => p.stepsExecuted)),
    workers,
  };
}

/** How exploreInParts divides the work: when a search gives some away, and which subtree given is searched next. */
export interface Division {
  readonly wanted: () => boolean;
  /** The index, among the `queued` subtrees waiting, of the one to search next. */
  readonly next: (queued: number) => number;
}

/**
 * explore() in parts, one after another in this thread: a search gives away work when the division
 * wants it, the subtrees given are searched in the order it picks, and each knows the lowest rank found
 * before it — what the worker threads do, with the timing decided by the caller.
 */
export function exploreInParts(scenario: Scenario, division: Division): ShardedExploration {
  const started = performance.now();
  const queue: (readonly number[])[] = [[]];
  const parts: SubtreeResult[] = [];
  let lowest = Number.POSITIVE_INFINITY;
  const partners: Partners = {
    wanted: division.wanted,
    give: (prefixes) => queue.push(...prefixes),
    lowest: () => lowest,
    found: (rank) => {
      lowest = Math.min(lowest, rank);
    },
  };
  while (queue.length > 0) {
    const [prefix] = queue.splice(division.next(queue.length) % queue.length, 1);
    parts.push(searchSubtree(scenario, { prefix: prefix ?? [], partners }));
  }
  return mergeSubtrees(scenario, parts, performance.now() - started, 1);
}
