import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { recordedTables, recordRuns, stageRole } from '../../src/conformance/observation';
import { tablesOver } from '../../src/conformance/tables';
import { archAddMemory } from '../../src/hotplug/add';
import { freshKernel, GiB } from '../support/kernels';

describe('a recorded observation', () => {
  it.each(SUPPORTED_CONFIGS.map((c) => [c]))(
    '%s: tables recorded as runs read back as the same tables, in fewer records',
    (config) => {
      fc.assert(
        fc.property(fc.subarray([4, 5, 6, 9], { minLength: 1 }), (slots) => {
          const k = freshKernel(config);
          for (const slot of slots) archAddMemory(k, slot * GiB, GiB);
          const ranges = slots.map((s) => ({ start: k.linearVa(s * GiB), end: k.linearVa((s + 1) * GiB) }));
          const tables = tablesOver(k.pt, ranges);
          const runs = recordRuns(k.geo, tables);
          expect(runs.reduce((n, r) => n + r.count, 0)).toBe(tables.length);
          const back = recordedTables(k.geo, runs);
          const strip = (t: (typeof tables)[number]) => ({ ...t, pa: 0, otherVas: [] });
          expect(back).toEqual(tables.map(strip));
        }),
        { numRuns: 6 },
      );
    },
  );

  it('names each stage of the run by what it did, and refuses a name the run does not write', () => {
    expect(
      ['boot', 'before', 'plug 512 MiB (added, offline)', 'online', 'unplug to 256 MiB', 'unplug the rest'].map(
        stageRole,
      ),
    ).toEqual(['before', 'before', 'plug', 'online', 'unplug half', 'unplug rest']);
    expect(stageRole('plug 1024 MiB again, online')).toBe('plug again');
    expect(() => stageRole('reboot')).toThrow(/one of the run's own \(got "reboot"\)/);
  });
});
