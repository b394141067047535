import type { Actor } from '../../src/concurrency/actor';
import { cpuAccessActor, hotRemoveActor, ptdumpActor } from '../../src/concurrency/actors';
import type { Scenario } from '../../src/concurrency/explorer';
import { raceState } from '../../src/concurrency/scenarios';
import type { FreeingPolicy } from '../../src/hotplug/policy';
import type { Kernel } from '../../src/mappings/kernel';

/** Who joins hot-remove in a tiny scenario, over the leaf it removes. */
export type Joiner = 'ptdump_check_wx' | 'cpu';

/**
 * hot-remove of the leaf at VMEMMAP_START on 64K/42 (constructed state: eight steps under v5.7, twelve
 * when its PTE table is freed) ‖ the W+X check of that leaf, without the lock (two steps), and/or a CPU
 * walking to it from the PGD (one step): small enough to enumerate every interleaving.
 */
export function tiny(policy: FreeingPolicy | string, joiners: readonly Joiner[]): Scenario {
  const { k, leaf } = raceState('64K/42', 'constructed');
  const join = (c: Kernel, j: Joiner): Actor =>
    j === 'ptdump_check_wx' ? ptdumpActor(c, leaf[0], leaf[1], j) : cpuAccessActor(c, leaf[0]);
  return {
    name: `64K/42 ${typeof policy === 'string' ? policy : policy.name} with ${joiners.join(', ')}`,
    initial: k,
    actors: (c) => [
      hotRemoveActor(c, { caller: 'vmemmap_free', start: leaf[0], end: leaf[1], policy }),
      ...joiners.map((j) => join(c, j)),
    ],
  };
}
