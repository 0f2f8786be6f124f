// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import { ClientAuthenticator } from './clients/authenticate.js'
import type { Config } from './config.js'
import { createGrants, type Grants } from './grants/index.js'
import type { PasswordHasher } from './security/password-hasher.js'
import type { Store } from './store/port.js'
import { createPasswordStrategies } from './strategies/index.js'
import { TokenMinter } from './tokens/minter.js'
import { JwtSigner } from './tokens/signer.js'

export interface Services {
  config: Config
  store: Store
  hasher: PasswordHasher
  grants: Grants
  clientAuthenticator: ClientAuthenticator
}

export function createServices (config: Config, store: Store, hasher: PasswordHasher): Services {
  const minter = new TokenMinter(store, store, new JwtSigner(), config.tokens, store)
  const strategies = createPasswordStrategies({ hasher, users: store, customDatabaseTimeoutMs: config.customDatabaseTimeoutMs })
  const grants = createGrants({
    connections: store, users: store, strategies, minter,
    refreshTokens: store, apis: store, refreshTokenIdleLifetime: config.tokens.refreshTokenIdleLifetime,
  })
  const clientAuthenticator = new ClientAuthenticator(store)
  return { config, store, hasher, grants, clientAuthenticator }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
