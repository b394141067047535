import { before, type Exploration, type Ranked, type Scenario, type SubtreeResult, searchSubtree } from './explorer';

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
 * search keeps. Where a counterexample exists the counts may exceed the whole search's: a subtree does
 * not know of one found in another, so it prunes less.
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

/**
 * explore() in parts, one after another in this thread: a search gives away work whenever `wanted`
 * says so, and the subtrees given are searched in turn — the division the worker threads make, decided
 * here by the caller.
 */
export function exploreInParts(scenario: Scenario, wanted: () => boolean): ShardedExploration {
  const started = performance.now();
  const queue: (readonly number[])[] = [[]];
  const parts: SubtreeResult[] = [];
  const splitter = { wanted, give: (prefixes: number[][]) => queue.push(...prefixes) };
  for (let prefix = queue.shift(); prefix; prefix = queue.shift())
    parts.push(searchSubtree(scenario, { prefix, splitter }));
  return mergeSubtrees(scenario, parts, performance.now() - started, 1);
}
