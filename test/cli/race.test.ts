import { describe, expect, it } from 'vitest';
import { run as runCli } from '../support/cli';

/** The `race` subcommand, in-process. */
const run = (...argv: string[]) => runCli('race', ...argv);

describe('race', () => {
  it('empty-only on 4K/48: the counterexample as numbered lines, exit 1', async () => {
    const { code, out, err } = await run('--config', '4K/48', '--policy', 'empty-only');
    expect([code, err]).toEqual([1, '']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('vmemmap_free ‖ vmalloc on 4K/48 (constructed state), policy empty-only');
    expect(lines[1]).toMatch(/^explored: 37 schedules, 8 cut short by sleep sets, /);
    expect(lines[3]).toBe('counterexample (20 steps, a shortest one):');
    expect(lines[4]).toBe('1. hot-remove takes mem_hotplug_lock');
    expect(lines[20]).toMatch(/^17\. vmalloc reads PGD\[507\] of table 0x[0-9a-f]{12}$/);
    expect(lines.at(-1)).toMatch(
      /^⇒ freed-while-held: hot-remove frees the table page at 0x[0-9a-f]{12} while vmalloc/,
    );
    expect(lines.length).toBe(25);
  });

  it('v5.7 on 4K/48: "no violation" with the counts, exit 0', async () => {
    const { code, out } = await run('--config', '4K/48', '--policy', 'v5.7');
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'no violation: every interleaving explored, 3 schedules run to the end and 21 cut short',
    );
  });

  it('--json: the same figures and the steps of the counterexample, or null', async () => {
    const found = JSON.parse((await run('--policy', 'empty-only', '--json')).out);
    expect(found).toMatchObject({ config: '4K/48', policy: 'empty-only', state: 'constructed', actors: 'vmalloc' });
    expect([found.schedules, found.sleepBlocked, found.violation.kind, found.counterexample.length]).toEqual([
      37,
      8,
      'freed-while-held',
      20,
    ]);
    expect(found.counterexample[16]).toMatchObject({ step: 17, actor: 'vmalloc', op: 'read' });
    const none = await run('--policy', 'v5.7', '--json');
    expect(none.code).toBe(0);
    expect(JSON.parse(none.out)).toMatchObject({
      schedules: 3,
      sleepBlocked: 21,
      violation: null,
      counterexample: null,
    });
  });

  it('other actors, states and injected bugs', async () => {
    const ptdump = await run('--actors', 'check-wx', '--state', 'real');
    expect(ptdump.code).toBe(1);
    expect(ptdump.out.trimEnd().split('\n').at(-1)).toMatch(
      /^⇒ use-after-free: ptdump_check_wx read page 0x[0-9a-f]{12} through a stale/,
    );
    expect((await run('--actors', 'ptdump', '--state', 'real')).code).toBe(0);
    expect((await run('--actors', 'cpu', '--state', 'real', '--policy', 'x86')).code).toBe(1);
    expect((await run('--policy', 'no-floor')).out).toContain('policy v5.7 without the floor check');
  });

  it.each([
    [['--config', '4K/49'], 'ConfigError: --config: the configuration must be one'],
    [['--policy', 'v5.8'], 'ConfigError: --policy: the table-freeing policy must be one the model knows'],
    [['--policy', 'constructor'], 'ConfigError: --policy: the table-freeing policy must be one the model knows'],
    [['--state', 'imagined'], 'ConfigError: --state: a race starts from the real boot state or a constructed one'],
    [['--actors', 'kswapd'], 'ConfigError: --actors: hot-remove races one of the known actors'],
    [['--actors', 'toString'], 'ConfigError: --actors: hot-remove races one of the known actors'],
    [['--actors', 'neighbour', '--state', 'real'], 'ConfigError: --state: this race is built in one state only'],
    [['--bogus'], 'UsageError'],
  ])('refuses bad input with exit 2: %j', async (argv, message) => {
    const { code, out, err } = await run(...argv);
    expect([code, out]).toEqual([2, '']);
    expect(err).toContain(message);
  });
});
