import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args';
import { ModelError } from '../../src/errors';

const SPEC = {
  options: [
    { name: 'config', value: 'C', default: '4K/48', help: 'configuration' },
    { name: 'kasan', help: 'KASAN' },
  ],
  positionals: ['range'],
};

describe('parseArgs', () => {
  it('reads values, flags and positionals and applies defaults', () => {
    const a = parseArgs(['--kasan', '0x1000'], SPEC);
    expect([...a.values]).toEqual([['config', '4K/48']]);
    expect([...a.flags]).toEqual(['kasan']);
    expect(a.positionals).toEqual(['0x1000']);
    expect(a.help).toBe(false);
  });

  it('takes a value after a space or an equals sign', () => {
    expect(parseArgs(['--config', '16K/47'], SPEC).values.get('config')).toBe('16K/47');
    expect(parseArgs(['--config=64K/52'], SPEC).values.get('config')).toBe('64K/52');
  });

  it('notices -h and --help anywhere', () => {
    expect(parseArgs(['--kasan', '-h'], SPEC).help).toBe(true);
    expect(parseArgs(['a', 'b', '--help'], SPEC).help).toBe(true);
  });

  it('refuses what the spec does not declare with a typed UsageError', () => {
    expect(() => parseArgs(['--nope'], SPEC)).toThrow(UsageError);
    expect(() => parseArgs(['--config', '--kasan'], SPEC)).toThrow(/needs a value/);
    expect(() => parseArgs(['a', 'b'], SPEC)).toThrow(/unexpected argument/);
    expect(new UsageError('x', {})).toBeInstanceOf(ModelError);
  });
});
