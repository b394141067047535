import { describe, expect, it } from 'vitest';
import { Locks, MEM_HOTPLUG_LOCK, PAGE_TABLE_LOCK } from '../../src/tables/locks';

const read = { name: MEM_HOTPLUG_LOCK, mode: 'read' } as const;
const write = { name: MEM_HOTPLUG_LOCK, mode: 'write' } as const;

describe('the kernel’s locks', () => {
  it('mem_hotplug_lock: readers share it (get_online_mems), a writer (mem_hotplug_begin) excludes everyone', () => {
    const locks = new Locks();
    locks.take(read, 'ptdump');
    expect([locks.canTake(read, 'cpu1'), locks.canTake(write, 'hot-remove')]).toEqual([true, false]);
    locks.take(read, 'cpu1');
    expect(locks.heldBy(MEM_HOTPLUG_LOCK)).toEqual(['ptdump', 'cpu1']);
    locks.release(MEM_HOTPLUG_LOCK, 'ptdump');
    locks.release(MEM_HOTPLUG_LOCK, 'cpu1');
    expect(locks.heldBy(MEM_HOTPLUG_LOCK)).toEqual([]);
    locks.take(write, 'hot-remove');
    expect([locks.canTake(read, 'ptdump'), locks.canTake(write, 'cpu1')]).toEqual([false, false]);
    expect(() => locks.take(read, 'ptdump')).toThrow('ptdump cannot take mem_hotplug_lock for read: it is held');
    expect(locks.heldBy(MEM_HOTPLUG_LOCK)).toEqual(['hot-remove']);
  });

  it('no actor takes a lock it already holds (the kernel would deadlock on itself), even for reading', () => {
    const locks = new Locks();
    locks.take(read, 'ptdump');
    expect(locks.canTake(read, 'ptdump')).toBe(false);
  });

  it('locks are independent of each other, and one nobody holds is free', () => {
    const locks = new Locks();
    locks.take({ name: PAGE_TABLE_LOCK, mode: 'write' }, 'vmalloc');
    expect([locks.canTake(write, 'hot-remove'), locks.heldBy(MEM_HOTPLUG_LOCK)]).toEqual([true, []]);
    locks.release(MEM_HOTPLUG_LOCK, 'nobody');
    expect(locks.heldBy(PAGE_TABLE_LOCK)).toEqual(['vmalloc']);
  });

  it('a copy holds what the original held, and they part from then on', () => {
    const locks = new Locks();
    locks.take(read, 'ptdump');
    const copy = locks.clone();
    copy.release(MEM_HOTPLUG_LOCK, 'ptdump');
    copy.take(write, 'hot-remove');
    locks.take(read, 'cpu1');
    expect([locks.heldBy(MEM_HOTPLUG_LOCK), copy.heldBy(MEM_HOTPLUG_LOCK)]).toEqual([
      ['ptdump', 'cpu1'],
      ['hot-remove'],
    ]);
    expect(locks.clone().canTake(write, 'hot-remove')).toBe(false);
  });
});
