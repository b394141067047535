import type { LockUse } from './locks';

/**
 * One atomic shared-memory operation of an actor, announced before it happens. Operations that touch
 * page tables are written as generators yielding a Step before each such operation: run to the end
 * they are the sequential model; resumed one step at a time they are the actors the concurrency
 * explorer interleaves. There is one implementation of each operation, not two.
 */
export interface Step {
  readonly actor: string;
  readonly op: 'read' | 'write' | 'install' | 'clear' | 'allocate' | 'free' | 'invalidate' | 'lock' | 'unlock' | 'walk';
  /** Pages whose contents or state the step reads or writes (for partial-order reduction). */
  readonly pages: readonly number[];
  /** Whether the step only reads those pages. */
  readonly readOnly: boolean;
  /** A lock the step takes (the actor cannot run it while another holds the lock) or releases. */
  readonly lock?: LockUse;
  /** Table pages the actor holds a pointer into while this is its next step (a walker mid-walk). */
  readonly holds?: readonly number[];
  /** The step in the domain's words, e.g. "vmalloc reads PGD[507] → PUD table at 0x…". */
  readonly text: string;
}

export type Steps<T = void> = Generator<Step, T, void>;

/** Runs a step-wise operation to its end, as the sequential model does. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
