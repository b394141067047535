import type { Exploration } from './explorer';

/** A counterexample as numbered lines in the domain's words, ending with what went wrong. */
export function renderCounterexample(e: Exploration): string[] {
  const c = e.counterexample;
  if (!c) return [];
  return [...c.steps.map((s, i) => `${i + 1}. ${s.text}`), `⇒ ${c.violation.kind}: ${c.violation.detail}`];
}

/** One line of figures: schedules, sleep-blocked runs, final states, time. */
export function renderCounts(e: Exploration): string {
  return `${e.schedules} schedules, ${e.sleepBlocked} cut short by sleep sets, ${e.finalStates} distinct final states, ${e.stepsExecuted} steps executed, ${Math.round(e.millis)} ms`;
}
