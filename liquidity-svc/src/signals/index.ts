// The method alone, without HTTP: what the bench times.
export { dataWindow, evaluateInstants } from './evaluate'
export { toSeries } from './series'
export type { EvaluationData } from './types'
