// Which connection strategy checks a password, and which connections can't.
import { oauthError } from '../errors.js'
import type { PasswordHasher } from '../security/password-hasher.js'
import type { Connection, UserStore } from '../store/port.js'
import { customDatabaseStrategy } from './custom-database.js'
import { databaseStrategy } from './database.js'
import type { PasswordStrategy } from './types.js'

/** Every strategy a connection may be created with. Only some can log in with a password. */
export const STRATEGIES = [
  'database', 'custom-database', 'sms', 'email',
  'google-oauth2', 'github', 'facebook', 'apple', 'windowslive', 'linkedin', 'twitter', 'samlp', 'oidc', 'waad',
] as const

export interface PasswordStrategies {
  /** The strategy for this connection; throws the documented error when it has none. */
  forConnection (connection: Connection): PasswordStrategy
}

export function createPasswordStrategies (deps: {
  hasher: PasswordHasher, users: UserStore, customDatabaseTimeoutMs: number, passwordless: PasswordStrategy
}): PasswordStrategies {
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
