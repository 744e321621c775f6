/**
 * Node options the worker process is started with (NODE_OPTIONS, by `npm start` and the bench).
 * The export allocates a few hundred bytes of short-lived garbage per row (postgres.js decodes
 * each row into fresh strings and arrays); at that rate V8 grows its young generation to ~130 MB,
 * which nothing needs: capped at 8 MB semi-spaces the peak RSS of a 1,000,000-row window drops
 * by ~100 MB for the same speed.
 */
export const EXPORT_WORKER_NODE_OPTIONS = '--max-semi-space-size=8'
