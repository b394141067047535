import { describe, expect, it } from 'vitest';
import { ERA_NAMES } from '../../src/arch/era';
import { COMMANDS } from '../../src/cli/commands';
import { run } from '../support/cli';

const squash = (text: string): string[] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '));

describe('--era and --no-lpa2', () => {
  const choosing = COMMANDS.filter((c) => c.options.some((o) => o.name === 'config'));

  it('every subcommand that boots a configuration of one’s choice takes them', () => {
    expect(choosing.map((c) => c.name)).toEqual(['layout', 'dump', 'add', 'remove', 'race']);
    const missing = choosing.filter((c) => !['era', 'no-lpa2'].every((name) => c.options.some((o) => o.name === name)));
    expect(missing).toEqual([]);
  });

  it('layout --era v6.12 prints the v6.9 layout: vmemmap below −1G, PCI I/O and the fixmap above it', async () => {
    const { code, out } = await run('layout', '--era', 'v6.12');
    expect(code).toBe(0);
    const table = squash(out.split('Kernel VA layout')[1]?.split('Kernel symbols')[0] ?? '');
    expect(table.slice(1)).toEqual([
      'ffff000000000000 ffff7fffffffffff 128TB kernel logical memory map',
      'ffff800000000000 ffff80007fffffff 2GB modules',
      'ffff800080000000 fffffdffbf7fffff ~125TB vmalloc',
      'fffffdffc0000000 ffffffffbfffffff 2TB vmemmap',
      'ffffffffc0800000 ffffffffc17fffff 16MB PCI I/O space',
      'ffffffffff5f7000 ffffffffff7fffff 2084KB fixed mappings',
    ]);
    expect(out).toContain('Linux v6.12 arm64');
    expect(out).toContain('section 128M (SECTION_SIZE_BITS 27)');
  });

  it('layout --era v6.1 prints the v5.11 layout as 6.1’s memory.rst tabulates it', async () => {
    const { out } = await run('layout', '--era', 'v6.1', '--kasan', '--json');
    expect(JSON.parse(out)).toMatchObject({
      era: 'v6.1',
      MODULES_VADDR: '0xffff800000000000',
      VMALLOC_END: '0xfffffbfff0000000',
      VMEMMAP_START: '0xfffffc0000000000',
      BPF_JIT_REGION_START: null,
    });
  });

  it('a 52-bit kernel on a CPU without LPA2 runs with 48 bits and four levels', async () => {
    const { code, out } = await run('layout', '--era', 'v6.12', '--config', '4K/52', '--no-lpa2');
    expect(code).toBe(0);
    expect(out).toContain('VA_BITS 52 (VA_BITS_MIN 48, vabits_actual 48: no 52-bit VA in the CPU, a level folded');
    expect(out).toContain('TTBR1 half from 0xffff000000000000');
    expect(out).toMatch(/VMEMMAP_START +0xfffffdffc0000000/);
  });

  it('add in v6.1 hot-adds one 128M memory block', async () => {
    const { code, out } = await run('add', '--era', 'v6.1', '--size', '128M', '--boot-size', '256M', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ size: 128 * 2 ** 20 });
  });

  it.each([
    [
      ['layout', '--era', 'v6.9'],
      /^ConfigError: --era: the layout era must be one the model knows: known: v5\.7, v6\.1, v6\.12/,
    ],
    [
      ['dump', '--era', 'v6.1', '--config', '16K/52'],
      /^ConfigError: --config: .*arm64 v6\.1 builds.*config=16K\/52, era=v6\.1/,
    ],
    [['add', '--config', '4K/48', '--era', 'v6.12', '--no-lpa2'], /^ConfigError: --no-lpa2: only a 52-bit/],
    [['race', '--era', 'v5.7', '--config', '64K/52', '--no-lpa2'], /^ConfigError: --no-lpa2: .*era=v5\.7/],
    [['add', '--era', 'v6.1', '--size', '128M', '--start', '0x204000000'], /^HotplugError: --start: .*section=128M/],
    [['add', '--size', '128M', '--start', '0x208000000'], /^HotplugError: --start: .*section=1G/],
  ])('refuses %j with exit code 2, naming the option', async (argv, message) => {
    const { code, out, err } = await run(...argv);
    expect([code, out]).toEqual([2, '']);
    expect(err).toMatch(message);
  });

  it('names every era in the help of those subcommands', async () => {
    for (const c of choosing) {
      const { out } = await run(c.name, '--help');
      for (const era of ERA_NAMES) expect(out).toContain(era);
    }
  });
});
