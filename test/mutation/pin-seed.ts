import * as fc from 'fast-check';

// Mutation runs only: the same examples in every run, so a mutant's verdict is repeatable; and no
// shrinking — a mutant is killed by the first failing example, and shrinking a long sequence of
// operations took longer than Stryker's timeout.
fc.configureGlobal({ seed: 20200607, endOnFailure: true });
