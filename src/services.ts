// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import { AssertionVerifier } from './clients/assertions.js'
import { ClientAuthenticator } from './clients/authenticate.js'
import { ClientKeys } from './clients/client-keys.js'
import { privateKeyJwt } from './clients/private-key-jwt.js'
import type { Config } from './config.js'
import { createGrants, type Grants } from './grants/index.js'
import { createPasswordless, type Passwordless } from './passwordless/index.js'
import type { PasswordHasher } from './security/password-hasher.js'
import { ReplayGuard } from './security/replay-guard.js'
import type { Store } from './store/port.js'
import { createPasswordStrategies } from './strategies/index.js'
import { passwordlessStrategy } from './strategies/passwordless.js'
import { IdTokenVerifier } from './tokens/id-token-verifier.js'
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
  const idTokens = new IdTokenVerifier(store, config.jwt)
  const assertions = new AssertionVerifier(new ClientKeys(config.jwt), new ReplayGuard(store), config.jwt)
  const grants = createGrants({ connections: store, users: store, clients: store, strategies, minter, passwordless: passwordless.login, idTokens, assertions })
  const clientAuthenticator = new ClientAuthenticator(store)
  clientAuthenticator.register('private_key_jwt', privateKeyJwt(assertions))
  return { config, store, hasher, grants, clientAuthenticator, passwordless }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
