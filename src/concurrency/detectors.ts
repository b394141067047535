import { physHex } from '../arch/address';
import type { Kernel } from '../mappings/kernel';
import type { MemViolation } from '../memory/physmem';
import type { Step } from '../tables/step';
import type { Running, Violation } from './actor';

export type DetectorKind = Violation['kind'];

/** Before a step: a table page freed while another actor holds a pointer into it. */
export function detectBefore(k: Kernel, runs: Running[], run: Running, step: Step): Violation[] {
  if (step.op !== 'free') return [];
  const out: Violation[] = [];
  for (const page of step.pages) {
    if (!k.mem.isLiveTable(page)) continue;
    for (const other of runs) {
      const held = other.next?.holds ?? [];
      if (other !== run && held.includes(page)) {
        out.push({
          kind: 'freed-while-held',
          actor: step.actor,
          detail: `${step.actor} frees the table page at ${physHex(page * k.geo.pageSize)} while ${other.actor.name} holds a pointer into it`,
        });
      }
    }
  }
  return out;
}

const KINDS: Record<MemViolation['kind'], Violation['kind']> = {
  'use-after-free': 'use-after-free',
  'absent-page': 'use-after-free',
  'double-free': 'double-free',
  'stale-walk-cache': 'stale-walk',
};

/** After a step: memory misuse the model recorded while the step ran. */
export function detectAfter(k: Kernel, mark: number, step: Step): Violation[] {
  return k.mem.violations.slice(mark).map((v) => ({ kind: KINDS[v.kind], actor: step.actor, detail: v.detail }));
}
