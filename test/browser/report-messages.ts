import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

// What a run of the features attached to which scenario: read from the message stream
// (reports/messages.ndjson) or from the messages the cucumber HTML report embeds (window.CUCUMBER_MESSAGES).

interface Envelope {
  pickle?: { id: string; uri: string; name: string; astNodeIds: string[]; steps: { text: string; type?: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  attachment?: { testCaseStartedId?: string; mediaType: string; body: string; contentEncoding?: string };
}

/** One scenario as run: an example row of an outline is a scenario of its own. */
export interface ReportScenario {
  readonly uri: string;
  readonly name: string;
  /** The id of the scenario's (or example row's) heading in the rendered report. */
  readonly headingId: string;
  readonly steps: readonly { text: string; type?: string }[];
  /** SVG attachments (the pictures) of its steps. */
  readonly pictures: number;
  /** Each picture by its contents, as a content address: the first 16 hex digits of its bytes' SHA-1. */
  readonly pictureDigests: readonly string[];
}

/** A scenario that hot-removes memory (a section, a linear-map range or vmemmap), as its steps say. */
const REMOVES = /\bis hot-removed\b|\bis torn down\b|^the vmemmap .* is freed\b/;
const REFUSED = /\bis refused\b/;

export function isHotRemove(s: ReportScenario): boolean {
  return s.steps.some((st) => REMOVES.test(st.text)) && !s.steps.some((st) => REFUSED.test(st.text));
}

/** The report script escapes `<` as `\x3C`, which JSON does not allow: run it as the script it is. */
function reportEnvelopes(reportPath: string): Envelope[] {
  const script = readFileSync(reportPath, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('window.CUCUMBER_MESSAGES = '));
  if (!script) throw new Error(`${reportPath} holds no cucumber messages`);
  const sandbox: { window: { CUCUMBER_MESSAGES?: Envelope[] } } = { window: {} };
  runInNewContext(script, sandbox);
  return sandbox.window.CUCUMBER_MESSAGES ?? [];
}

/** The scenarios of the cucumber HTML report. */
export function reportScenarios(reportPath: string): ReportScenario[] {
  return scenarios(reportEnvelopes(reportPath));
}

/** The scenarios of a message stream, one envelope per line. */
export function streamScenarios(ndjsonPath: string): ReportScenario[] {
  const lines = readFileSync(ndjsonPath, 'utf8').split('\n');
  return scenarios(lines.filter((line) => line.trim()).map((line) => JSON.parse(line) as Envelope));
}

function scenarios(envelopes: Envelope[]): ReportScenario[] {
  const pickleOfCase = new Map(envelopes.flatMap((e) => (e.testCase ? [[e.testCase.id, e.testCase.pickleId]] : [])));
  const pickleOfStart = new Map(
    envelopes.flatMap((e) =>
      e.testCaseStarted ? [[e.testCaseStarted.id, pickleOfCase.get(e.testCaseStarted.testCaseId)]] : [],
    ),
  );
  const pictures = new Map<string | undefined, string[]>();
  for (const { attachment: a } of envelopes) {
    if (a?.mediaType !== 'image/svg+xml') continue;
    const pickle = pickleOfStart.get(a.testCaseStartedId ?? '');
    const bytes = Buffer.from(a.body, a.contentEncoding === 'BASE64' ? 'base64' : 'utf8');
    pictures.set(pickle, [
      ...(pictures.get(pickle) ?? []),
      createHash('sha1').update(bytes).digest('hex').slice(0, 16),
    ]);
  }
  return envelopes.flatMap(({ pickle: p }) =>
    p
      ? [
          {
            uri: p.uri,
            name: p.name,
            headingId: p.astNodeIds.at(-1) ?? p.id,
            steps: p.steps,
            pictures: pictures.get(p.id)?.length ?? 0,
            pictureDigests: pictures.get(p.id) ?? [],
          },
        ]
      : [],
  );
}
