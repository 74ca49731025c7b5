// The leans an outlet can be rated with (issue #11). Its own module so that the stories' code can name
// the type without importing the outlet registry, which recounts stories when an outlet changes.
export const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated'] as const;
export type Lean = (typeof LEANS)[number];
