/**
 * Typed errors. Every error names the rule it enforces and the values that broke it, and is thrown
 * before the model changes anything: a caller that catches one finds the state exactly as it was.
 */
export type ErrorValues = Readonly<Record<string, string | number | boolean>>;

export class ModelError extends Error {
  constructor(
    readonly rule: string,
    readonly values: ErrorValues,
    detail?: string,
  ) {
    const shown = Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    super(`${rule}${detail ? `: ${detail}` : ''}${shown ? ` (${shown})` : ''}`);
    this.name = new.target.name;
  }
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
