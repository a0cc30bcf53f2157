// The ML surface other modules (CLI, server, demo) use: cluster and map the catalogue, read the map and
// clusters back, and a user's mood tags.
export { clusterCatalogue, CLUSTER_DEFAULTS, type ClusterOptions } from './cluster.js';
export { readTrackMap, readClusters, MapNotComputedError, type TrackMapRow, type ClusterSummary, type ClusterInfo } from './files.js';
export { MOODS, DEFAULT_MOOD_OPTIONS, moodOptions, deriveMood, trackMood, type MoodThresholds, type UserMood } from './moods.js';
export { userMoodTags } from '../recs/index.js';
