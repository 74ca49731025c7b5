// Clustering quality as story-clustering papers report it: B-cubed precision, recall and F1 averaged
// over items (Bagga & Baldwin 1998; Amigó et al. 2009), and pairwise precision, recall and F1 over all
// pairs of items. Both compare a predicted story per item with a true one.

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClusteringScores {
  items: number;
  trueStories: number;
  predictedStories: number;
  bcubed: PRF;
  pairwise: PRF;
}

const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/** Scores predicted against true labels for the same items (keys of `truth`; every one must be predicted). */
export function scoreClustering(truth: Map<string, string | number>, predicted: Map<string, string | number>): ClusteringScores {
  const predIndex = new Map<string | number, number>();
  const trueIndex = new Map<string | number, number>();
  const predSize: number[] = [];
  const trueSize: number[] = [];
  const cell = new Map<number, number>(); // pred * 2^26 + true -> items
  for (const [id, t] of truth) {
    const p = predicted.get(id);
    if (p === undefined) throw new Error(`no prediction for item "${id}"`);
    let pi = predIndex.get(p);
    if (pi === undefined) predIndex.set(p, (pi = predSize.push(0) - 1));
    let ti = trueIndex.get(t);
    if (ti === undefined) trueIndex.set(t, (ti = trueSize.push(0) - 1));
    predSize[pi]!++;
    trueSize[ti]!++;
    const key = pi * 67_108_864 + ti;
    cell.set(key, (cell.get(key) ?? 0) + 1);
  }
  const n = truth.size;
  // B-cubed: an item's precision is the share of its predicted story that truly belongs with it, its
  // recall the share of its true story that was put with it; both averaged over items.
  let bp = 0;
  let br = 0;
  let tp = 0;
  for (const [key, c] of cell) {
    const pi = Math.floor(key / 67_108_864);
    const ti = key % 67_108_864;
    bp += (c * c) / predSize[pi]!;
    br += (c * c) / trueSize[ti]!;
    tp += (c * (c - 1)) / 2;
  }
  let predPairs = 0;
  for (const s of predSize) predPairs += (s * (s - 1)) / 2;
  let truePairs = 0;
  for (const s of trueSize) truePairs += (s * (s - 1)) / 2;
  const P = n ? bp / n : 1;
  const R = n ? br / n : 1;
  const pp = predPairs ? tp / predPairs : 1;
  const pr = truePairs ? tp / truePairs : 1;
  return {
    items: n,
    trueStories: trueSize.length,
    predictedStories: predSize.length,
    bcubed: { precision: P, recall: R, f1: f1(P, R) },
    pairwise: { precision: pp, recall: pr, f1: f1(pp, pr) },
  };
}
