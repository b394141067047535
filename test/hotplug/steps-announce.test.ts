import { describe, expect, it } from 'vitest';
import { kvaHex, physHex } from '../../src/arch/address';
import { archAddMemory } from '../../src/hotplug/add';
import { archRemoveMemorySteps, type RemovalReport } from '../../src/hotplug/remove';
import { vmemmapLeafLevel } from '../../src/mappings/vmemmap';
import type { Step } from '../../src/tables/step';
import type { TraceEvent } from '../../src/tables/trace';
import { reachableTables } from '../../src/tables/tree';
import { smallKernel } from '../support/kernels';

// A step-wise teardown (what the concurrency explorer interleaves) yields a Step before each shared
// operation. Each step must announce the operation that follows it: its kind, the page it touches,
// whether it only reads, and a text naming actor, level and address. A 4K section (PUD and PMD
// blocks) and a 64K one (vmemmap in PTEs), under v5.7 (arm64's order) and x86 (free first, flush all).

/** The operation each kind of step announces, as the trace records it. */
const EVENTS: Record<Step['op'], readonly TraceEvent['op'][]> = {
  read: [],
  clear: ['clear'],
  invalidate: ['invalidate-tlb', 'invalidate-walk', 'invalidate-all'],
  free: ['free'],
  write: [],
  install: [],
  allocate: [],
  lock: [],
  unlock: [],
  walk: [],
};

describe('a step-wise teardown announces each operation before it happens', () => {
  const cases = ['4K/48', '64K/42'].flatMap((config) => ['v5.7', 'x86'].map((policy) => [config, policy]));

  it.each(cases)('%s, %s', (config, policy) => {
    const k = smallKernel(config);
    const pa = k.physOffset + (k.layout.pageEnd - k.layout.pageOffset) / 2;
    archAddMemory(k, pa, k.geo.sectionSize);
    const tableLevel = new Map(reachableTables(k.pt).map((n) => [n.pfn, n.level.name]));
    const leaf = vmemmapLeafLevel(k).name === 'PTE' ? 'page' : 'block';
    const steps = archRemoveMemorySteps(k, pa, k.geo.sectionSize, { policy, stepwise: true, actor: 'cpu0' });
    const mark = k.pt.trace.mark();
    const announced: { step: Step; events: TraceEvent[] }[] = [];
    let next = steps.next();
    // Nothing happens before the first step.
    expect(k.pt.trace.since(mark)).toEqual([]);
    for (; !next.done; ) {
      const step = next.value;
      const at = k.pt.trace.mark();
      next = steps.next();
      announced.push({ step, events: k.pt.trace.since(at) });
    }
    const kinds = new Set<string>();
    const read = new Set<number>();
    /** Tables read since the last leaf was cleared: pass 2 reads afresh every table it descends. */
    const readSinceLeaf = new Set<number>();
    for (const [n, { step, events }] of announced.entries()) {
      const [event] = events;
      kinds.add(step.op);
      const wrong = (why: string) => ({ step, events, why });
      expect(step.actor).toBe('cpu0');
      expect(step.text.startsWith('cpu0 ')).toBe(true);
      expect(step.readOnly).toBe(step.op === 'read');
      if (step.op === 'read') {
        // Reads change nothing, and name the level of the live table they read.
        if (events.length > 0) throw wrong('a read step followed by a change');
        expect(step.pages).toHaveLength(1);
        const level = tableLevel.get(step.pages[0] as number);
        expect(level && step.text.includes(level) ? 'ok' : wrong('not a table of its level')).toBe('ok');
        // The all-none scan names the table's page.
        const page = physHex((step.pages[0] as number) * k.geo.pageSize);
        if (step.text.includes(' table at ') && !step.text.endsWith(` table at ${page}`)) throw wrong('another page');
        read.add(step.pages[0] as number);
        readSinceLeaf.add(step.pages[0] as number);
        continue;
      }
      // Exactly one operation of the kind announced follows every other step.
      expect(events.length === 1 && EVENTS[step.op].includes(event?.op as TraceEvent['op'])).toBe(true);
      if (!event) continue;
      if (event.op === 'clear') {
        // An entry is cleared only in a table the actor has read: it found the entry there.
        if (!read.has(event.pfn as number)) throw wrong('an entry cleared in a table never read');
        // arm64's order: a leaf's clear is followed by its TLBI, a table's parent entry's by a walk-cache TLBI.
        const after = announced[n + 1]?.events[0]?.op;
        if (after === 'invalidate-tlb') readSinceLeaf.clear();
        if (after === 'invalidate-walk' && !readSinceLeaf.has(event.pfn as number))
          throw wrong('a parent entry cleared in pass 2 without reading its table again');
        expect([step.pages, step.text.includes(`${event.level}[${event.index}]`)]).toEqual([[event.pfn], true]);
      } else if (event.op === 'free') {
        const table = event.note === 'table page';
        const what = table ? `${tableLevel.get(event.pfn as number)} table` : leaf;
        // A table is freed only after pass 2 (or x86's one pass) read it: the all-none scan.
        if (table && !readSinceLeaf.has(event.pfn as number)) throw wrong('a table freed without being scanned');
        // Pages a leaf mapped go back to the page allocator here (no altmap).
        expect(event.note).toBe(table ? 'table page' : 'mapped pages');
        expect([step.pages, step.text]).toEqual([
          [event.pfn],
          `cpu0 frees the ${what} at ${physHex((event.pfn as number) * k.geo.pageSize)}`,
        ]);
      } else {
        expect(step.pages).toEqual([]);
        const target = event.op === 'invalidate-all' ? '(flush_tlb_all)' : kvaHex(k.geo, event.va as number);
        expect(step.text.includes(target)).toBe(true);
      }
    }
    expect([...kinds].sort()).toEqual(['clear', 'free', 'invalidate', 'read']);
    // arm64 never flushes the whole TLB in hot-remove; x86 does, after each PTE table's leaves and at the end.
    const flushes = announced.filter((a) => a.events[0]?.op === 'invalidate-all').length;
    expect(flushes > 0).toBe(policy === 'x86');
    // Each table is decided once per call, and no table the hot-add allocated draws the reserved-page WARN.
    for (const part of (next.value as RemovalReport).parts) {
      const pfns = part.decisions.map((d) => d.pfn);
      expect(new Set(pfns).size).toBe(pfns.length);
      expect(part.decisions.filter((d) => d.warning)).toEqual([]);
    }
  });
});
