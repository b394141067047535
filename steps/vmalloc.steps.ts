import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { VmArea } from '../src/mappings/vmalloc';
import { PAGE_STATE_NAMES, PageState } from '../src/memory/page';
import type { Step, Steps } from '../src/tables/step';
import type { SpecWorld } from './support/world';

// vmalloc and vfree, step by step: what they read, allocate, lock, install and free.

/** Runs a step-wise operation, recording every step, until it ends or a step satisfies `stopBefore`. */
function drive<T>(world: SpecWorld, steps: Steps<T>, stopBefore?: (s: Step) => boolean): T | undefined {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (stopBefore?.(next.value)) {
      world.stepsTaken.push({ ...next.value, text: `${next.value.text} (paused before this step)` });
      return undefined;
    }
    world.stepsTaken.push(next.value);
  }
}

/** The steps as rows: operation, whether the actor holds init_mm.page_table_lock, and the text. */
function stepRows(steps: readonly Step[]): string[][] {
  const held = new Set<string>();
  return steps.map((s) => {
    const holds = held.has(s.actor) ? 'yes' : 'no';
    if (s.op === 'lock') held.add(s.actor);
    if (s.op === 'unlock') held.delete(s.actor);
    const text = s.text.replace(/\b0x[0-9a-f]{12}\b/g, '…');
    return [s.op, holds, text.startsWith(`${s.actor} `) ? text.slice(s.actor.length + 1) : text];
  });
}

function attachSteps(world: SpecWorld): void {
  const rows = stepRows(world.stepsTaken).map(([op, lock, text]) => `${op?.padEnd(10)} ${lock?.padEnd(4)} ${text}`);
  world.attach(['op         lock step', ...rows].join('\n'), 'text/plain');
}

function vmallocAt(world: SpecWorld, actor: string, size: number, va: bigint): void {
  world.change((k) => {
    world.area = drive(world, k.vmalloc.vmallocSteps(size, actor, world.kva(va)));
  });
  attachSteps(world);
}

When("{size} is vmalloc'ed at {hex}", function (this: SpecWorld, size: number, va: bigint) {
  vmallocAt(this, 'vmalloc', size, va);
});

When('{word} vmallocs {size} at {hex}', function (this: SpecWorld, actor: string, size: number, va: bigint) {
  vmallocAt(this, actor, size, va);
});

Given(
  '{word} has begun a vmalloc of {size} at {hex} and is about to take init_mm.page_table_lock',
  function (this: SpecWorld, actor: string, size: number, va: bigint) {
    this.change((k) => {
      const steps = k.vmalloc.vmallocSteps(size, actor, this.kva(va));
      drive(this, steps, (s) => s.op === 'lock');
      this.paused.set(actor, steps);
    });
    attachSteps(this);
  },
);

When('{word} finishes its vmalloc', function (this: SpecWorld, actor: string) {
  const steps = this.paused.get(actor);
  if (!steps) throw new Error(`${actor} has no vmalloc under way`);
  this.paused.delete(actor);
  this.change(() => {
    this.area = drive(this, steps);
  });
  attachSteps(this);
});

When('that vmalloc area is vfreed', function (this: SpecWorld) {
  const area = this.area as VmArea;
  assert.ok(area, 'no vmalloc area to free (When … is vmalloc’ed at …)');
  this.stepsTaken.length = 0;
  this.change((k) => drive(this, k.vmalloc.vfreeSteps(area, 'vfree')));
  attachSteps(this);
});

Then('vmalloc took these steps:', function (this: SpecWorld, table: DataTable) {
  assert.deepEqual(stepRows(this.stepsTaken), table.rows());
});

Then(
  'vmalloc read its walk without init_mm.page_table_lock and installed every table under it after re-checking the entry',
  function (this: SpecWorld) {
    const rows = stepRows(this.stepsTaken);
    const installs = rows.flatMap((row, i) => (row[0] === 'install' ? [i] : []));
    assert.ok(installs.length > 0, 'vmalloc installed no table');
    for (const i of installs) {
      assert.deepEqual(
        rows.slice(i - 2, i + 2).map(([op, lock]) => `${op} ${lock}`),
        ['lock no', 'read yes', 'install yes', 'unlock yes'],
      );
    }
    const walkReads = rows.filter(([op, , text]) => op === 'read' && !text?.startsWith('re-checks'));
    assert.deepEqual(new Set(walkReads.map(([, lock]) => lock)), new Set(['no']));
  },
);

Then('{word} freed {int} spare table page(s)', function (this: SpecWorld, actor: string, count: number) {
  const frees = this.events().filter((e) => e.op === 'free' && e.actor === actor && e.note === 'table page');
  assert.equal(frees.length, count);
});

Then("the area's pages were freed", function (this: SpecWorld) {
  const k = this.kernel;
  const area = this.area as VmArea;
  const freed = this.events().filter((e) => e.op === 'free' && e.note === 'vmalloc page');
  assert.deepEqual(
    freed.map((e) => e.pfn),
    area.pages,
  );
  for (const pfn of area.pages)
    assert.equal(PAGE_STATE_NAMES[k.mem.state(pfn) as PageState], PAGE_STATE_NAMES[PageState.Poisoned]);
});
