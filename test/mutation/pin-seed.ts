import { fc } from '@fast-check/vitest';

// Mutation runs only: the same examples in every run, so a mutant's verdict is repeatable.
fc.configureGlobal({ seed: 20200607 });
