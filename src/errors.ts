/**
 * Typed errors. Every error names the rule it enforces and the values that broke it, and is thrown
 * before the model changes anything: a caller that catches one finds the state exactly as it was.
 */
export type ErrorValues = Readonly<Record<string, string | number | boolean>>;

export class ModelError extends Error {
  constructor(
    readonly rule: string,
    readonly values: ErrorValues,
    readonly detail?: string,
  ) {
    const shown = Object.entries(values)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? shownText(v) : v}`)
      .join(', ');
    super(`${rule}${detail ? `: ${detail}` : ''}${shown ? ` (${shown})` : ''}`);
    this.name = new.target.name;
  }

  /** The same refusal, naming the command-line option whose value broke the rule (`--size: …`). */
  forOption(option: string): ModelError {
    const Refusal = this.constructor as new (rule: string, values: ErrorValues, detail?: string) => ModelError;
    return new Refusal(`${option}: ${this.rule}`, this.values, this.detail);
  }
}

/** Longest text a message repeats from its input, in characters after escaping. */
export const SHOWN_TEXT = 40;

/**
 * A value as a one-line message shows it: control characters (a newline, a terminal escape) written
 * as escapes, and anything past SHOWN_TEXT characters cut, with the length it had.
 */
export function shownText(text: string): string {
  const chars = [...text];
  let out = '';
  for (const ch of chars) {
    if (out.length >= SHOWN_TEXT) return `${out}… (${chars.length} characters)`;
    out += escaped(ch);
  }
  return out;
}

/** Characters a terminal acts on rather than shows: controls, line separators, bidirectional overrides. */
const CONTROL = /[\p{Cc}\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(ch: string): string {
  const named = Object.hasOwn(NAMED, ch) ? NAMED[ch] : undefined;
  if (named !== undefined) return named;
  if (!CONTROL.test(ch)) return ch;
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** An unsupported or malformed configuration such as `8K/48`. */
export class ConfigError extends ModelError {}

/** An address outside the TTBR1 half, outside a region, or not aligned as the rule requires. */
export class AddressError extends ModelError {}

/** A range that is empty, unaligned, overlapping, or outside the region a builder serves. */
export class RangeRuleError extends ModelError {}

/** What the kernel would BUG() on while building a mapping (a live leaf replaced, a block where a table is needed). */
export class MappingConflictError extends ModelError {}

/** A WARN_ON of the hot-remove path: the kernel warns and returns without changing the tables. */
export class KernelWarning extends ModelError {}

/** The page allocator (or an altmap) has no page to give. */
export class OutOfMemoryError extends ModelError {}

/** Memory hotplug refused the request (boot memory, overlap, mappable range). */
export class HotplugError extends ModelError {}

/** The manual's sources disagree: a feature in no chapter or in two, a chapter naming a missing file. */
export class ManualError extends ModelError {}
