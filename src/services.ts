// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import type { Config } from './config.js'
import { createGrants } from './grants/index.js'
import type { Grant } from './grants/types.js'
import { AttackProtection } from './security/attack-protection.js'
import type { BreachedPasswords } from './security/breached-passwords.js'
import type { PasswordHasher } from './security/password-hasher.js'
import type { AttackStateStore, Store } from './store/port.js'
import { createPasswordStrategies } from './strategies/index.js'
import { TokenMinter } from './tokens/minter.js'
import { JwtSigner } from './tokens/signer.js'

export interface Services {
  config: Config
  store: Store
  hasher: PasswordHasher
  grants: Map<string, Grant<any>>
  /** The decision point before any secret is verified (brute force, IP throttling, breached passwords). */
  attackProtection: AttackProtection
}

export interface ServiceOptions {
  /** Where attack-protection counters live: the store unless Redis is configured. */
  attackState?: AttackStateStore
  breachedPasswords?: BreachedPasswords
  /** The clock of attack protection (epoch ms); tests move it. */
  now?: () => number
}

export function createServices (config: Config, store: Store, hasher: PasswordHasher, options: ServiceOptions = {}): Services {
  const minter = new TokenMinter(store, store, new JwtSigner(), config.tokens)
  const strategies = createPasswordStrategies({ hasher, users: store, customDatabaseTimeoutMs: config.customDatabaseTimeoutMs })
  const attackProtection = new AttackProtection({
    defaults: config.attackProtection, state: options.attackState ?? store, audit: store, breached: options.breachedPasswords, now: options.now,
  })
  const grants = createGrants({ connections: store, users: store, strategies, minter, protection: attackProtection })
  return { config, store, hasher, grants, attackProtection }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
