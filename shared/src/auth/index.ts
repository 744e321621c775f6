export * from './scopes'
export * from './auth-plugin'
export * from './token-signer'
