// The Config every module reads: its shape (a TypeBox schema), its defaults and its loader. The
// environment variables behind it are described once, in src/settings.ts.
// Behaviour never depends on NODE_ENV: every difference is a named setting.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { invalidIpEntry } from './security/ip-list.js'
import { applyEnvironment, settingDefaults, SettingError } from './settings.js'

/** A request budget: at most `max` requests per `windowSeconds`. */
const Limit = Type.Object({
  max: Type.Integer({ minimum: 1 }),
  windowSeconds: Type.Integer({ minimum: 1 }),
})

export const ConfigSchema = Type.Object({
  dataDir: Type.String({ minLength: 1 }),
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  /**
   * Whether X-Forwarded-* headers are believed; a deliberate choice, off by default. `true` believes
   * any sender; a string lists the proxies' addresses or CIDRs (comma-separated), the safe choice.
   */
  trustProxy: Type.Union([Type.Boolean(), Type.String({ minLength: 1 })]),
  bodyLimit: Type.Integer({ minimum: 1024 }),
  /**
   * Scheme of a tenant's issuer when it has no public_url and the issuer is built from one of its
   * listed hosts; absent: https when Tollgate serves TLS itself, else http.
   */
  issuerScheme: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')])),
  /** Hosts whose tenant is remembered at once (least recently used forgotten first). */
  tenantCacheSize: Type.Integer({ minimum: 16, maximum: 100000 }),
  /** Limits on connections, so that a slow or idle client cannot hold the server's sockets. */
  server: Type.Object({
    /** Whole request (headers and body) must arrive within this; 0 is never allowed. */
    requestTimeoutMs: Type.Integer({ minimum: 1000 }),
    /** Headers must arrive within this (at most requestTimeoutMs). */
    headersTimeoutMs: Type.Integer({ minimum: 500 }),
    /** A socket with no activity for this long is closed. */
    connectionTimeoutMs: Type.Integer({ minimum: 1000 }),
    /** An idle keep-alive connection is closed after this. */
    keepAliveTimeoutMs: Type.Integer({ minimum: 100 }),
    /** How often Node checks requests against the two timeouts above. */
    timeoutCheckIntervalMs: Type.Integer({ minimum: 100 }),
    /** Requests one keep-alive connection may carry before it is closed. */
    maxRequestsPerSocket: Type.Integer({ minimum: 1 }),
    /** Connections open at once; beyond, new ones are closed at once. */
    maxConnections: Type.Integer({ minimum: 1 }),
    /** Bytes of an oversized upload read (and discarded) so that the client can read its 400. */
    drainLimitBytes: Type.Integer({ minimum: 0 }),
  }),
  /** On SIGTERM, how long requests in flight may take before their connections are cut. */
  shutdownDrainMs: Type.Integer({ minimum: 0 }),
  /** The Prometheus listener; port 0: none. */
  metrics: Type.Object({ port: Type.Integer({ minimum: 0, maximum: 65535 }), host: Type.String({ minLength: 1 }) }),
  /** Serve /openapi.json and the reference page. */
  openApi: Type.Boolean(),
  argon2: Type.Object({
    memoryCost: Type.Integer({ minimum: 1024 }),
    timeCost: Type.Integer({ minimum: 1 }),
    parallelism: Type.Integer({ minimum: 1 }),
  }),
  tokens: Type.Object({
    idTokenLifetime: Type.Integer({ minimum: 60 }),
    accessTokenLifetime: Type.Integer({ minimum: 60 }),
    /** Absolute lifetime of a refresh token family, counted from the login that started it. */
    refreshTokenLifetime: Type.Integer({ minimum: 60 }),
    /** A refresh token not used (rotated) within this many seconds expires. */
    refreshTokenIdleLifetime: Type.Integer({ minimum: 60 }),
  }),
  /** Serve HTTPS directly with this certificate and key (PEM files); absent: plain HTTP. */
  tls: Type.Optional(Type.Object({
    certFile: Type.String({ minLength: 1 }),
    keyFile: Type.String({ minLength: 1 }),
  })),
  /** Timeout of a custom-database connection's call to its user store. */
  customDatabaseTimeoutMs: Type.Integer({ minimum: 100 }),
  /** JWTs Tollgate receives: id_tokens exchanged on /oauth/ro, RFC 7523 assertions on /oauth/token. */
  jwt: Type.Object({
    /** Seconds of clock skew allowed on exp, nbf and iat. */
    clockTolerance: Type.Integer({ minimum: 0, maximum: 300 }),
    /** Longest an assertion may live (exp - iat), in seconds. */
    maxAssertionLifetime: Type.Integer({ minimum: 10, maximum: 86400 }),
    /** Longest token accepted, in characters; longer ones are refused before any parsing. */
    maxTokenLength: Type.Integer({ minimum: 1024, maximum: 65536 }),
    /** A client's jwks_uri: fetch timeout, and how long its keys are cached. */
    jwksTimeoutMs: Type.Integer({ minimum: 100 }),
    jwksCacheSeconds: Type.Integer({ minimum: 0 }),
    /** How long a failed fetch is remembered: no new try (the old keys serve, if any) before it passes. */
    jwksFailureCacheSeconds: Type.Integer({ minimum: 1 }),
    /** Allow http:// jwks_uri (development only; https is required otherwise). */
    jwksAllowHttp: Type.Boolean(),
    /** Allow jwks_uri on loopback, private and link-local addresses (development only). */
    jwksAllowPrivateAddresses: Type.Boolean(),
  }),
  passwordless: Type.Object({
    /** Seconds a code sent by /passwordless/start stays valid. */
    codeLifetime: Type.Integer({ minimum: 30, maximum: 3600 }),
    /** Attempts (wrong or right) one code allows; after them the code is dead. */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
    /** /passwordless/start requests per IP, and per phone number or email, in each window. */
    startLimitPerIp: Type.Integer({ minimum: 1 }),
    startLimitPerRecipient: Type.Integer({ minimum: 1 }),
    startLimitWindowSeconds: Type.Integer({ minimum: 1 }),
    /** Timeout of a call to an HTTP delivery gateway, unless the connection sets its own. */
    deliveryTimeoutMs: Type.Integer({ minimum: 100, maximum: 60000 }),
  }),
  /** Emails to users (reset and verification links, notices); how each tenant sends them is in its provisioning. */
  email: Type.Object({
    /** Attempts per email, the first included, before a failed delivery is given up (and logged). */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 10 }),
    /** Delay before the first retry, doubled before each next one. */
    retryDelayMs: Type.Integer({ minimum: 0, maximum: 600000 }),
  }),
  /** POST /dbconnections/change_password: Auth0's bucket per IP and email, and the same per email from any IP. */
  changePassword: Type.Object({
    /** Requests allowed at once. */
    burst: Type.Integer({ minimum: 1 }),
    /** One more request is allowed every this many seconds. */
    refillSeconds: Type.Integer({ minimum: 1 }),
  }),
  /** Where users, clients, keys and tokens are kept: PostgreSQL when `url` names one, else SQLite in dataDir. */
  database: Type.Object({
    url: Type.String({ pattern: '^(postgres(ql)?://.+)?$' }),
    /** PostgreSQL connections one instance keeps at most. */
    poolSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  }),
  /** Redis holding attack-protection state and rate-limit counters, shared by several instances; '' keeps them in the store. */
  redisUrl: Type.String({ pattern: '^(rediss?://.+)?$' }),
  /** Prefix of every Redis key Tollgate writes (several deployments may share one Redis). */
  redisKeyPrefix: Type.String({ minLength: 1 }),
  /** Deployment-wide defaults; a tenant may override them in its provisioning file. */
  attackProtection: Type.Object({
    bruteForce: Type.Object({
      enabled: Type.Boolean(),
      /** Consecutive failed logins for one account (from one IP, or from any in account_lockout mode) that block it. */
      threshold: Type.Integer({ minimum: 1, maximum: 100 }),
      mode: Type.Union([Type.Literal('per_ip'), Type.Literal('account_lockout')]),
      /** How long a block lasts after the last failed attempt. */
      blockSeconds: Type.Integer({ minimum: 1 }),
    }),
    suspiciousIp: Type.Object({
      enabled: Type.Boolean(),
      /** Failed logins one IP may make across all accounts per window; they refill evenly over the window. */
      maxFailures: Type.Integer({ minimum: 1 }),
      windowSeconds: Type.Integer({ minimum: 1 }),
    }),
    breachedPasswords: Type.Object({
      /** A Pwned Passwords file (SHA-1:count lines, sorted by hash); '' turns the check off. */
      file: Type.String(),
      /** How often a password must have been seen in breaches to be refused. */
      minCount: Type.Integer({ minimum: 1 }),
    }),
    /** Addresses or CIDRs never counted by brute-force protection and IP throttling. */
    allowList: Type.Array(Type.String({ minLength: 1 })),
  }),
  rateLimits: Type.Object({
    enabled: Type.Boolean(),
    /** Requests per IP, counted per endpoint (route URL), unless `routes` names the endpoint. */
    perIp: Limit,
    routes: Type.Record(Type.String({ pattern: '^/' }), Limit),
    /** Attempts per IP and account on the credential endpoints, successful or not. */
    perAccount: Limit,
    accountRoutes: Type.Array(Type.String({ pattern: '^/' })),
    /** Addresses never rate limited (e.g. your own backend). */
    allowList: Type.Array(Type.String({ minLength: 1 })),
  }),
  /** Worker processes serving one port (node:cluster), one per CPU by default; 1 serves from the main process. */
  workers: Type.Integer({ minimum: 1, maximum: 64 }),
  /** How old the last read of the configuration version may be when a request reads configuration. */
  configMaxAgeMs: Type.Integer({ minimum: 0, maximum: 1000 }),
  /** Audit events are written in batches: at least every `flushMs`, and at most `maxEvents` held. */
  audit: Type.Object({
    flushMs: Type.Integer({ minimum: 10, maximum: 5000 }),
    maxEvents: Type.Integer({ minimum: 1, maximum: 100000 }),
  }),
  /**
   * The server key sealing secrets at rest (TOTP secrets): 32 random bytes, base64. Required as soon
   * as a tenant enables MFA. Previous keys only open values sealed before a rotation.
   */
  encryption: Type.Object({
    key: Type.String(),
    previousKeys: Type.Array(Type.String({ minLength: 1 })),
  }),
  loadShedding: Type.Object({
    /** Password hashes computed at once; the rest wait. */
    hashConcurrency: Type.Integer({ minimum: 1 }),
    /** Password hashes allowed to wait; beyond, a login is answered 503 at once. */
    hashQueue: Type.Integer({ minimum: 0 }),
    retryAfterSeconds: Type.Integer({ minimum: 1 }),
    /** @fastify/under-pressure thresholds; 0 turns one off. */
    maxEventLoopDelayMs: Type.Integer({ minimum: 0 }),
    maxEventLoopUtilization: Type.Number({ minimum: 0, maximum: 1 }),
    maxHeapUsedBytes: Type.Integer({ minimum: 0 }),
    maxRssBytes: Type.Integer({ minimum: 0 }),
    sampleIntervalMs: Type.Integer({ minimum: 10 }),
  }),
})

