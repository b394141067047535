// `npm run docs`, after cucumber: the manual (reports/manual/) from the run's message stream
// (reports/messages.ndjson) and the Gherkin it carries, in the order of features/chapters.json.
// Prints the pages written, the largest page and the site's size; exits 1 over budget.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadChapters } from '../present/manual/chapters';
import { parseTerms, TERMS_PATH } from '../present/manual/glossary';
import { placesOf } from '../present/manual/places';
import { parseMessages, readRun } from '../present/manual/run';
import { writeManual } from '../present/manual/site';
import { siteWeight, weightReport } from '../present/manual/weight';
import { EXIT } from './command';
import { GLOSSARY_PATH } from './glossary';

export const MESSAGES_PATH = 'reports/messages.ndjson';
export const MANUAL_DIR = 'reports/manual';

function main(): number {
  const began = performance.now();
  const run = readRun(parseMessages(readFileSync(MESSAGES_PATH, 'utf8')));
  const chapters = loadChapters();
  const places = placesOf(chapters, run.documents);
  const terms = parseTerms(readFileSync(TERMS_PATH, 'utf8'));
  const stepGlossary = readFileSync(GLOSSARY_PATH, 'utf8');
  const pages = writeManual(MANUAL_DIR, { chapters, places, run, terms, stepGlossary });
  const { lines, problems } = weightReport(siteWeight(MANUAL_DIR));
  const took = ((performance.now() - began) / 1000).toFixed(1);
  process.stdout.write(`manual: ${MANUAL_DIR}/index.html, ${pages.length} pages in ${took} s\n`);
  for (const line of lines) process.stdout.write(`manual: ${line}\n`);
  for (const line of [...places.unresolved, ...problems]) process.stderr.write(`manual: ${line}\n`);
  return problems.length || places.unresolved.length ? EXIT.violation : EXIT.ok;
}

process.exitCode = main();
