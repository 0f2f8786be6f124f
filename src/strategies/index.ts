// Which connection strategy checks a login's secret (password or code), and which connections can't.
import { oauthError } from '../errors.js'
import type { PasswordHasher } from '../security/password-hasher.js'
import type { Connection, UserStore } from '../store/port.js'
import { customDatabaseStrategy } from './custom-database.js'
import { databaseStrategy } from './database.js'
import type { SecretStrategy } from './types.js'

/** Every strategy a connection may be created with. Only some can log in with a password. */
export const STRATEGIES = [
  'database', 'custom-database', 'sms', 'email',
  'google-oauth2', 'github', 'facebook', 'apple', 'windowslive', 'linkedin', 'twitter', 'samlp', 'oidc', 'waad',
] as const

export interface SecretStrategies {
  /** The strategy for this connection; throws the documented error when it has none. */
  forConnection (connection: Connection): SecretStrategy
}

export function createSecretStrategies (deps: {
  hasher: PasswordHasher, users: UserStore, customDatabaseTimeoutMs: number, passwordless: SecretStrategy
}): SecretStrategies {
  const database = databaseStrategy(deps.hasher)
  const customDatabase = customDatabaseStrategy(deps.users, deps.customDatabaseTimeoutMs)
  return {
    forConnection (connection) {
      switch (connection.strategy) {
        case 'database': return database
        case 'custom-database':
          if (!connection.options.login_url) throw oauthError('connection_not_configured')
          return customDatabase
        case 'sms': case 'email': return deps.passwordless
        default: throw oauthError('strategy_not_supported')
      }
    },
  }
}
