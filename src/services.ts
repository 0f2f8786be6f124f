// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import { ClientAuthenticator } from './clients/authenticate.js'
import type { Config } from './config.js'
import { createGrants, type Grants } from './grants/index.js'
import { createPasswordless, type Passwordless } from './passwordless/index.js'
import type { PasswordHasher } from './security/password-hasher.js'
import type { Store } from './store/port.js'
import { createPasswordStrategies } from './strategies/index.js'
import { passwordlessStrategy } from './strategies/passwordless.js'
import { TokenMinter } from './tokens/minter.js'
import { JwtSigner } from './tokens/signer.js'

export interface Services {
  config: Config
  store: Store
  hasher: PasswordHasher
  grants: Grants
  clientAuthenticator: ClientAuthenticator
  passwordless: Passwordless
}

export function createServices (config: Config, store: Store, hasher: PasswordHasher): Services {
  const minter = new TokenMinter(store, store, new JwtSigner(), config.tokens)
  const passwordless = createPasswordless(config.passwordless, store, minter)
  const strategies = createPasswordStrategies({
    hasher, users: store, customDatabaseTimeoutMs: config.customDatabaseTimeoutMs, passwordless: passwordlessStrategy(passwordless.login),
  })
  const grants = createGrants({ connections: store, users: store, strategies, minter, passwordless: passwordless.login })
  const clientAuthenticator = new ClientAuthenticator(store)
  return { config, store, hasher, grants, clientAuthenticator, passwordless }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
