// One feature as a section of a chapter page: its prose, its Rules (each linked back to the claims it
// checks), and every scenario with its result, its steps folded away and its pictures.
import {
  type Attachment,
  type Background,
  type Feature,
  type GherkinDocument,
  type PickleStepArgument,
  type Rule,
  type Scenario,
  type Step,
  TestStepResultStatus,
} from '@cucumber/messages';
import { type FeaturePlace, href, type Place, type Places, ruleNamed } from './places';
import { escapeHtml as esc, featureMentioned, prose } from './prose';
import type { Run, ScenarioRun, StepRun } from './run';

export interface FeatureContext {
  readonly places: Places;
  readonly run: Run;
  /** Writes an attachment once, as a file named by its content, and returns its path in the site. */
  readonly file: (a: Attachment) => string;
}

const STATUS_MARK: Readonly<Record<string, string>> = {
  PASSED: '✔',
  FAILED: '✘',
};

export const statusClass = (s: TestStepResultStatus): string => s.toLowerCase();

function mark(s: TestStepResultStatus): string {
  const word = s === TestStepResultStatus.PASSED ? 'passed' : s.toLowerCase();
  return `<span class="status ${statusClass(s)}" title="${word}">${STATUS_MARK[s] ?? '?'}<span class="sr"> ${word}</span></span>`;
}

function permalink(p: Place | undefined): string {
  return p ? `<a class="permalink" href="${href(p)}" aria-label="permalink">#</a>` : '';
}

const anchorOf = (p: Place | undefined): string => (p ? ` id="${p.anchor}"` : '');

/** A table cell: a feature file becomes its title, linked; a Rule named beside it, linked to the Rule. */
function cell(ctx: FeatureContext, header: readonly string[], row: readonly string[], i: number): string {
  const value = row[i] ?? '';
  const feature = /\.feature$/.test(value) ? featureMentioned(ctx.places.features, value) : undefined;
  if (feature) return `<a href="${href(feature)}">${esc(feature.title)}</a>`;
  const file = row[header.indexOf('feature')];
  const rule = header[i] === 'rule' && file !== undefined ? ruleNamed(ctx.places, file, value) : undefined;
  return rule ? `<a class="rule-link" href="${href(rule)}">${esc(value)}</a>` : esc(value);
}

