export * from './load-config'
export * from './auth-config'
