import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ModelError } from '../../src/errors';
import { POLICIES, policyNamed } from '../../src/hotplug/policy';
import { property } from '../support/property';

describe('policyNamed: a policy by its key, only the model’s own keys', () => {
  it.each(Object.keys(POLICIES))('%s is the policy of that name', (name) => {
    expect(policyNamed(name)).toBe(POLICIES[name]);
    expect(policyNamed(name).name).toBe(name);
  });

  property([
    fc.oneof(
      fc.string(),
      fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'V5.7', 'v5.7 ', 'x86 '),
    ),
  ])('anything else is refused, naming the value and listing the known policies', (name) => {
    fc.pre(!Object.hasOwn(POLICIES, name));
    let error: ModelError | undefined;
    try {
      policyNamed(name);
    } catch (e) {
      error = e as ModelError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.rule).toBe('the table-freeing policy must be one the model knows');
    expect(error?.values).toEqual({ policy: name });
    expect(error?.detail).toBe('known: v5.7, range, empty-only, v7, x86, never');
  });
});
