// The reading order of the manual: one ordering file (features/chapters.json, Relish's `.nav` idea)
// lists the chapters and the feature files of each, in the order a newcomer reads them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ManualError } from '../../errors';

export const CHAPTERS_PATH = 'features/chapters.json';

export interface Chapter {
  readonly id: string;
  readonly title: string;
  /** Markdown: what the chapter is about, shown above its features. */
  readonly intro: string;
  /** Feature files relative to features/, in reading order. */
  readonly features: readonly string[];
}

export function parseChapters(json: string): Chapter[] {
  const chapters = (JSON.parse(json) as { chapters: Chapter[] }).chapters;
  const ids = new Set<string>();
  for (const c of chapters) {
    if (!/^[a-z0-9-]+$/.test(c.id) || ids.has(c.id)) {
      throw new ManualError(`${CHAPTERS_PATH}: chapter ids are unique lowercase slugs`, { id: c.id });
    }
    ids.add(c.id);
  }
  return chapters;
}

/** Every .feature file under `dir`, relative to it, sorted. */
export function featureFilesUnder(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const path = join(d, e.name);
      if (e.isDirectory()) return walk(path);
      return e.name.endsWith('.feature') ? [relative(dir, path)] : [];
    });
  return walk(dir).sort();
}

/**
 * The chapters that have features, checked against the feature files: each file in exactly one
 * chapter, and no chapter naming a file that is not there.
 */
export function checkedChapters(chapters: readonly Chapter[], files: readonly string[]): Chapter[] {
  const placed = chapters.flatMap((c) => c.features);
  const twice = placed.filter((f, i) => placed.indexOf(f) !== i);
  const missing = placed.filter((f) => !files.includes(f));
  const unplaced = files.filter((f) => !placed.includes(f));
  const problems = Object.entries({ 'in two chapters': twice, 'no such file': missing, 'in no chapter': unplaced })
    .filter(([, list]) => list.length > 0)
    .map(([what, list]) => `${what}: ${list.join(', ')}`);
  if (problems.length) {
    const rule = `${CHAPTERS_PATH}: every feature file in exactly one chapter`;
    throw new ManualError(rule, { files: files.length }, problems.join('; '));
  }
  return chapters.filter((c) => c.features.length > 0);
}

/** The chapters of the manual in reading order, read from features/chapters.json and checked. */
export function loadChapters(featuresDir = 'features'): Chapter[] {
  const chapters = parseChapters(readFileSync(join(featuresDir, 'chapters.json'), 'utf8'));
  return checkedChapters(chapters, featureFilesUnder(featuresDir));
}