/** A table; `marks`, when given, is a first column of each body row's result, and `ids` the rows' anchors. */
function table(
  ctx: FeatureContext,
  rows: readonly (readonly string[])[],
  marks?: readonly string[],
  ids?: readonly (Place | undefined)[],
): string {
  const [header = [], ...body] = rows;
  const head = `<tr>${marks ? '<th></th>' : ''}${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const lines = body.map(
    (row, r) =>
      `<tr${anchorOf(ids?.[r])}>${marks ? `<td>${marks[r] ?? ''}</td>` : ''}${row.map((_, i) => `<td>${cell(ctx, header, row, i)}</td>`).join('')}</tr>`,
  );
  return `<div class="table"><table><thead>${head}</thead><tbody>${lines.join('')}</tbody></table></div>`;
}

function argument(ctx: FeatureContext, arg: PickleStepArgument | undefined): string {
  if (arg?.docString) return `<pre class="docstring">${esc(arg.docString.content)}</pre>`;
  if (arg?.dataTable)
    return table(
      ctx,
      arg.dataTable.rows.map((r) => r.cells.map((c) => c.value)),
    );
  return '';
}

const isPicture = (a: Attachment): boolean => a.mediaType.startsWith('image/');

/** Output longer than this many lines is shown in part, with a link to the whole of it. */
export const SHOWN_LINES = 12;

function textAttachment(ctx: FeatureContext, a: Attachment): string {
  const lines = a.body.split('\n');
  if (lines.length <= SHOWN_LINES) return `<pre class="output">${esc(a.body)}</pre>`;
  const shown = lines.slice(0, SHOWN_LINES).join('\n');
  const whole = `<a class="whole" href="${ctx.file(a)}">the whole output, ${lines.length} lines</a>`;
  return `<pre class="output">${esc(shown)}\n…</pre><p class="more">${whole}</p>`;
}

function stepLine(ctx: FeatureContext, keywords: ReadonlyMap<string, string>, s: StepRun, background: boolean): string {
  const keyword = keywords.get(s.step.astNodeIds[0] ?? '') ?? '';
  const outputs = s.attachments.filter((a) => !isPicture(a)).map((a) => textAttachment(ctx, a));
  const error = s.message ? `<pre class="error">${esc(s.message)}</pre>` : '';
  return `<li class="step ${statusClass(s.status)}${background ? ' background' : ''}">${mark(s.status)} <span class="keyword">${esc(keyword.trim())}</span> ${esc(s.step.text)}${argument(ctx, s.step.argument)}${error}${outputs.join('')}</li>`;
}

/** Each picture a scenario's steps attached, once, as a lazy-loaded file. */
function pictures(ctx: FeatureContext, run: ScenarioRun): string {
  const seen = new Set<string>();
  const figures = [...run.steps.flatMap((s) => s.attachments), ...run.hookAttachments]
    .filter(isPicture)
    .flatMap((a) => {
      const src = ctx.file(a);
      if (seen.has(src)) return [];
      seen.add(src);
      const caption = (a.fileName ?? '').replace(/\.svg$/, '');
      return [
        `<figure><a href="${src}"><img loading="lazy" src="${src}" alt="${esc(caption)}"></a><figcaption>${esc(caption)}</figcaption></figure>`,
      ];
    });
  return figures.length ? `<div class="pictures">${figures.join('')}</div>` : '';
}

/** The steps of a run, folded away, then its pictures. */
function evidence(
  ctx: FeatureContext,
  keywords: ReadonlyMap<string, string>,
  run: ScenarioRun,
  own: Set<string>,
): string {
  const lines = run.steps.map((s) => stepLine(ctx, keywords, s, !own.has(s.step.astNodeIds[0] ?? '')));
  const failed = run.status !== TestStepResultStatus.PASSED;
  return `<details class="steps"${failed ? ' open' : ''}><summary>Steps (${run.steps.length})</summary><ol>${lines.join('')}</ol></details>${pictures(ctx, run)}`;
}

function description(ctx: FeatureContext, text: string | undefined): string {
  return text?.trim() ? `<div class="prose">${prose(text, ctx.places.features)}</div>` : '';
}

function worst(runs: readonly (ScenarioRun | undefined)[]): TestStepResultStatus {
  if (runs.some((r) => !r)) return TestStepResultStatus.UNKNOWN;
  const bad = runs.find((r) => r?.status !== TestStepResultStatus.PASSED);
  return bad?.status ?? TestStepResultStatus.PASSED;
}

function outline(ctx: FeatureContext, keywords: ReadonlyMap<string, string>, s: Scenario, own: Set<string>): string {
  const template = s.steps
    .map((st) => `<li class="step"><span class="keyword">${esc(st.keyword.trim())}</span> ${esc(st.text)}</li>`)
    .join('');
  const blocks = s.examples.map((ex) => {
    const header = ex.tableHeader?.cells.map((c) => c.value) ?? [];
    const runs = ex.tableBody.map((row) => ctx.run.byAstNode.get(row.id));
    const rows = ex.tableBody.map((row) => row.cells.map((c) => c.value));
    const marks = ex.tableBody.map((row, i) => {
      const place = ctx.places.nodes.get(row.id);
      const run = runs[i];
      return `<a href="${place ? href(place) : '#'}">${run ? mark(run.status) : mark(TestStepResultStatus.UNKNOWN)}</a>`;
    });
    // A row that attached nothing and passed is all in the table; the others show their evidence below it,
    // the first of them open.
    const shown = ex.tableBody.flatMap((row, i) => {
      const run = runs[i];
      const attached = run && [...run.steps.flatMap((st) => st.attachments), ...run.hookAttachments].length > 0;
      return run && (attached || run.status !== TestStepResultStatus.PASSED) ? [{ row, run }] : [];
    });
    const details = shown.map(({ row, run }, i) => {
      const values = row.cells.map((c) => c.value).join(' · ');
      const open = i === 0 || run.status !== TestStepResultStatus.PASSED ? ' open' : '';
      return `<details class="row"${open}><summary>${mark(run.status)} ${esc(values)}</summary>${evidence(ctx, keywords, run, own)}</details>`;
    });
    const ids = ex.tableBody.map((row) => ctx.places.nodes.get(row.id));
    const title = ex.name ? `${esc(ex.keyword)}: ${esc(ex.name)}` : esc(ex.keyword);
    return `<div class="examples"><h5>${title}</h5>${description(ctx, ex.description)}${table(ctx, [header, ...rows], marks, ids)}${details.join('')}</div>`;
  });
  return `<details class="steps"><summary>Steps (outline)</summary><ol>${template}</ol></details>${blocks.join('')}`;
}

function scenarioHtml(ctx: FeatureContext, keywords: ReadonlyMap<string, string>, s: Scenario): string {
  const place = ctx.places.nodes.get(s.id);
  const own = new Set(s.steps.map((st) => st.id));
  const rowRuns = s.examples.flatMap((e) => e.tableBody.map((row) => ctx.run.byAstNode.get(row.id)));
  const run = ctx.run.byAstNode.get(s.id);
  const status = s.examples.length ? worst(rowRuns) : worst([run]);
  const body = s.examples.length
    ? outline(ctx, keywords, s, own)
    : run
      ? evidence(ctx, keywords, run, own)
      : '<p class="not-run">Not run.</p>';
  return `<article class="scenario ${statusClass(status)}"${anchorOf(place)}><h4>${mark(status)} ${esc(s.name)} ${permalink(place)}</h4>${description(ctx, s.description)}${body}</article>`;
}

function backgroundHtml(b: Background | undefined): string {
  if (!b) return '';
  const steps = b.steps
    .map((st) => `<li class="step"><span class="keyword">${esc(st.keyword.trim())}</span> ${esc(st.text)}</li>`)
    .join('');
  return `<details class="background"><summary>Background: every scenario below starts with</summary><ol>${steps}</ol></details>`;
}

const samePlace = (a: Place, b: Place): boolean => a.page === b.page && a.anchor === b.anchor;

/** Under a Rule of the manual, the claims it checks; under a claim of the index, the Rules that check it. */
function claimsOf(ctx: FeatureContext, place: Place | undefined): string {
  if (!place) return '';
  const claims = ctx.places.claims.filter((c) => samePlace(c.rule, place));
  const rules = ctx.places.claims.filter((c) => samePlace(c.claim, place));
  const checks = claims.length
    ? `<p class="claims">Checks the claim: ${claims.map((l) => `<a class="claim-link" href="${href(l.claim)}">${esc(l.claim.title)}</a>`).join('; ')}</p>`
    : '';
  const checkedBy = rules.map(
    (l) =>
      `<li><a class="checked-by" href="${href(l.rule)}">${esc(l.rule.title)}</a> <span class="in">— ${esc(l.feature)}</span></li>`,
  );
  return `${checks}${checkedBy.length ? `<div class="checked"><p>Checked by:</p><ul>${checkedBy.join('')}</ul></div>` : ''}`;
}

function ruleHtml(ctx: FeatureContext, keywords: ReadonlyMap<string, string>, r: Rule): string {
  const place = ctx.places.nodes.get(r.id);
  const background = r.children.find((c) => c.background)?.background;
  const scenarios = r.children.flatMap((c) => (c.scenario ? [scenarioHtml(ctx, keywords, c.scenario)] : []));
  return `<section class="rule"${anchorOf(place)}><h3><span class="keyword">Rule:</span> ${esc(r.name)} ${permalink(place)}</h3>${description(ctx, r.description)}${claimsOf(ctx, place)}${backgroundHtml(background)}${scenarios.join('')}</section>`;
}

/** Every step of the feature by id, with its keyword (pickles keep the text, not the keyword). */
function stepKeywords(feature: Feature): Map<string, string> {
  const steps: Step[] = [];
  const visit = (children: readonly { background?: Background; scenario?: Scenario }[]): void => {
    for (const c of children) steps.push(...(c.background?.steps ?? []), ...(c.scenario?.steps ?? []));
  };
  visit(feature.children);
  for (const c of feature.children) if (c.rule) visit(c.rule.children);
  return new Map(steps.map((s) => [s.id, s.keyword]));
}

/** The runs of every scenario of the feature (each example row apart). */
export function featureRuns(run: Run, feature: Feature): (ScenarioRun | undefined)[] {
  const scenarios = [
    ...feature.children.flatMap((c) => (c.scenario ? [c.scenario] : [])),
    ...feature.children.flatMap((c) => c.rule?.children.flatMap((rc) => (rc.scenario ? [rc.scenario] : [])) ?? []),
  ];
  return scenarios.flatMap((s) =>
    s.examples.length
      ? s.examples.flatMap((e) => e.tableBody.map((row) => run.byAstNode.get(row.id)))
      : [run.byAstNode.get(s.id)],
  );
}

/** A count of scenarios and how they ended, in words. */
export function resultSummary(runs: readonly (ScenarioRun | undefined)[]): string {
  const passed = runs.filter((r) => r?.status === TestStepResultStatus.PASSED).length;
  const n = runs.length;
  const noun = `scenario${n === 1 ? '' : 's'}`;
  if (passed === n) return `${n} ${noun}, all passed`;
  return `${n} ${noun}: ${passed} passed, ${n - passed} failed or not run`;
}

export function featureHtml(ctx: FeatureContext, place: FeaturePlace, doc: GherkinDocument): string {
  const feature = doc.feature;
  if (!feature) return '';
  const keywords = stepKeywords(feature);
  const runs = featureRuns(ctx.run, feature);
  const background = feature.children.find((c) => c.background)?.background;
  const body = feature.children.flatMap((c) => {
    if (c.rule) return [ruleHtml(ctx, keywords, c.rule)];
    if (c.scenario) return [scenarioHtml(ctx, keywords, c.scenario)];
    return [];
  });
  return `<section class="feature" id="${place.anchor}"><h2>${mark(worst(runs))} ${esc(feature.name)} ${permalink(place)}</h2><p class="summary">${resultSummary(runs)}</p>${description(ctx, feature.description)}${backgroundHtml(background)}${body.join('')}</section>`;
}
