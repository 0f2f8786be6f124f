// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import { AssertionVerifier } from './clients/assertions.js'
import { ClientAuthenticator } from './clients/authenticate.js'
import { ClientKeys } from './clients/client-keys.js'
import { privateKeyJwt } from './clients/private-key-jwt.js'
import type { Config } from './config.js'
import type { Redis } from 'ioredis'
import { createGrants, type Grants } from './grants/index.js'
import { createPasswordless, type Passwordless } from './passwordless/index.js'
import { PasswordlessVerification } from './passwordless/verify.js'
import { AttackProtection } from './security/attack-protection.js'
import type { BreachedPasswords } from './security/breached-passwords.js'
import type { PasswordHasher } from './security/password-hasher.js'
import { counterBackend, type CounterBackend } from './security/rate-limit-counters.js'
import { ReplayGuard } from './security/replay-guard.js'
import type { AttackStateStore, Store } from './store/port.js'
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
  passwordless: Passwordless & { verification: PasswordlessVerification }
  /** The decision point before any secret is verified (brute force, IP throttling, breached passwords). */
  attackProtection: AttackProtection
  /** Where rate-limit counters of `name` live (Redis, the shared store, or memory). */
  counters: (name: string) => CounterBackend
}

export interface ServiceOptions {
  /** Where attack-protection counters live: the store unless Redis is configured. */
  attackState?: AttackStateStore
  breachedPasswords?: BreachedPasswords
  /** The clock of attack protection (epoch ms); tests move it. */
  now?: () => number
  /** Shares rate-limit counters between instances (else the shared store does, or memory). */
  redis?: Redis
}

export function createServices (config: Config, store: Store, hasher: PasswordHasher, options: ServiceOptions = {}): Services {
  const minter = new TokenMinter(store, store, new JwtSigner(), config.tokens, store)
  const passwordless = createPasswordless(config.passwordless, store)
  const strategies = createPasswordStrategies({
    hasher, users: store, customDatabaseTimeoutMs: config.customDatabaseTimeoutMs, passwordless: passwordlessStrategy(passwordless.login),
  })
  const attackProtection = new AttackProtection({
    defaults: config.attackProtection, state: options.attackState ?? store, audit: store, breached: options.breachedPasswords, now: options.now,
  })
  const loginDeps = { users: store, strategies, protection: attackProtection }
  const idTokens = new IdTokenVerifier(store, config.jwt)
  const assertions = new AssertionVerifier(new ClientKeys(config.jwt), new ReplayGuard(store), config.jwt)
  const grants = createGrants({
    connections: store, clients: store, minter, idTokens, assertions, ...loginDeps,
    refreshTokens: store, apis: store, refreshTokenIdleLifetime: config.tokens.refreshTokenIdleLifetime,
  })
  const verification = new PasswordlessVerification({ connections: store, minter, ...loginDeps })
  const clientAuthenticator = new ClientAuthenticator(store)
  clientAuthenticator.register('private_key_jwt', privateKeyJwt(assertions))
  const sharedStore = store.shared ? store : undefined
  const counters = (name: string) => counterBackend({ redis: options.redis, keyPrefix: config.redisKeyPrefix, sharedStore }, name)
  return { config, store, hasher, grants, clientAuthenticator, passwordless: { ...passwordless, verification }, attackProtection, counters }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
