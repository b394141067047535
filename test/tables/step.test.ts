import { describe, expect, it } from 'vitest';
import { runToEnd, type Steps } from '../../src/tables/step';

/** An operation of `n` steps that returns how many it took. */
function* counted(n: number): Steps<number> {
  let taken = 0;
  while (taken < n) {
    yield { actor: 'test', op: 'read', pages: [taken], readOnly: true, text: `step ${taken}` };
    taken++;
  }
  return taken;
}

describe('runToEnd, the sequential model of a step-wise operation', () => {
  it.each([0, 1, 5])('runs all %i steps and returns what the operation returns', (n) => {
    expect(runToEnd(counted(n))).toBe(n);
  });
});
