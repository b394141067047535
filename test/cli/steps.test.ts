import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT_SYMBOLS } from '../../src/arch/symbols';
import type { Io } from '../../src/cli/command';
import {
  PARAMETER_TYPES_PATH,
  readStepFiles,
  renderVocabulary,
  type SourceFile,
  scanSteps,
  stepsMain,
  undefinedParameterTypes,
} from '../../src/cli/steps';
import { POLICIES } from '../../src/hotplug/policy';
import { PARAMETER_TYPES, type StepParameterType } from '../../steps/support/parameter-types';

const ROOT = join(__dirname, '..', '..');

const SAMPLE: SourceFile = {
  path: 'steps/sample.steps.ts',
  text: [
    "import { Given, Then, When } from '@cucumber/cucumber';",
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

const COLOUR: StepParameterType = {
  name: 'colour',
  doc: 'A colour such as `red`',
  regexp: /red|green/,
  transformer: (text) => text,
  phrases: ['red', 'green'],
};

function capture(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

describe('scanning step files', () => {
  const vocabulary = scanSteps([SAMPLE], [COLOUR], 'steps/support/colours.ts');

  it('finds every Given/When/Then with its keyword, pattern, parameters and line', () => {
    expect(vocabulary.steps).toEqual([
      {
        keyword: 'Given',
        pattern: 'a {colour} page at {int}',
        parameters: ['colour', 'int'],
        path: SAMPLE.path,
        line: 3,
      },
      { keyword: 'When', pattern: "the page's {word} is read", parameters: ['word'], path: SAMPLE.path, line: 4 },
      { keyword: 'Then', pattern: '/^it is (mapped|none)$/', parameters: [], path: SAMPLE.path, line: 8 },
      { keyword: 'Then', pattern: 'it has {shade} and {}', parameters: ['shade', ''], path: SAMPLE.path, line: 9 },
    ]);
  });

  it('documents a parameter type from the object registered: its regexp, doc and phrases', () => {
    expect(vocabulary.parameterTypes.find((p) => p.name === 'colour')).toEqual({
      name: 'colour',
      regexp: 'red|green',
      doc: 'A colour such as `red`',
      phrases: ['red', 'green'],
      joinedBy: undefined,
      path: 'steps/support/colours.ts',
    });
  });

  it("documents cucumber's built-in types with the regexps cucumber matches them with", () => {
    expect(vocabulary.parameterTypes.find((p) => p.name === 'int')).toMatchObject({
      regexp: '-?\\d+|\\d+',
      path: 'built-in',
    });
  });

  it('names the parameter types used but defined nowhere', () => {
    expect(undefinedParameterTypes(vocabulary)).toEqual(['shade']);
  });

  it('renders the patterns by keyword and only the parameter types in use', () => {
    const text = renderVocabulary(vocabulary);
    expect(text).toContain('Step vocabulary: 4 step patterns');
    expect(text).toMatch(/Given \(1\)\n {2}a \{colour\} page at \{int\} +steps\/sample\.steps\.ts:3/);
    expect(text).toMatch(/\{colour\} +"red", "green" {2}— A colour such as `red` \(steps\/support\/colours\.ts\)/);
    expect(text).toMatch(/\{int\} +\/-\?\\d\+\|\\d\+\/ {2}— an integer \(built-in\)/);
    expect(text).not.toContain('{float}');
  });
});

describe('the project parameter types', () => {
  const types = new Map(PARAMETER_TYPES.map((p) => [p.name, p]));
  const accepts = (p: StepParameterType, text: string): boolean => new RegExp(`^(?:${p.regexp.source})$`).test(text);

  it('are documented from the objects steps/support/parameters.ts registers, the policies and symbols from the model', () => {
    const documented = scanSteps([]).parameterTypes.filter((p) => p.path === PARAMETER_TYPES_PATH);
    expect(documented.map((p) => [p.name, p.regexp])).toEqual(PARAMETER_TYPES.map((p) => [p.name, p.regexp.source]));
    expect(types.get('policy')?.phrases).toEqual(Object.keys(POLICIES));
    expect(types.get('symbol')?.phrases).toEqual(LAYOUT_SYMBOLS);
  });

  it('accept every phrase they list, one or joined, and nothing longer', () => {
    for (const p of PARAMETER_TYPES.filter((t) => t.phrases)) {
      const phrases = p.phrases ?? [];
      expect(phrases.filter((phrase) => !accepts(p, phrase))).toEqual([]);
      expect(phrases.filter((phrase) => accepts(p, `${phrase}x`))).toEqual([]);
      if (p.joinedBy) expect(accepts(p, phrases.join(p.joinedBy))).toBe(true);
    }
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
