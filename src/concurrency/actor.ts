import type { Kernel } from '../mappings/kernel';
import type { Step, Steps } from '../tables/step';

/** A violation a detector reports, in the domain's words. */
export interface Violation {
  readonly kind:
    | 'use-after-free'
    | 'lost-mapping'
    | 'stale-walk'
    | 'freed-while-held'
    | 'double-free'
    | 'kernel-warning';
  readonly actor: string;
  readonly detail: string;
}

/** One actor of a concurrent scenario: a step-wise program over a kernel, and what it must find true at its end. */
export interface Actor {
  readonly name: string;
  readonly program: Steps<unknown>;
  /** Checks once every actor has finished (e.g. vmalloc's mapping is still reachable). */
  readonly atEnd?: () => Violation[];
}

/** Builds the actors of a scenario over a fresh copy of its initial state. */
export type ActorsFactory = (k: Kernel) => Actor[];

/** An actor in the middle of a run: its next announced step, or done. */
export interface Running {
  readonly actor: Actor;
  next: Step | undefined;
}

/** Starts an actor: runs it up to its first announced step. */
export function start(actor: Actor): Running {
  const first = actor.program.next();
  return { actor, next: first.done ? undefined : first.value };
}

/** Performs the announced step and runs up to the next announcement. */
export function advance(r: Running): void {
  const n = r.actor.program.next();
  r.next = n.done ? undefined : n.value;
}
