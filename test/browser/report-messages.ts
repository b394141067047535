import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

// What the cucumber HTML report holds, read from the messages it embeds (window.CUCUMBER_MESSAGES).

interface Envelope {
  pickle?: { id: string; uri: string; name: string; astNodeIds: string[]; steps: { text: string; type?: string }[] };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  attachment?: { testCaseStartedId?: string; mediaType: string };
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
}

/** The report script escapes `<` as `\x3C`, which JSON does not allow: run it as the script it is. */
function readEnvelopes(reportPath: string): Envelope[] {
  const script = readFileSync(reportPath, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('window.CUCUMBER_MESSAGES = '));
  if (!script) throw new Error(`${reportPath} holds no cucumber messages`);
  const sandbox: { window: { CUCUMBER_MESSAGES?: Envelope[] } } = { window: {} };
  runInNewContext(script, sandbox);
  return sandbox.window.CUCUMBER_MESSAGES ?? [];
}

export function reportScenarios(reportPath: string): ReportScenario[] {
  const envelopes = readEnvelopes(reportPath);
  const pickleOfCase = new Map(envelopes.flatMap((e) => (e.testCase ? [[e.testCase.id, e.testCase.pickleId]] : [])));
  const pickleOfStart = new Map(
    envelopes.flatMap((e) =>
      e.testCaseStarted ? [[e.testCaseStarted.id, pickleOfCase.get(e.testCaseStarted.testCaseId)]] : [],
    ),
  );
  const pictures = new Map<string | undefined, number>();
  for (const { attachment: a } of envelopes) {
    if (a?.mediaType !== 'image/svg+xml') continue;
    const pickle = pickleOfStart.get(a.testCaseStartedId ?? '');
    pictures.set(pickle, (pictures.get(pickle) ?? 0) + 1);
  }
  return envelopes.flatMap(({ pickle: p }) =>
    p
      ? [
          {
            uri: p.uri,
            name: p.name,
            headingId: p.astNodeIds.at(-1) ?? p.id,
            steps: p.steps,
            pictures: pictures.get(p.id) ?? 0,
          },
        ]
      : [],
  );
}
