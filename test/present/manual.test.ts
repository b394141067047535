import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attachment, type GherkinDocument, TestStepResultStatus } from '@cucumber/messages';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualError } from '../../src/errors';
import { type Chapter, checkedChapters, featureFilesUnder, loadChapters } from '../../src/present/manual/chapters';
import { featureHtml } from '../../src/present/manual/feature-html';
import { featuresUsing, parseTerms, TERMS_PATH } from '../../src/present/manual/glossary';
import { type FeaturePlace, placesOf, slug } from '../../src/present/manual/places';
import { dedent, prose } from '../../src/present/manual/prose';
import { readRun } from '../../src/present/manual/run';
import { BUDGET, siteWeight, weightReport } from '../../src/present/manual/weight';
import { property } from '../support/property';
import { madeUpRun, realSources } from './manual-sources';

const chapter = (id: string, features: string[]): Chapter => ({ id, title: id, intro: '', features });

describe('the reading order (features/chapters.json)', () => {
  it('places every feature file of the manual in exactly one chapter', () => {
    const chapters = loadChapters();
    expect(chapters.flatMap((c) => c.features).sort()).toEqual(featureFilesUnder('features'));
    expect(chapters[0]?.features).toEqual(['0-index.feature']);
  });

  property([fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}\/[a-z-]{1,12}$/), { minLength: 2, maxLength: 8 }), fc.nat()])(
    'fails naming each feature file that is in no chapter',
    (names, seed) => {
      const files = names.map((n) => `${n}.feature`);
      const left = files[seed % files.length] as string;
      const chapters = [
        chapter(
          'a',
          files.filter((f) => f !== left),
        ),
        chapter('empty', []),
      ];
      expect(() => checkedChapters(chapters, files)).toThrow(ManualError);
      expect(() => checkedChapters(chapters, files)).toThrow(`in no chapter: ${left}`);
      expect(checkedChapters([...chapters, chapter('b', [left])], files).map((c) => c.id)).toEqual(['a', 'b']);
    },
  );

  it('fails on a feature in two chapters and on a file that does not exist', () => {
    const files = ['a/x.feature', 'a/y.feature'];
    expect(() => checkedChapters([chapter('a', files), chapter('b', ['a/x.feature'])], files)).toThrow(
      'in two chapters: a/x.feature',
    );
    expect(() => checkedChapters([chapter('a', [...files, 'a/z.feature'])], files)).toThrow(
      'no such file: a/z.feature',
    );
  });
});

describe('slug', () => {
  property([fc.string({ maxLength: 200 })])('is lowercase words joined by dashes, cut at a word', (text) => {
    const s = slug(text);
    expect(s).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(s.length <= 60 || !s.includes('-')).toBe(true);
  });
});

describe('prose', () => {
  const features = new Map<string, FeaturePlace>([
    [
      'features/hot-remove/order.feature',
      {
        uri: 'features/hot-remove/order.feature',
        title: 'Clear, then free',
        chapter: chapter('hot-remove', []),
        page: 'order.html',
        anchor: 'order',
      },
    ],
  ]);

  property([fc.array(fc.stringMatching(/^ {0,6}[a-z]{0,10}$/), { minLength: 1, maxLength: 8 })])(
    'dedent keeps each line, less the indentation they all share',
    (lines) => {
      const out = dedent(lines.join('\n')).split('\n');
      const trimmed = lines.join('\n').replace(/\s+$/, '').split('\n');
      expect(out.length).toBe(trimmed.length);
      out.forEach((l, i) => {
        expect(trimmed[i]?.endsWith(l)).toBe(true);
      });
      const kept = out.filter((l) => l.trim() !== '');
      if (kept.length) expect(kept.some((l) => !l.startsWith(' '))).toBe(true);
    },
  );

  it('renders Markdown, indented as Gherkin indents a description, as prose and not as code', () => {
    const html = prose('    A list:\n\n    - `vmemmap_free`\n    - *floor*\n', features);
    expect(html).toContain('<li><code>vmemmap_free</code></li>');
    expect(html).toContain('<em>floor</em>');
    expect(html).not.toContain('<pre>');
  });

  it("links each feature file it mentions under the feature's title, and drops links to other files", () => {
    const html = prose(
      'See order.feature, [the steps](../steps/x.steps.ts#L3), [a file](hot-remove/order.feature) and `order.feature`.',
      features,
    );
    expect(html).toContain('<a href="order.html#order">Clear, then free</a>,');
    expect(html).toContain(' the steps,');
    expect(html).toContain('<a href="order.html#order">a file</a>');
    expect(html).toContain('<code>order.feature</code>');
    expect(html).not.toContain('steps.ts');
  });
});

