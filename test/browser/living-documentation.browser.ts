import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from './chromium';
import { isHotRemove, type ReportScenario, reportScenarios } from './report-messages';
import { type ReportCensus, ReportPage } from './report-page';

// The living documentation as a reader gets it: `npm run docs` wrote reports/living-documentation.html;
// Chromium opens it, every feature must be there under its name and every picture must render.

const REPORT = 'reports/living-documentation.html';
const SCREENSHOT = 'reports/living-documentation.png';
const PICTURE_SCREENSHOT = 'reports/living-documentation-picture.png';

/** Every feature file under features/, with the name on its `Feature:` line. */
function featureFiles(dir = 'features'): { uri: string; name: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return featureFiles(path);
    if (!entry.name.endsWith('.feature')) return [];
    const name = /^\s*Feature:\s*(.+?)\s*$/m.exec(readFileSync(path, 'utf8'))?.[1] ?? '';
    return [{ uri: relative('.', path), name }];
  });
}

describe(`${REPORT} in Chromium`, () => {
  let chromium: Chromium;
  let census: ReportCensus;
  let scenarios: ReportScenario[];

  beforeAll(async () => {
    if (!existsSync(REPORT)) throw new Error(`${REPORT} is missing: run npm run docs first`);
    scenarios = reportScenarios(REPORT);
    chromium = await launchChromium({ width: 1280, height: 1000 });
    const report = new ReportPage(chromium.context.pages()[0] ?? (await chromium.context.newPage()));
    await report.open(pathToFileURL(resolve(REPORT)).href);
    await report.screenshotTop(SCREENSHOT);
    const removal = scenarios.find((s) => s.uri.startsWith('features/hot-remove/') && isHotRemove(s) && s.pictures > 0);
    if (removal) await report.screenshotScenario(removal.uri, removal.headingId, PICTURE_SCREENSHOT);
    census = await report.census();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('shows every feature under features/, under the name on its Feature: line', () => {
    const files = featureFiles().map((f) => `${f.uri}: ${f.name}`);
    const shown = census.features.map((f) => `${f.uri}: ${f.name}`);
    expect(files.filter((f) => !shown.includes(f))).toEqual([]);
    expect(shown.length).toBe(files.length);
  });

  it('renders every attached picture, at a non-zero size', () => {
    expect(census.pictures.length).toBe(scenarios.reduce((n, s) => n + s.pictures, 0));
    const blank = census.pictures.filter(
      (p) => !(p.width > 0 && p.height > 0 && p.naturalWidth > 0 && p.naturalHeight > 0),
    );
    expect(blank).toEqual([]);
  });

  it('displays every attachment (no "Couldn\'t display")', () => {
    expect(census.undisplayed).toEqual([]);
  });

  it('shows at least one picture in every hot-remove scenario', () => {
    const removals = scenarios.filter(isHotRemove);
    expect(removals.length).toBeGreaterThan(0);
    const shown = new Set(census.pictures.map((p) => p.headingId));
    const without = removals.filter((s) => !shown.has(s.headingId)).map((s) => `${s.uri}: ${s.name}`);
    expect(without).toEqual([]);
  });
});
