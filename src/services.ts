// Everything a request may use, built once per app from the config and the store, and exposed to
// plugins as the typed `app.tollgate` decorator.
import { AccountEmails } from './account/emails.js'
import { PasswordChanger } from './account/password-change.js'
import { AccountRecovery } from './account/recovery.js'
import { UserTickets } from './account/tickets.js'
import { Mailer } from './email/mailer.js'
import type { MailLog } from './email/types.js'
import { AssertionVerifier } from './clients/assertions.js'
import { ClientAuthenticator } from './clients/authenticate.js'
import { ClientKeys } from './clients/client-keys.js'
import { privateKeyJwt } from './clients/private-key-jwt.js'
import type { Config } from './config.js'
import type { Redis } from 'ioredis'
import { createGrants, type Grants } from './grants/index.js'
import { MultiFactor } from './mfa/multi-factor.js'
import { createDeliveryProviders } from './passwordless/delivery/index.js'
import { createPasswordless, type Passwordless } from './passwordless/index.js'
import { AttackProtection } from './security/attack-protection.js'
import type { BreachedPasswords } from './security/breached-passwords.js'
import { parseEncryptionKey, SecretBox } from './security/encryption.js'
import type { PasswordHasher } from './security/password-hasher.js'
import { counterBackend, type CounterBackend } from './security/rate-limit-counters.js'
import { ReplayGuard } from './security/replay-guard.js'
import type { AttackStateStore, Store } from './store/port.js'
import { LoginSessions } from './sessions/login-sessions.js'
import { createSecretStrategies } from './strategies/index.js'
import { TenantResolver } from './tenants/resolve-tenant.js'
import { passwordlessStrategy } from './strategies/passwordless.js'
import { AccessTokenVerifier } from './tokens/access-token-verifier.js'
import { NO_METRICS, type Metrics } from './metrics.js'
import { IdTokenVerifier } from './tokens/id-token-verifier.js'
import { TokenMinter } from './tokens/minter.js'
import { JwtSigner } from './tokens/signer.js'
import { UserInfo } from './users/userinfo.js'

export interface Services {
  config: Config
  store: Store
  hasher: PasswordHasher
  /** The tenant and issuer of a request's Host. */
  tenants: TenantResolver
  grants: Grants
  clientAuthenticator: ClientAuthenticator
  passwordless: Passwordless
  /** Login sessions: ending them (a revoke, a password reset) and whether one is live. */
  sessions: LoginSessions
  /** Verifies access tokens this deployment issued (/userinfo). */
  accessTokens: AccessTokenVerifier
  userInfo: UserInfo
  /** The decision point before any secret is verified (brute force, IP throttling, breached passwords). */
  attackProtection: AttackProtection
  /** Second factors: policy, the MFA API's work, and the MFA grants' checks. */
  multiFactor: MultiFactor
  metrics: Metrics
  /** Set when the server drains before closing: readiness answers 503 from then on. */
  lifecycle: { draining: boolean }
  /** Sends every email to users, in the background (see src/email/mailer.ts). */
  mailer: Mailer
  /** Reset links, the reset page's work, email verification. */
  recovery: AccountRecovery
  /** Verification links after a signup. */
  accountEmails: AccountEmails
  /** Where attack-protection counters and request buckets live: the store, or Redis. */
  attackState: AttackStateStore
  /** Where rate-limit counters of `name` live (Redis, the shared store, or memory). */
  counters: (name: string) => CounterBackend
}

export interface ServiceOptions {
  /** Where attack-protection counters live: the store unless Redis is configured. */
  attackState?: AttackStateStore
  breachedPasswords?: BreachedPasswords
  /** The clock of attack protection (epoch ms); tests move it. */
  now?: () => number
  metrics?: Metrics
  /** Where the mailer logs (the app's logger); silent when absent. */
  log?: MailLog
  /** Shares rate-limit counters between instances (else the shared store does, or memory). */
  redis?: Redis
}

const silent: MailLog = { info () {}, warn () {}, error () {} }

export function createServices (config: Config, store: Store, hasher: PasswordHasher, options: ServiceOptions = {}): Services {
  const metrics = options.metrics ?? NO_METRICS
  const sessions = new LoginSessions(store, config.tokens.refreshTokenLifetime)
  const minter = new TokenMinter(store, store, new JwtSigner(), config.tokens, store, sessions)
  const passwordless = createPasswordless(config.passwordless, store)
  const strategies = createSecretStrategies({
    hasher, users: store, customDatabaseTimeoutMs: config.customDatabaseTimeoutMs, passwordless: passwordlessStrategy(passwordless.login),
  })
  let recovery: AccountRecovery | undefined
  const attackProtection = new AttackProtection({
    defaults: config.attackProtection, state: options.attackState ?? store, audit: store, breached: options.breachedPasswords, now: options.now,
    observe: metrics.loginOutcome,
    onPasswordLeaked: (input) => recovery?.notifyLeakedPassword(input),
  })
  const mailer = new Mailer(store, config.email, options.log ?? silent)
  const tickets = new UserTickets(store)
  const accountEmails = new AccountEmails(mailer, tickets)
  const changer = new PasswordChanger({ users: store, sessions: store, loginSessions: sessions, hasher, protection: attackProtection, audit: store, emails: accountEmails })
  recovery = new AccountRecovery({
    users: store, connections: store, ticketStore: store, tickets, emails: accountEmails, changer, mailer, audit: store,
  })
  const loginDeps = { users: store, strategies, protection: attackProtection }
  const { key, previousKeys } = config.encryption
  const multiFactor = new MultiFactor({
    store,
    state: options.attackState ?? store,
    audit: store,
    box: key ? new SecretBox(parseEncryptionKey(key)!, previousKeys.map((k) => parseEncryptionKey(k)!)) : undefined,
    delivery: createDeliveryProviders({ outbox: store, defaultTimeoutMs: config.passwordless.deliveryTimeoutMs }),
    now: options.now,
    metrics,
  })
  const idTokens = new IdTokenVerifier(store, config.jwt)
  const assertions = new AssertionVerifier(new ClientKeys(config.jwt), new ReplayGuard(store), config.jwt)
  const grants = createGrants({
    connections: store, minter, idTokens, assertions, sessions, multiFactor, ...loginDeps,
    refreshTokens: store, apis: store, refreshTokenIdleLifetime: config.tokens.refreshTokenIdleLifetime, onRefreshReuse: metrics.refreshReuse,
  })
  const clientAuthenticator = new ClientAuthenticator(store)
  clientAuthenticator.register('private_key_jwt', privateKeyJwt(assertions))
  const accessTokens = new AccessTokenVerifier(store, config.jwt)
  const userInfo = new UserInfo(store)
  const tenants = new TenantResolver(store, { scheme: config.issuerScheme ?? (config.tls ? 'https' : 'http'), cacheSize: config.tenantCacheSize })
  const counters = (name: string) => counterBackend({ redis: options.redis, keyPrefix: config.redisKeyPrefix, store }, name)
  return {
    config, store, hasher, tenants, grants, clientAuthenticator, passwordless, sessions, accessTokens, userInfo, attackProtection, multiFactor,
    metrics, lifecycle: { draining: false }, counters,
    mailer, recovery, accountEmails, attackState: options.attackState ?? store,
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: Services
  }
}