const INDEX = `Feature: The claims
  Rule: Floors decide
    Scenario: where
      Then the claim is checked by these rules of the manual:
        | feature             | rule                      |
        | b/floors.feature    | A table within is freed   |
        | b/floors.feature    | A rule that is not there  |
`;

const FLOORS = `Feature: Floors and ceilings
  What it is about:

  - one
  - two

  Rule: A table within is freed

    Scenario: inside
      Given a table
      Then it is freed

    Scenario: outside
      Given a table
      Then it is kept

  Rule: Rows
    Scenario Outline: in rows
      Given a table of <n>
      Examples: numbers
        | n | why   |
        | 1 | one   |
        | 2 | two   |
`;

describe('a feature of the manual, from a run of it', () => {
  const envelopes = madeUpRun(
    { 'features/0-index.feature': INDEX, 'features/b/floors.feature': FLOORS },
    (scenario, step) => {
      if (scenario === 'outside' && step === 'it is kept') return { status: TestStepResultStatus.FAILED };
      if (step === 'it is freed') {
        return {
          attach: [
            { body: '<svg xmlns="http://www.w3.org/2000/svg"/>', mediaType: 'image/svg+xml', fileName: 'freed.svg' },
            { body: '<svg xmlns="http://www.w3.org/2000/svg"/>', mediaType: 'image/svg+xml', fileName: 'again.svg' },
            { body: 'PUD freed', mediaType: 'text/plain' },
          ],
        };
      }
      return {};
    },
    'from a hook',
  );
  const run = readRun(envelopes);
  const chapters = [chapter('story', ['0-index.feature']), chapter('floors', ['b/floors.feature'])];
  const places = placesOf(chapters, run.documents);
  const ctx = { places, run, file: (a: Attachment) => `img/${a.fileName}` };
  const floors = places.features.get('features/b/floors.feature') as FeaturePlace;
  const html = featureHtml(ctx, floors, run.documents.get(floors.uri) as GherkinDocument);

  it("reads each scenario's status, steps and attachments from the message stream", () => {
    const runs = [...run.byAstNode.values()];
    expect(runs.map((r) => [r.pickle.name, r.status])).toEqual([
      ['where', 'PASSED'],
      ['inside', 'PASSED'],
      ['outside', 'FAILED'],
      ['in rows', 'PASSED'],
      ['in rows', 'PASSED'],
    ]);
    const inside = runs[1];
    expect(inside?.steps.map((s) => s.attachments.length)).toEqual([0, 3]);
    expect(inside?.hookAttachments.map((a) => a.body)).toEqual(['from a hook']);
    expect(runs[2]?.steps[1]?.message).toBe('expected 1, got 2');
    expect([...run.phrases]).toEqual([['int', new Set(['1', '2'])]]);
  });

  it('gives every feature, Rule, scenario and example row a permalink, on a page of its chapter', () => {
    expect(floors).toMatchObject({ page: 'floors.html', anchor: 'floors', title: 'Floors and ceilings' });
    for (const id of ['floors--a-table-within-is-freed', 'floors--inside', 'floors--in-rows--row-2']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(places.features.get('features/0-index.feature')?.page).toBe('index.html');
  });

  it('links a claim to the Rules its table names, each Rule back, and reports what it cannot find', () => {
    expect(places.claims.map((c) => [c.claim.anchor, c.rule.page, c.rule.anchor])).toEqual([
      ['0-index--floors-decide', 'floors.html', 'floors--a-table-within-is-freed'],
    ]);
    expect(html).toContain(
      'Checks the claim: <a class="claim-link" href="index.html#0-index--floors-decide">Floors decide</a>',
    );
    const index = places.features.get('features/0-index.feature') as FeaturePlace;
    const indexHtml = featureHtml(ctx, index, run.documents.get(index.uri) as GherkinDocument);
    expect(indexHtml).toContain(
      '<a class="checked-by" href="floors.html#floors--a-table-within-is-freed">A table within is freed</a> <span class="in">— Floors and ceilings</span>',
    );
    expect(places.unresolved).toEqual([
      'features/0-index.feature: "Floors decide" names b/floors.feature: "A rule that is not there"',
    ]);
  });

  it('shows each result, the steps folded (open when a step failed), and each picture once, lazily', () => {
    expect(html).toContain('<article class="scenario passed" id="floors--inside">');
    expect(html).toContain('<article class="scenario failed" id="floors--outside">');
    expect(html.match(/<details class="steps">/g)?.length).toBeGreaterThan(0);
    expect(html).toContain('<details class="steps" open>');
    expect(html).toContain('<pre class="error">expected 1, got 2</pre>');
    expect(html).toContain('<pre class="output">PUD freed</pre>');
    expect(html.match(/<img loading="lazy" src="img\/freed.svg"/g)).toHaveLength(1);
    expect(html).toContain('<div class="prose"><p>What it is about:</p>\n<ul>\n<li>one</li>');
    expect(html).toContain('<h2><span class="status failed"');
  });
});

describe("the manual's own sources", () => {
  const run = readRun(madeUpRun(realSources()));
  const places = placesOf(loadChapters(), run.documents);

  it('links every claim of the index to the Rules that check it, and resolves every row', () => {
    expect(places.unresolved).toEqual([]);
    const claims = new Set(places.claims.map((c) => c.claim.anchor));
    expect(claims.size).toBeGreaterThanOrEqual(9);
    expect(places.claims.every((c) => c.claim.page === 'index.html' && c.rule.page !== 'index.html')).toBe(true);
  });

  it('finds a use of every term of the domain glossary in some feature', () => {
    const terms = parseTerms(readFileSync(TERMS_PATH, 'utf8'));
    const unused = terms.filter((t) => featuresUsing(t, places, run.documents).length === 0).map((t) => t.term);
    expect(unused).toEqual([]);
  });
});

describe('the weight of the site', () => {
  const dir = mkdtempSync(join(tmpdir(), 'manual-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts a page with each file it refers to once, and the site whole', () => {
    mkdirSync(join(dir, 'img'));
    writeFileSync(join(dir, 'img', 'a.svg'), 'x'.repeat(1000));
    writeFileSync(join(dir, 'img', 'b.svg'), 'x'.repeat(BUDGET.page));
    const page = '<img src="img/a.svg"><a href="img/a.svg"></a><a href="other.html#x">';
    writeFileSync(join(dir, 'a.html'), page);
    writeFileSync(join(dir, 'big.html'), '<img src="img/b.svg">');
    const w = siteWeight(dir);
    expect(w.pages.map((p) => [p.page, p.total])).toEqual([
      ['big.html', BUDGET.page + 21],
      ['a.html', page.length + 1000],
    ]);
    expect(w.site).toBe(BUDGET.page + 1000 + page.length + 21);
    const report = weightReport(w);
    expect(report.lines[0]).toMatch(/^largest page: big.html, 2.00 MB/);
    expect(report.problems).toEqual(['big.html weighs 2.00 MB (budget 2.00 MB)']);
  });
});
