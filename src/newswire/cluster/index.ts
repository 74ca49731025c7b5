// The story clusterer of the newswire (issue 12): see clusterer.ts and docs/decisions/0042-clustering.md.
export { StoryClusterer, clusterItems, defaultClusterOptions, headlineSpin, streamOrder } from './clusterer.ts';
export type { Assignment, AutoSplit, ClusterOptions, Constraint, StoryView, WireItem } from './clusterer.ts';
export { scoreClustering } from './metrics.ts';
export type { ClusteringScores, PRF } from './metrics.ts';
export { parseItemLine, ItemLineError } from './items.ts';
