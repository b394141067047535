import { describe, expect, it } from 'vitest';
import { run } from '../support/cli';

describe('dump', () => {
  it('prints the boot page tables of a configuration in the kernel_page_tables format', async () => {
    const { code, out } = await run('dump', '--config', '64K/48');
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 2)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000080000000           2G PTE       RW NX SHD AF            UXN MEM/NORMAL',
    ]);
    expect(out).toMatch(/\n---\[ vmemmap start \]---\n/);
  });

  it('adds the KASAN shadow markers with --kasan', async () => {
    const { out } = await run('dump', '--config', '64K/42', '--kasan');
    expect(out).toMatch(/---\[ Linear Mapping end \]---\n---\[ Kasan shadow start \]---\n/);
  });

  it('restricts the dump to one region with --region', async () => {
    const { code, out } = await run('dump', '--config', '16K/47', '--region', 'pci-io');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect([lines[0], lines.at(-1)]).toEqual(['---[ PCI I/O start ]---', '---[ PCI I/O end ]---']);
  });

  it('prints the runs as JSON with --json', async () => {
    const { code, out } = await run('dump', '--config', '64K/52', '--json', '--region', 'vmemmap');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect([json.config, json.kasan]).toEqual(['64K/52', false]);
    expect(json.runs[0]).toMatchObject({ start: '0xfffffc1fffe00000', level: 'PTE', section: 'vmemmap start' });
    expect(json.runs[0].attrs).toEqual(['RW', 'NX', 'SHD', 'AF', 'UXN', 'MEM/NORMAL']);
  });

  it('refuses an unknown configuration or a region the layout lacks with exit code 2', async () => {
    const missing = await run('dump', '--config', '64K/48', '--region', 'kasan');
    expect([missing.code, missing.out]).toEqual([2, '']);
    expect(missing.err).toMatch(/^RangeRuleError: --region: a dumped region must be one of the layout/);
    expect((await run('dump', '--config', '8K/48')).code).toBe(2);
  });

  it('dumps the boot page tables of 4K/48 by default', async () => {
    const { code, out } = await run('dump');
    expect(code).toBe(0);
    expect(out).toContain('---[ Linear Mapping start ]---\n0xffff000000000000-0xffff000080000000           2G PTE');
  });
});
