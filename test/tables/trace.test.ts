import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LevelName } from '../../src/arch/geometry';
import { type EventOp, Trace, type TraceEvent } from '../../src/tables/trace';

describe('the event trace', () => {
  it('records every event by default, in order; since(mark) gives those after the mark', () => {
    const trace = new Trace();
    trace.record({ op: 'allocate', actor: 'vmalloc', pfn: 1 });
    const mark = trace.mark();
    trace.record({ op: 'install', actor: 'vmalloc', pfn: 2, index: 3 });
    trace.record({ op: 'clear', actor: 'hot-remove', pfn: 2, index: 3 });
    expect(mark).toBe(1);
    expect(trace.since(mark).map((e) => e.op)).toEqual(['install', 'clear']);
    expect(trace.counts).toMatchObject({ allocate: 1, install: 1, clear: 1, free: 0 });
  });

  it('with recording off, counts what hot loops report in bulk and keeps no events', () => {
    const trace = new Trace();
    trace.recording = false;
    trace.record({ op: 'write', actor: 'hot-add' });
    trace.count('write', 511);
    trace.count('invalidate-tlb', 2);
    expect(trace.counts).toMatchObject({ write: 512, 'invalidate-tlb': 2, clear: 0 });
    expect(trace.since(0)).toEqual([]);
  });

  const OPS: EventOp[] = [
    'allocate',
    'install',
    'write',
    'clear',
    'invalidate-tlb',
    'invalidate-walk',
    'invalidate-all',
    'free',
  ];
  const LEVELS: LevelName[] = ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'];
  const eventArb: fc.Arbitrary<TraceEvent> = fc.record(
    {
      op: fc.constantFrom(...OPS),
      actor: fc.constantFrom('hot-remove', 'vmalloc', 'ptdump', 'boot'),
      level: fc.constantFrom(...LEVELS),
      va: fc.oneof(fc.constant(0), fc.nat({ max: 2 ** 53 - 1 })),
      pfn: fc.nat({ max: 2 ** 40 }),
      index: fc.nat({ max: 8191 }),
      note: fc.constantFrom('table page', 'mapped pages', 'vmemmap backing (altmap)'),
    },
    { requiredKeys: ['op', 'actor'] },
  );

  it('gives back every event as recorded, with exactly its fields, from any mark, across its chunks', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 200 }),
        fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: 2 ** 16 - 200, max: 2 ** 16 })),
        fc.nat(),
        (events, before, at) => {
          const trace = new Trace();
          const filler: TraceEvent = { op: 'write', actor: 'hot-add', level: 'PTE', index: 5, va: 4096, pfn: 7 };
          for (let i = 0; i < before; i++) trace.record(filler);
          for (const e of events) trace.record(e);
          const mark = before + (at % events.length);
          expect(trace.mark()).toBe(before + events.length);
          expect(trace.since(mark)).toStrictEqual(events.slice(mark - before).map((e) => ({ ...e })));
          const scanned: TraceEvent[] = [];
          trace.scan(mark, (e) => scanned.push(e));
          expect(scanned).toStrictEqual(trace.since(mark));
          if (before > 0) expect(trace.since(before - 1)[0]).toStrictEqual(filler);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('tallies the events from any mark by operation, level and note, kinds in the order each first appears', () => {
    fc.assert(
      fc.property(
        // Runs of one event, as a table's PTEs come.
        fc
          .array(fc.tuple(eventArb, fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 20 })
          .map((runs) => runs.flatMap(([e, n]) => Array.from({ length: n }, () => e))),
        fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: 2 ** 16 - 200, max: 2 ** 16 })),
        fc.nat(),
        (events, before, at) => {
          const trace = new Trace();
          for (let i = 0; i < before; i++) trace.record({ op: 'free', actor: 'boot', note: 'before the mark' });
          for (const e of events) trace.record(e);
          const mark = before + (at % events.length);
          const expected = new Map<string, { op: EventOp; level?: LevelName; note?: string; count: number }>();
          for (const { op, level, note } of trace.since(mark)) {
            const key = `${op}/${level}/${note}`;
            const kind = expected.get(key) ?? { op, ...(level && { level }), ...(note && { note }), count: 0 };
            kind.count++;
            expected.set(key, kind);
          }
          expect(trace.tally(mark)).toStrictEqual([...expected.values()]);
        },
      ),
      { numRuns: 20 },
    );
  });
});
