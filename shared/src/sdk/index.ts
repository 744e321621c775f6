export {
  createFeatureStoreClient,
  FEATURES_API_PREFIX,
  type CallOptions,
  type CatalogFilter,
  type DqParams,
  type FeatureStoreClient,
  type FeatureStoreClientOptions,
  type LatestOptions,
  type PublishOptions,
  type QueryInput,
} from './client'
export {
  FeatureStoreError,
  FeatureStoreNetworkError,
  FeatureStoreTimeoutError,
  isFeatureStoreError,
  type FeatureStoreErrorInit,
} from './errors'
export type {
  DqReport,
  ErrorBody,
  FeatureQueryResult,
  FeatureSpec,
  LatestPoint,
  PublishPoint,
  PublishResult,
} from '../contracts/index'
