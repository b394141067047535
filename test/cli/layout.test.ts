import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geometry, SUPPORTED_CONFIGS } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { LAYOUT_SYMBOLS } from '../../src/arch/symbols';
import { layoutJson } from '../../src/present/layout-json';
import { layoutRows, memoryRstSize, renderLayoutTable } from '../../src/present/layout-text';
import { run } from '../support/cli';
import { property } from '../support/property';

const RUNS = { numRuns: 1000 };
const LAYOUTS = SUPPORTED_CONFIGS.flatMap((name) => [false, true].map((kasan) => layout(geometry(name), { kasan })));

const squash = (text: string): string[] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '));

describe('the memory.rst-style table', () => {
  // Documentation/arm64/memory.rst as of Linux v5.4–v5.10: "4KB pages + 4 levels (48-bit)", with KASAN.
  const DOC_4K_48 = `
    0000000000000000 0000ffffffffffff 256TB user
    ffff000000000000 ffff7fffffffffff 128TB kernel logical memory map
    ffff800000000000 ffff9fffffffffff 32TB kasan shadow region
    ffffa00000000000 ffffa00007ffffff 128MB bpf jit region
    ffffa00008000000 ffffa0000fffffff 128MB modules
    ffffa00010000000 fffffdffbffeffff ~93TB vmalloc
    fffffdffbfff0000 fffffdfffe5f8fff ~998MB [guard region]
    fffffdfffe5f9000 fffffdfffe9fffff 4124KB fixed mappings
    fffffdfffea00000 fffffdfffebfffff 2MB [guard region]
    fffffdfffec00000 fffffdffffbfffff 16MB PCI I/O space
    fffffdffffc00000 fffffdffffdfffff 2MB [guard region]
    fffffdffffe00000 ffffffffffdfffff 2TB vmemmap
    ffffffffffe00000 ffffffffffffffff 2MB [guard region]`;
  // Same document: "64KB pages + 3 levels (52-bit with HW support)", with KASAN.
  const DOC_64K_52 = `
    0000000000000000 000fffffffffffff 4PB user
    fff0000000000000 fff7ffffffffffff 2PB kernel logical memory map
    fff8000000000000 fffd9fffffffffff 1440TB [gap]
    fffda00000000000 ffff9fffffffffff 512TB kasan shadow region
    ffffa00000000000 ffffa00007ffffff 128MB bpf jit region
    ffffa00008000000 ffffa0000fffffff 128MB modules
    ffffa00010000000 fffff81ffffeffff ~88TB vmalloc
    fffff81fffff0000 fffffc1ffe58ffff ~3TB [guard region]
    fffffc1ffe590000 fffffc1ffe9fffff 4544KB fixed mappings
    fffffc1ffea00000 fffffc1ffebfffff 2MB [guard region]
    fffffc1ffec00000 fffffc1fffbfffff 16MB PCI I/O space
    fffffc1fffc00000 fffffc1fffdfffff 2MB [guard region]
    fffffc1fffe00000 ffffffffffdfffff 3968GB vmemmap
    ffffffffffe00000 ffffffffffffffff 2MB [guard region]`;

  it.each([
    ['4K/48', DOC_4K_48],
    ['64K/52', DOC_64K_52],
  ])('%s with KASAN reproduces the kernel documentation row for row', (name, doc) => {
    const table = renderLayoutTable(layoutRows(layout(geometry(name), { kasan: true }), { guards: true }));
    assert.deepEqual(squash(table).slice(1), squash(doc));
  });

  property([fc.constantFrom(...LAYOUTS)], RUNS)('with guards, the rows tile the kernel half up to 2^64', (lay) => {
    const rows = layoutRows(lay, { guards: true }).slice(1);
    const gaps = rows.filter((r, i) => i > 0 && r.start !== (rows[i - 1]?.last ?? 0n) + 1n);
    assert.deepEqual(gaps, []);
    assert.equal(rows[0]?.start, (1n << 64n) - (1n << BigInt(lay.geo.vaBits)));
    assert.equal(rows.at(-1)?.last, (1n << 64n) - 1n);
    assert.ok(rows.every((r) => BigInt(r.size) === r.last - r.start + 1n));
  });

  it.each([
    [2 ** 21, '2MB'],
    [4124 * 1024, '4124KB'],
    [3968 * 2 ** 30, '3968GB'],
    [1440 * 2 ** 40, '1440TB'],
    [2 ** 52, '4PB'],
    [0x3e609000, '~998MB'],
    [0x5dffafff0000, '~93TB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    assert.equal(memoryRstSize(bytes), text);
  });
});

describe('layout --json', () => {
  property([fc.constantFrom(...LAYOUTS)], RUNS)('has the documented shape', (lay) => {
    const doc = layoutJson(lay);
    assert.deepEqual(Object.keys(doc).slice(0, 6), [
      'config',
      'era',
      'kasan',
      'geometry',
      'regions',
      'vmallocVmemmapSharing',
    ]);
    assert.deepEqual(Object.keys(doc).slice(6), [...LAYOUT_SYMBOLS]);
    const hex = /^0x[0-9a-f]{16}$/;
    const badRegions = doc.regions.filter(
      (r) => !hex.test(r.start) || !hex.test(r.end) || !Number.isSafeInteger(r.size),
    );
    assert.deepEqual(badRegions, []);
    const badSymbols = LAYOUT_SYMBOLS.filter(
      (s) => !(doc[s] === null ? /^KASAN_/.test(s) && !lay.kasan : hex.test(doc[s])),
    );
    assert.deepEqual(badSymbols, []);
    assert.deepEqual(
      doc.geometry.levels.map((l) => l.name),
      ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'],
    );
  });

  it('prints the same document on stdout', async () => {
    const { code, out, err } = await run('layout', '--config', '16K/47', '--kasan', '--json');
    assert.deepEqual([code, err], [0, '']);
    assert.deepEqual(JSON.parse(out), layoutJson(layout(geometry('16K/47'), { kasan: true })));
  });

  it('names the 4K/48 values of the kernel documentation', async () => {
    const doc = JSON.parse((await run('layout', '--json')).out);
    expect(doc).toMatchObject({
      config: '4K/48',
      era: 'v5.7',
      kasan: false,
      PAGE_OFFSET: '0xffff000000000000',
      PAGE_END: '0xffff800000000000',
      VMALLOC_START: '0xffff800010000000',
      VMALLOC_END: '0xfffffdffbfff0000',
      VMEMMAP_START: '0xfffffdffffe00000',
      VMEMMAP_END: '0xffffffffffe00000',
      KASAN_SHADOW_START: null,
      geometry: { granule: '4K', levelCount: 4, folded: ['P4D'], contPmd: { entries: 16, size: 2 ** 25 } },
      vmallocVmemmapSharing: {
        shared: true,
        vmallocEntry: 507,
        tables: [{ level: 'PUD', start: '0xfffffd8000000000' }],
      },
    });
  });
});

describe('the command line', () => {
  it('prints the text layout', async () => {
    const explicit = await run('layout', '--config=64K/42');
    assert.equal(explicit.code, 0);
    assert.ok(explicit.out.includes('PGD     2     29     8192        512M'), String(explicit.out));
    assert.ok(explicit.out.includes('vmemmap'), String(explicit.out));
  });

  it('refuses an unsupported configuration with exit code 2 and the ConfigError on stderr', async () => {
    const { code, out, err } = await run('layout', '--config', '8K/48');
    assert.deepEqual([code, out], [2, '']);
    assert.match(err, /^ConfigError: --config: .*8K\/48/);
    for (const name of SUPPORTED_CONFIGS) assert.ok(err.includes(name), String(err));
  });

  it.each([
    [['layout', '--bogus'], /UsageError: unknown option/],
    [['layout', '--config'], /UsageError: an option needs a value/],
    [['layout', '--kasan=yes'], /UsageError: a flag takes no value/],
    [['layout', 'extra'], /UsageError: unexpected argument/],
    [['frob'], /UsageError: unknown subcommand.*layout/],
    [['layout', '--era', 'v9'], /ConfigError: --era: the layout era/],
    [['layout', '--era', 'constructor'], /ConfigError: --era: the layout era .*\(era=constructor\)/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { code, err } = await run(...argv);
    assert.equal(code, 2);
    assert.match(err, message);
  });

  it('lists the subcommands in the global help and the options in the subcommand help', async () => {
    const global = await run('--help');
    assert.equal(global.code, 0);
    assert.match(global.out, /Subcommands:\n {2}layout {2}/);
    const own = await run('layout', '--help');
    assert.equal(own.code, 0);
    for (const option of ['--config C', '--kasan', '--json', '--guards', '(default 4K/48)'])
      assert.ok(own.out.includes(option), String(own.out));
  });
});