export type Config = Static<typeof ConfigSchema>

/** Every setting's default, from the one table of settings (src/settings.ts). */
export const defaults = settingDefaults() as Config

export class ConfigError extends Error {}

/**
 * Reads the environment over the defaults (and a caller's overrides, for tests); throws a
 * ConfigError naming the variable, its value and what is allowed.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: any = structuredClone({ ...defaults, ...overrides })
  try {
    applyEnvironment(config, env)
  } catch (err) {
    if (err instanceof SettingError) throw new ConfigError(err.message)
    throw err
  }
  if (config.tls && (!config.tls.certFile || !config.tls.keyFile)) {
    throw new ConfigError('invalid setting: TOLLGATE_TLS_CERT_FILE and TOLLGATE_TLS_KEY_FILE go together; set both or neither')
  }
  // Overrides come from code, not the environment: their errors name the Config path.
  const [first] = Value.Errors(ConfigSchema, config)
  if (first) throw new ConfigError(`invalid setting ${first.path}: ${first.message}`)
  for (const [name, entries] of [['/attackProtection/allowList', config.attackProtection.allowList], ['/rateLimits/allowList', config.rateLimits.allowList]] as const) {
    const bad = invalidIpEntry(entries)
    if (bad !== undefined) throw new ConfigError(`invalid setting ${name}: ${bad} is not an address or a CIDR`)
  }
  if (config.server.headersTimeoutMs > config.server.requestTimeoutMs) {
    throw new ConfigError(`invalid setting TOLLGATE_HEADERS_TIMEOUT_MS=${config.server.headersTimeoutMs}: allowed is at most TOLLGATE_REQUEST_TIMEOUT_MS (${config.server.requestTimeoutMs})`)
  }
  return config as Config
}
