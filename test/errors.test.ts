import { describe, expect, it } from 'vitest';
import { ConfigError, HotplugError, ModelError, SHOWN_TEXT, shownText } from '../src/errors';
import { policyNamed } from '../src/hotplug/policy';
import { anyText, property } from './support/property';

describe('a refusal repeats its input on one short line', () => {
  property([anyText(3000)])(
    'any text shows as printable characters on one line, cut after SHOWN_TEXT with the length it had',
    (text) => {
      const shown = shownText(text);
      expect(shown).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
      const cut = /… \((\d+) characters\)$/.exec(shown);
      if (cut) {
        expect(Number(cut[1])).toBe([...text].length);
        expect(cut.index).toBeLessThan(SHOWN_TEXT + 6);
      } else expect([...text].length).toBeLessThanOrEqual(SHOWN_TEXT);
    },
  );

  it.each([
    ['a newline and a terminal escape', '4K/4\n8\x1b[31m', '4K/4\\n8\\x1b[31m'],
    ['a bidirectional override', 'v5.7\u202e', 'v5.7\\u202e'],
    ['2,500 characters', 'x'.repeat(2500), `${'x'.repeat(40)}… (2500 characters)`],
  ])('%s', (_why, text, shown) => {
    expect(new ConfigError('a rule', { config: text }).message).toBe(`a rule (config=${shown})`);
  });

  it('names the option a value came from, keeping the class, the rule, the detail and the values', () => {
    const named = new HotplugError('memory is whole sections', { size: '3M' }, 'detail').forOption('--size');
    expect(named).toBeInstanceOf(HotplugError);
    expect(named.message).toBe('--size: memory is whole sections: detail (size=3M)');
  });
});

describe('names are looked up among their own keys only', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('policyNamed refuses %s', (name) => {
    expect(() => policyNamed(name)).toThrow(ConfigError);
    expect(() => policyNamed(name)).toThrow(ModelError);
  });
});
