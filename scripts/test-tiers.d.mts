/** 'slow' or 'fast' for a test file (see test-tiers.mjs). */
export function tierOf(file: string, testDir?: string): 'slow' | 'fast';
