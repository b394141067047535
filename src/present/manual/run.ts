// A cucumber run read back from its message stream (`--format message:…`): the Gherkin documents, and
// for each scenario or example row that ran, its status and what its steps attached.
import {
  type Attachment,
  type Envelope,
  type GherkinDocument,
  getWorstTestStepResult,
  type Pickle,
  type PickleStep,
  type StepMatchArgumentsList,
  type TestStepResult,
  TestStepResultStatus,
} from '@cucumber/messages';

/** One step of a scenario as it ran. */
export interface StepRun {
  readonly step: PickleStep;
  readonly status: TestStepResultStatus;
  readonly message?: string;
  readonly attachments: readonly Attachment[];
}

/** One scenario, or one example row of an outline, as it ran. */
export interface ScenarioRun {
  readonly pickle: Pickle;
  readonly status: TestStepResultStatus;
  readonly steps: readonly StepRun[];
  /** Attachments of hooks, which belong to no step. */
  readonly hookAttachments: readonly Attachment[];
}

export interface Run {
  /** Every Gherkin document the run parsed, by uri (`features/…`). */
  readonly documents: ReadonlyMap<string, GherkinDocument>;
  /** What ran, by the id of the scenario (or of the example row) it came from. */
  readonly byAstNode: ReadonlyMap<string, ScenarioRun>;
  /** Each parameter type, by name, with the phrases the features passed for it, as cucumber matched them. */
  readonly phrases: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The envelopes of a message stream, as the plain objects cucumber wrote one per line. Not through
 * parseEnvelope: its class instances hold the same fields and cost a quarter of a second more of the
 * manual's 1.8 s (the manual it writes is byte for byte the same).
 */
export function parseMessages(ndjson: string): Envelope[] {
  return ndjson
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);
}

/** Groups the envelopes of one run by scenario; a scenario that never started has no entry. */
export function readRun(envelopes: readonly Envelope[]): Run {
  const documents = new Map<string, GherkinDocument>();
  const pickles = new Map<string, Pickle>();
  const cases = new Map<string, { pickleId: string; stepOf: Map<string, string | undefined> }>();
  const started = new Map<string, string>();
  const results = new Map<string, Map<string, TestStepResult>>();
  const attached = new Map<string, Attachment[]>();
  const phrases = new Map<string, Set<string>>();
  for (const e of envelopes) {
    if (e.gherkinDocument?.uri) documents.set(e.gherkinDocument.uri, e.gherkinDocument);
    if (e.pickle) pickles.set(e.pickle.id, e.pickle);
    if (e.testCase) {
      for (const step of e.testCase.testSteps) collectPhrases(step.stepMatchArgumentsLists, phrases);
      const stepOf = new Map(e.testCase.testSteps.map((s) => [s.id, s.pickleStepId]));
      cases.set(e.testCase.id, { pickleId: e.testCase.pickleId, stepOf });
    }
    if (e.testCaseStarted) started.set(e.testCaseStarted.id, e.testCaseStarted.testCaseId);
    if (e.testStepFinished) {
      const { testCaseStartedId, testStepId, testStepResult } = e.testStepFinished;
      const byStep = results.get(testCaseStartedId) ?? new Map<string, TestStepResult>();
      byStep.set(testStepId, testStepResult);
      results.set(testCaseStartedId, byStep);
    }
    if (e.attachment?.testCaseStartedId) {
      const list = attached.get(e.attachment.testCaseStartedId) ?? [];
      list.push(e.attachment);
      attached.set(e.attachment.testCaseStartedId, list);
    }
  }
  const byAstNode = new Map<string, ScenarioRun>();
  for (const [startedId, caseId] of started) {
    const testCase = cases.get(caseId);
    const pickle = testCase && pickles.get(testCase.pickleId);
    if (!testCase || !pickle) continue;
    const stepResults = results.get(startedId) ?? new Map<string, TestStepResult>();
    const stepOfPickleStep = new Map([...testCase.stepOf].map(([testStep, pickleStep]) => [pickleStep, testStep]));
    const attachments = attached.get(startedId) ?? [];
    const steps = pickle.steps.map((step) => {
      const testStep = stepOfPickleStep.get(step.id);
      const result = testStep ? stepResults.get(testStep) : undefined;
      return {
        step,
        status: result?.status ?? TestStepResultStatus.UNKNOWN,
        message: result?.message,
        attachments: attachments.filter((a) => a.testStepId === testStep),
      };
    });
    const hookAttachments = attachments.filter((a) => !a.testStepId || !testCase.stepOf.get(a.testStepId));
    const status = getWorstTestStepResult([...stepResults.values()]).status;
    byAstNode.set(pickle.astNodeIds.at(-1) ?? pickle.id, { pickle, status, steps, hookAttachments });
  }
  return { documents, byAstNode, phrases };
}

/** The value of each argument of an unambiguous step match, under its parameter type's name. */
function collectPhrases(lists: readonly StepMatchArgumentsList[] | undefined, into: Map<string, Set<string>>): void {
  if (lists?.length !== 1) return;
  for (const arg of lists[0]?.stepMatchArguments ?? []) {
    const { parameterTypeName: name } = arg;
    const value = arg.group.value;
    if (name === undefined || value === undefined) continue;
    const set = into.get(name) ?? new Set<string>();
    set.add(value);
    into.set(name, set);
  }
}

/** The body of an attachment as bytes (pictures are attached base64-encoded, text as is). */
export function attachmentBytes(a: Attachment): Buffer {
  return Buffer.from(a.body, a.contentEncoding === 'BASE64' ? 'base64' : 'utf8');
}
