import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/tables/trace';

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
});
