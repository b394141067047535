/** The error an operation that must be refused throws; fails the test if it returns normally. */
export function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the operation to be refused');
}
