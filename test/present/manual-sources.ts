// Gherkin sources and a made-up run of them, as the message stream of `cucumber-js --format message`
// would carry it, for the manual's unit tests.
import { generateMessages } from '@cucumber/gherkin';
import { type Envelope, IdGenerator, type SourceMediaType, TestStepResultStatus } from '@cucumber/messages';
import { readFeatureFiles } from '../../src/cli/glossary';

const TIME = { seconds: 0, nanos: 0 };

/** What a made-up run does with one step: its status, and what it attaches. */
export interface StepOutcome {
  readonly status?: TestStepResultStatus;
  readonly attach?: readonly { body: string; mediaType: string; fileName?: string }[];
}

/**
 * The envelopes of a run of the sources (uri → Gherkin text): every step passes unless `outcome`
 * (called with the pickle's name and the step's text) says otherwise. A hook step before each
 * scenario attaches `hookText` when given.
 */
export function madeUpRun(
  sources: Readonly<Record<string, string>>,
  outcome: (scenario: string, step: string) => StepOutcome = () => ({}),
  hookText?: string,
): Envelope[] {
  const newId = IdGenerator.incrementing();
  const out: Envelope[] = [];
  for (const [uri, text] of Object.entries(sources)) {
    const parsed = generateMessages(text, uri, 'text/x.cucumber.gherkin+plain' as SourceMediaType, {
      includeSource: false,
      includeGherkinDocument: true,
      includePickles: true,
      newId,
    });
    out.push(...parsed);
  }
  for (const pickle of out.flatMap((e) => (e.pickle ? [e.pickle] : []))) {
    const hook = `hook-${pickle.id}`;
    // Each number in a step's text is matched as an {int}, as cucumber would report it.
    const ints = (text: string) => [
      {
        stepMatchArguments: [...text.matchAll(/\d+/g)].map((m) => ({
          group: { value: m[0], start: m.index, children: [] },
          parameterTypeName: 'int',
        })),
      },
    ];
    const testSteps = [
      { id: hook, hookId: 'h' },
      ...pickle.steps.map((s) => ({ id: `ts-${s.id}`, pickleStepId: s.id, stepMatchArgumentsLists: ints(s.text) })),
    ];
    const testCaseStartedId = `started-${pickle.id}`;
    out.push(
      { testCase: { id: `case-${pickle.id}`, pickleId: pickle.id, testSteps, testRunStartedId: 'run' } },
      { testCaseStarted: { id: testCaseStartedId, testCaseId: `case-${pickle.id}`, attempt: 0, timestamp: TIME } },
    );
    const finished = (testStepId: string, status: TestStepResultStatus): Envelope => ({
      testStepFinished: {
        testCaseStartedId,
        testStepId,
        timestamp: TIME,
        testStepResult: { status, duration: TIME, message: status === 'FAILED' ? 'expected 1, got 2' : undefined },
      },
    });
    if (hookText) {
      out.push({
        attachment: {
          body: hookText,
          contentEncoding: 'IDENTITY',
          mediaType: 'text/plain',
          testCaseStartedId,
          testStepId: hook,
        },
      } as Envelope);
    }
    out.push(finished(hook, TestStepResultStatus.PASSED));
    for (const s of pickle.steps) {
      const o = outcome(pickle.name, s.text);
      for (const a of o.attach ?? []) {
        const base64 = a.mediaType.startsWith('image/');
        out.push({
          attachment: {
            body: base64 ? Buffer.from(a.body).toString('base64') : a.body,
            contentEncoding: base64 ? 'BASE64' : 'IDENTITY',
            mediaType: a.mediaType,
            fileName: a.fileName,
            testCaseStartedId,
            testStepId: `ts-${s.id}`,
          },
        } as Envelope);
      }
      out.push(finished(`ts-${s.id}`, o.status ?? TestStepResultStatus.PASSED));
    }
  }
  return out;
}

/** The manual's own feature files, keyed by uri. */
export function realSources(): Record<string, string> {
  return Object.fromEntries(readFeatureFiles('.').map((f) => [f.path, f.text]));
}
