/** Seconds since a `process.hrtime.bigint()` reading. */
export const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;
