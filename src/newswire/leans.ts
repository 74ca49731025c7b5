// An outlet's lean (issue #11): our values, and the usual ways of writing them. A module of its own
// so that the stories (which count outlets by lean group) need not import the outlet registry, which
// recounts stories when an outlet changes.
export const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated'] as const;
export type Lean = (typeof LEANS)[number];

/** A lean as our values, from ours or from the usual ways of writing them ("Lean Left", "centre"). */
export function parseLean(raw: string | null | undefined): Lean | null {
  if (raw === null || raw === undefined) return null;
  const s = raw.trim().toLowerCase().replace(/[\s_]+/g, '-').replace('centre', 'center');
  if (!s) return null;
  if ((LEANS as readonly string[]).includes(s)) return s as Lean;
  const aliases: Record<string, Lean> = { 'left-leaning': 'lean-left', 'right-leaning': 'lean-right', 'centre-left': 'lean-left', 'center-left': 'lean-left', 'center-right': 'lean-right', 'not-rated': 'unrated', none: 'unrated', unknown: 'unrated', mixed: 'mixed' };
  return aliases[s] ?? null;
}
