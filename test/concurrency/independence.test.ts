import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { independent } from '../../src/concurrency/independence';
import { raceScenario, soloPrograms } from '../../src/concurrency/story';
import { MEM_HOTPLUG_LOCK, PAGE_TABLE_LOCK } from '../../src/tables/locks';
import type { Step } from '../../src/tables/step';

const OPS: Step['op'][] = [
  'read',
  'write',
  'install',
  'clear',
  'allocate',
  'free',
  'invalidate',
  'lock',
  'unlock',
  'walk',
];

const step: fc.Arbitrary<Step> = fc.record({
  actor: fc.constantFrom('hot-remove', 'vmalloc', 'ptdump', 'cpu'),
  op: fc.constantFrom(...OPS),
  pages: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  readOnly: fc.boolean(),
  lock: fc.option(
    fc.record({
      name: fc.constantFrom(MEM_HOTPLUG_LOCK, PAGE_TABLE_LOCK),
      mode: fc.constantFrom('read' as const, 'write' as const),
    }),
    { nil: undefined },
  ),
  text: fc.constant(''),
});

/** Every step the actors of the model's races announce when each runs alone. */
function realSteps(): Step[] {
  return (['vmalloc', 'ptdump', 'check-wx', 'cpu'] as const).flatMap((actors) =>
    soloPrograms(raceScenario(actors, '4K/48', 'empty-only', 'constructed')).flat(),
  );
}

describe('independent', () => {
  it('is symmetric on any two steps', () => {
    fc.assert(
      fc.property(step, step, (a, b) => independent(a, b) === independent(b, a)),
      { numRuns: 2000 },
    );
  });

  it('is symmetric on every pair of steps the race actors take', () => {
    const steps = realSteps();
    const asymmetric = steps.flatMap((a) => steps.filter((b) => independent(a, b) !== independent(b, a)));
    expect(steps.length).toBeGreaterThan(40);
    expect(asymmetric).toEqual([]);
  });

  it('never lets a step commute with another of its own actor', () => {
    fc.assert(
      fc.property(step, step, (a, b) => !independent(a, { ...b, actor: a.actor })),
      { numRuns: 500 },
    );
  });

  it('orders two steps on one lock, and a hardware walk against any write', () => {
    const lock = { name: MEM_HOTPLUG_LOCK, mode: 'read' } as const;
    const base = { pages: [], readOnly: false, text: '' };
    expect(independent({ ...base, actor: 'a', op: 'lock', lock }, { ...base, actor: 'b', op: 'unlock', lock })).toBe(
      false,
    );
    expect(
      independent({ ...base, actor: 'cpu', op: 'walk', readOnly: true }, { ...base, actor: 'b', op: 'invalidate' }),
    ).toBe(false);
    expect(
      independent(
        { ...base, actor: 'cpu', op: 'walk', readOnly: true },
        { ...base, actor: 'b', op: 'read', readOnly: true },
      ),
    ).toBe(true);
  });
});
