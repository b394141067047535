import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { archAddMemory } from '../../src/hotplug/add';
import { POLICIES } from '../../src/hotplug/policy';
import { archRemoveMemory } from '../../src/hotplug/remove';
import { Kernel } from '../../src/mappings/kernel';
import { snapshot } from '../../src/mappings/snapshot';
import type { VmArea } from '../../src/mappings/vmalloc';

/*
 * Recording every event or keeping only counts is a matter of memory, never of behaviour: the hot
 * loops take a straight path when nothing is recorded. Two kernels, one recording and one not, run
 * the same random sequence of hot-add (page- or block-mapped, with or without an altmap), hot-remove
 * under every policy, vmalloc and vfree; after each operation their whole states and their counts
 * of events per kind are the same, and the recorded events add up to the counts.
 */

const GiB = 2 ** 30;
const SLOTS = [4, 5, 6, 9].map((n) => n * GiB);

type Op =
  | { readonly kind: 'add'; readonly slot: number; readonly altmap: boolean }
  | { readonly kind: 'remove'; readonly slot: number; readonly policy: string }
  | { readonly kind: 'vmalloc'; readonly pages: number }
  | { readonly kind: 'vfree'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), slot: fc.nat(SLOTS.length - 1), altmap: fc.boolean() }),
  fc.record({
    kind: fc.constant('remove' as const),
    slot: fc.nat(SLOTS.length - 1),
    policy: fc.constantFrom(...Object.keys(POLICIES)),
  }),
  fc.record({ kind: fc.constant('vmalloc' as const), pages: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('vfree' as const), pick: fc.nat(7) }),
);

/** Applies an operation; the kernel's refusal of a request (a slot not present, …) is an outcome too. */
function apply(k: Kernel, areas: VmArea[], op: Op): string {
  try {
    if (op.kind === 'add') archAddMemory(k, SLOTS[op.slot] as number, GiB, { altmap: op.altmap });
    else if (op.kind === 'remove') archRemoveMemory(k, SLOTS[op.slot] as number, GiB, { policy: op.policy });
    else if (op.kind === 'vmalloc') areas.push(k.vmalloc.vmalloc(op.pages * k.geo.pageSize, 'test'));
    else {
      const area = areas.splice(op.pick % Math.max(1, areas.length), 1)[0];
      if (area) k.vmalloc.vfree(area, 'test');
    }
    return 'done';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('recording events or only counting them', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))('%s: the same operations give the same state and counts', (config) => {
    // Booted once per mapping kind (rodata_full or not) and recording, then cloned per run.
    const booted = new Map<string, Kernel>();
    const boot = (rodataFull: boolean, trace: boolean): Kernel => {
      const key = `${rodataFull}:${trace}`;
      const k = booted.get(key) ?? new Kernel({ config, bootSize: 512 * 2 ** 20, rodataFull, vmallocAreas: [], trace });
      booted.set(key, k);
      return k.clone();
    };
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 5 }), fc.boolean(), (ops, paged) => {
        const a = boot(paged, true);
        const b = boot(paged, false);
        const areasA: VmArea[] = [];
        const areasB: VmArea[] = [];
        for (const op of ops) {
          const mark = a.pt.trace.mark();
          const before = { ...a.pt.trace.counts };
          assert.equal(apply(b, areasB, op), apply(a, areasA, op));
          assert.equal(snapshot(b), snapshot(a));
          assert.deepEqual(b.pt.trace.counts, a.pt.trace.counts);
          const recorded = new Map<string, number>();
          a.pt.trace.scan(mark, (e) => recorded.set(e.op, (recorded.get(e.op) ?? 0) + 1));
          for (const [kind, n] of Object.entries(a.pt.trace.counts)) {
            assert.equal(recorded.get(kind) ?? 0, n - (before[kind as keyof typeof before] ?? 0), kind);
          }
        }
        assert.equal(b.pt.trace.mark(), 0);
      }),
      { numRuns: config.startsWith('4K') ? 5 : 15 },
    );
  });
});
