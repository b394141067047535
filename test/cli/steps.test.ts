import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/command';
import {
  readStepFiles,
  renderVocabulary,
  type SourceFile,
  scanSteps,
  stepsMain,
  undefinedParameterTypes,
} from '../../src/cli/steps';

const ROOT = join(__dirname, '..', '..');

const SAMPLE: SourceFile = {
  path: 'steps/sample.steps.ts',
  text: [
    "import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';",
    '',
    '/** A colour such as `red`. */',
    'defineParameterType({',
    "  name: 'colour',",
    '  regexp: /red|green/,',
    '  transformer: (text: string) => text,',
    '});',
    '',
    "Given('a {colour} page at {int}', function () {});",
    'When(',
    '  "the page\'s {word} is read",',
    '  function () {},',
    ');',
    'Then(/^it is (mapped|none)$/, function () {});',
    "Then('it has {shade} and {}', function () {});",
  ].join('\n'),
};

function capture(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

describe('scanning step files', () => {
  const vocabulary = scanSteps([SAMPLE]);

  it('finds every Given/When/Then with its keyword, pattern, parameters and line', () => {
    expect(vocabulary.steps).toEqual([
      {
        keyword: 'Given',
        pattern: 'a {colour} page at {int}',
        parameters: ['colour', 'int'],
        path: SAMPLE.path,
        line: 10,
      },
      { keyword: 'When', pattern: "the page's {word} is read", parameters: ['word'], path: SAMPLE.path, line: 11 },
      { keyword: 'Then', pattern: '/^it is (mapped|none)$/', parameters: [], path: SAMPLE.path, line: 15 },
      { keyword: 'Then', pattern: 'it has {shade} and {}', parameters: ['shade', ''], path: SAMPLE.path, line: 16 },
    ]);
  });

  it('documents a defined parameter type with its regexp and doc comment', () => {
    expect(vocabulary.parameterTypes.find((p) => p.name === 'colour')).toEqual({
      name: 'colour',
      regexp: '/red|green/',
      doc: 'A colour such as `red`.',
      path: SAMPLE.path,
    });
  });

  it('names the parameter types used but defined nowhere', () => {
    expect(undefinedParameterTypes(vocabulary)).toEqual(['shade']);
  });

  it('renders the patterns by keyword and only the parameter types in use', () => {
    const text = renderVocabulary(vocabulary);
    expect(text).toContain('Step vocabulary: 4 step patterns');
    expect(text).toMatch(/Given \(1\)\n {2}a \{colour\} page at \{int\} +steps\/sample\.steps\.ts:10/);
    expect(text).toMatch(/\{colour\} +\/red\|green\/ {2}— A colour such as `red`\. \(steps\/sample\.steps\.ts\)/);
    expect(text).not.toContain('{float}');
  });
});

describe('parameter types written on one line', () => {
  it('are read apart from the multi-line definition after them, with a regexp literal or the code that builds one', () => {
    const text = [
      "defineParameterType({ name: 'reason', regexp: new RegExp(REASONS.join('|')), transformer: (t: string) => t });",
      '',
      '/** A caller. */',
      'defineParameterType({',
      "  name: 'caller',",
      '  regexp: /vmemmap_free|__remove_pgd_mapping/,',
      '  transformer: (t: string) => t,',
      '});',
      "defineParameterType({ name: 'verdict', regexp: /eligible|below-floor/, transformer: (t: string) => t });",
    ].join('\n');
    const types = scanSteps([{ path: 'p.ts', text }]).parameterTypes.filter((p) => p.path === 'p.ts');
    expect(types.map((p) => [p.name, p.regexp, p.doc])).toEqual([
      ['reason', "new RegExp(REASONS.join('|'))", ''],
      ['caller', '/vmemmap_free|__remove_pgd_mapping/', 'A caller.'],
      ['verdict', '/eligible|below-floor/', ''],
    ]);
  });
});

/** A project root with one step file and one feature, for the glossary options. */
function sampleRoot(feature: string): string {
  const root = mkdtempSync(join(tmpdir(), 'steps-'));
  mkdirSync(join(root, 'steps'));
  mkdirSync(join(root, 'features', 'paint'), { recursive: true });
  writeFileSync(join(root, 'steps', 'paint.steps.ts'), "Given('a page at {int}', function () {});\n");
  writeFileSync(join(root, 'features', 'paint', 'paint.feature'), `Feature: Paint\n  Scenario: one\n${feature}`);
  return root;
}

describe('the glossary options', () => {
  it('--markdown prints the glossary; --glossary writes features/GLOSSARY.md and says what it holds', () => {
    const root = sampleRoot('    Given a page at 3\n');
    const printed = capture();
    expect(stepsMain(['--markdown'], root, printed.io)).toBe(0);
    expect(printed.out.join('')).toContain(
      'e.g. `Given a page at 3` — [features/paint/paint.feature](paint/paint.feature)',
    );
    const written = capture();
    expect(stepsMain(['--glossary'], root, written.io)).toBe(0);
    expect(written.out.join('')).toBe(
      'features/GLOSSARY.md: 1 step patterns, 1 used by the features (1 steps in all, outline rows counted), 0 feature steps unmatched\n',
    );
    expect(readFileSync(join(root, 'features', 'GLOSSARY.md'), 'utf8')).toBe(printed.out.join(''));
  });

  it('refuses an unknown option with exit code 2 and one line, before reading anything', () => {
    const run = capture();
    expect(stepsMain(['--glosary'], join(tmpdir(), 'no-such-project'), run.io)).toBe(2);
    expect(run.err.join('')).toMatch(/^UsageError: unknown option: known: [^\n]*\(option=--glosary\)\n$/);
  });

  it('exits 1 naming a feature step that no pattern matches', () => {
    const run = capture();
    expect(stepsMain(['--markdown'], sampleRoot('    Given a page at 3\n    Then it is blue\n'), run.io)).toBe(1);
    expect(run.err.join('')).toBe('features/paint/paint.feature:4: no step pattern matches "it is blue"\n');
  });
});

describe('the project step vocabulary', () => {
  const files = readStepFiles(ROOT);
  const vocabulary = scanSteps(files);

  it('lists every step definition in steps/**/*.ts', () => {
    const calls = files.flatMap((f) => [...f.text.matchAll(/\b(?:Given|When|Then)\(/g)]).length;
    expect(vocabulary.steps.length).toBe(calls);
    expect(vocabulary.steps.map((s) => s.pattern)).toContain('a kernel booted with the configuration {config}');
  });

  it('uses only parameter types that are defined', () => {
    expect(undefinedParameterTypes(vocabulary)).toEqual([]);
  });

  it('defines each step pattern once (cucumber refuses ambiguous steps)', () => {
    const patterns = vocabulary.steps.map((s) => s.pattern);
    expect(patterns.filter((p, i) => patterns.indexOf(p) !== i)).toEqual([]);
  });

  it('prints the vocabulary, or JSON with --json, and exits 0', () => {
    const text = capture();
    expect(stepsMain([], ROOT, text.io)).toBe(0);
    expect(text.out.join('')).toMatch(/^Step vocabulary: \d+ step patterns\n/);
    const json = capture();
    expect(stepsMain(['--json'], ROOT, json.io)).toBe(0);
    expect(JSON.parse(json.out.join('')).steps).toHaveLength(vocabulary.steps.length);
    expect(text.err).toEqual([]);
  });

  it('shows its help', () => {
    const help = capture();
    expect(stepsMain(['--help'], ROOT, help.io)).toBe(0);
    expect(help.out.join('')).toContain('--json');
  });
});
