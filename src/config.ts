// Settings, read once at start from the environment and checked against a schema.
// Behaviour never depends on NODE_ENV: every difference is a named setting.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import os from 'node:os'
import path from 'node:path'
import { parseEncryptionKey } from './security/encryption.js'
import { invalidIpEntry } from './security/ip-list.js'

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
  /** Worker processes serving one port (node:cluster); 1 serves from the main process. */
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

export const defaults: Config = {
  dataDir: path.resolve('data'),
  host: '127.0.0.1',
  port: 3000,
  logLevel: 'info',
  trustProxy: false,
  bodyLimit: 64 * 1024,
  tenantCacheSize: 1000,
  // Node's own defaults are minutes or unlimited; these suit a token API whose requests are small.
  server: {
    requestTimeoutMs: 30000,
    headersTimeoutMs: 10000,
    connectionTimeoutMs: 60000,
    keepAliveTimeoutMs: 5000,
    timeoutCheckIntervalMs: 1000,
    maxRequestsPerSocket: 1000,
    maxConnections: 10000,
    drainLimitBytes: 4 * 1024 * 1024,
  },
  // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  // Auth0's defaults: id_token 10 h, access token 24 h, refresh token 30 days absolute, 15 days idle.
  tokens: { idTokenLifetime: 36000, accessTokenLifetime: 86400, refreshTokenLifetime: 2592000, refreshTokenIdleLifetime: 1296000 },
  customDatabaseTimeoutMs: 5000,
  // oidc-provider's 15 s skew. An hour of assertion lifetime is what mainstream clients sign with
  // (authlib's default, Google's service-account assertions, Okta's limit); each jti is kept until exp.
  jwt: {
    clockTolerance: 15,
    maxAssertionLifetime: 3600,
    maxTokenLength: 8192,
    jwksTimeoutMs: 3000,
    jwksCacheSeconds: 300,
    jwksFailureCacheSeconds: 30,
    jwksAllowHttp: false,
    jwksAllowPrivateAddresses: false,
  },
  // Auth0's defaults: 3 minutes, 3 tries, 50 starts per IP per hour. The per-recipient limit is
  // Tollgate's own guard against SMS pumping.
  passwordless: {
    codeLifetime: 180,
    maxAttempts: 3,
    startLimitPerIp: 50,
    startLimitPerRecipient: 10,
    startLimitWindowSeconds: 3600,
    deliveryTimeoutMs: 5000,
  },
  // pg's default pool size; see README "Running several instances" for sizing.
  database: { url: '', poolSize: 10 },
  redisUrl: '',
  redisKeyPrefix: 'tollgate:',
  // Auth0's defaults: 10 failures per account and IP, blocked 30 days; 100 failures per IP a day.
  attackProtection: {
    bruteForce: { enabled: true, threshold: 10, mode: 'per_ip', blockSeconds: 30 * 24 * 3600 },
    suspiciousIp: { enabled: true, maxFailures: 100, windowSeconds: 24 * 3600 },
    breachedPasswords: { file: '', minCount: 1 },
    allowList: [],
  },
  // 20 attempts a minute per account and IP is Auth0's same-account limit.
  rateLimits: {
    enabled: true,
    perIp: { max: 300, windowSeconds: 60 },
    routes: {},
    perAccount: { max: 20, windowSeconds: 60 },
    accountRoutes: ['/oauth/ro', '/oauth/token', '/passwordless/verify'],
    allowList: [],
  },
  workers: os.availableParallelism(),
  configMaxAgeMs: 250,
  audit: { flushMs: 200, maxEvents: 1000 },
  encryption: { key: '', previousKeys: [] },
  // A few hashes per core may wait (about 4 x 23 ms here); more would only grow the queue's latency.
  loadShedding: {
    hashConcurrency: os.availableParallelism(),
    hashQueue: 4 * os.availableParallelism(),
    retryAfterSeconds: 1,
    maxEventLoopDelayMs: 1000,
    maxEventLoopUtilization: 0,
    maxHeapUsedBytes: 0,
    maxRssBytes: 0,
    sampleIntervalMs: 1000,
  },
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)
const json = (name: string, v: string) => {
  try {
    return JSON.parse(v)
  } catch {
    throw new ConfigError(`invalid setting ${name}: not JSON`)
  }
}
/** true / false, or the proxies' addresses. */
const trustProxy = (v: string) => v === 'true' ? true : v === 'false' ? false : v

/** Every environment variable Tollgate reads, and where its value goes. */
const variables: Array<[string, (c: any, v: string) => void]> = [
  ['TOLLGATE_DATA_DIR', (c, v) => { c.dataDir = path.resolve(v) }],
  ['HOST', (c, v) => { c.host = v }],
  ['PORT', (c, v) => { c.port = v }],
  ['LOG_LEVEL', (c, v) => { c.logLevel = v }],
  ['TOLLGATE_TRUST_PROXY', (c, v) => { c.trustProxy = trustProxy(v) }],
  ['TOLLGATE_BODY_LIMIT', (c, v) => { c.bodyLimit = v }],
  ['TOLLGATE_ISSUER_SCHEME', (c, v) => { c.issuerScheme = v }],
  ['TOLLGATE_TENANT_CACHE_SIZE', (c, v) => { c.tenantCacheSize = v }],
  ['TOLLGATE_REQUEST_TIMEOUT_MS', (c, v) => { c.server.requestTimeoutMs = v }],
  ['TOLLGATE_HEADERS_TIMEOUT_MS', (c, v) => { c.server.headersTimeoutMs = v }],
  ['TOLLGATE_CONNECTION_TIMEOUT_MS', (c, v) => { c.server.connectionTimeoutMs = v }],
  ['TOLLGATE_KEEP_ALIVE_TIMEOUT_MS', (c, v) => { c.server.keepAliveTimeoutMs = v }],
  ['TOLLGATE_TIMEOUT_CHECK_INTERVAL_MS', (c, v) => { c.server.timeoutCheckIntervalMs = v }],
  ['TOLLGATE_MAX_REQUESTS_PER_SOCKET', (c, v) => { c.server.maxRequestsPerSocket = v }],
  ['TOLLGATE_MAX_CONNECTIONS', (c, v) => { c.server.maxConnections = v }],
  ['TOLLGATE_DRAIN_LIMIT_BYTES', (c, v) => { c.server.drainLimitBytes = v }],
  ['TOLLGATE_ARGON2_MEMORY_COST', (c, v) => { c.argon2.memoryCost = v }],
  ['TOLLGATE_ARGON2_TIME_COST', (c, v) => { c.argon2.timeCost = v }],
  ['TOLLGATE_ARGON2_PARALLELISM', (c, v) => { c.argon2.parallelism = v }],
  ['TOLLGATE_ID_TOKEN_LIFETIME', (c, v) => { c.tokens.idTokenLifetime = v }],
  ['TOLLGATE_ACCESS_TOKEN_LIFETIME', (c, v) => { c.tokens.accessTokenLifetime = v }],
  ['TOLLGATE_REFRESH_TOKEN_LIFETIME', (c, v) => { c.tokens.refreshTokenLifetime = v }],
  ['TOLLGATE_REFRESH_TOKEN_IDLE_LIFETIME', (c, v) => { c.tokens.refreshTokenIdleLifetime = v }],
  ['TOLLGATE_TLS_CERT_FILE', (c, v) => { c.tls = { ...c.tls, certFile: path.resolve(v) } }],
  ['TOLLGATE_TLS_KEY_FILE', (c, v) => { c.tls = { ...c.tls, keyFile: path.resolve(v) } }],
  ['TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS', (c, v) => { c.customDatabaseTimeoutMs = v }],
  ['TOLLGATE_JWT_CLOCK_TOLERANCE', (c, v) => { c.jwt.clockTolerance = v }],
  ['TOLLGATE_MAX_ASSERTION_LIFETIME', (c, v) => { c.jwt.maxAssertionLifetime = v }],
  ['TOLLGATE_MAX_JWT_LENGTH', (c, v) => { c.jwt.maxTokenLength = v }],
  ['TOLLGATE_JWKS_TIMEOUT_MS', (c, v) => { c.jwt.jwksTimeoutMs = v }],
  ['TOLLGATE_JWKS_CACHE_SECONDS', (c, v) => { c.jwt.jwksCacheSeconds = v }],
  ['TOLLGATE_JWKS_FAILURE_CACHE_SECONDS', (c, v) => { c.jwt.jwksFailureCacheSeconds = v }],
  ['TOLLGATE_JWKS_ALLOW_HTTP', (c, v) => { c.jwt.jwksAllowHttp = v }],
  ['TOLLGATE_JWKS_ALLOW_PRIVATE_ADDRESSES', (c, v) => { c.jwt.jwksAllowPrivateAddresses = v }],
  ['TOLLGATE_PASSWORDLESS_CODE_LIFETIME', (c, v) => { c.passwordless.codeLifetime = v }],
  ['TOLLGATE_PASSWORDLESS_MAX_ATTEMPTS', (c, v) => { c.passwordless.maxAttempts = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_PER_IP', (c, v) => { c.passwordless.startLimitPerIp = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_PER_RECIPIENT', (c, v) => { c.passwordless.startLimitPerRecipient = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_WINDOW', (c, v) => { c.passwordless.startLimitWindowSeconds = v }],
  ['TOLLGATE_PASSWORDLESS_DELIVERY_TIMEOUT_MS', (c, v) => { c.passwordless.deliveryTimeoutMs = v }],
  ['TOLLGATE_DATABASE_URL', (c, v) => { c.database.url = v }],
  ['TOLLGATE_DATABASE_POOL_SIZE', (c, v) => { c.database.poolSize = v }],
  ['TOLLGATE_REDIS_URL', (c, v) => { c.redisUrl = v }],
  ['TOLLGATE_REDIS_KEY_PREFIX', (c, v) => { c.redisKeyPrefix = v }],
  ['TOLLGATE_BRUTE_FORCE_ENABLED', (c, v) => { c.attackProtection.bruteForce.enabled = v }],
  ['TOLLGATE_BRUTE_FORCE_THRESHOLD', (c, v) => { c.attackProtection.bruteForce.threshold = v }],
  ['TOLLGATE_BRUTE_FORCE_MODE', (c, v) => { c.attackProtection.bruteForce.mode = v }],
  ['TOLLGATE_BRUTE_FORCE_BLOCK_SECONDS', (c, v) => { c.attackProtection.bruteForce.blockSeconds = v }],
  ['TOLLGATE_SUSPICIOUS_IP_ENABLED', (c, v) => { c.attackProtection.suspiciousIp.enabled = v }],
  ['TOLLGATE_SUSPICIOUS_IP_MAX_FAILURES', (c, v) => { c.attackProtection.suspiciousIp.maxFailures = v }],
  ['TOLLGATE_SUSPICIOUS_IP_WINDOW_SECONDS', (c, v) => { c.attackProtection.suspiciousIp.windowSeconds = v }],
  ['TOLLGATE_BREACHED_PASSWORDS_FILE', (c, v) => { c.attackProtection.breachedPasswords.file = path.resolve(v) }],
  ['TOLLGATE_BREACHED_PASSWORDS_MIN_COUNT', (c, v) => { c.attackProtection.breachedPasswords.minCount = v }],
  ['TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST', (c, v) => { c.attackProtection.allowList = list(v) }],
  ['TOLLGATE_RATE_LIMIT_ENABLED', (c, v) => { c.rateLimits.enabled = v }],
  ['TOLLGATE_RATE_LIMIT_MAX', (c, v) => { c.rateLimits.perIp.max = v }],
  ['TOLLGATE_RATE_LIMIT_WINDOW_SECONDS', (c, v) => { c.rateLimits.perIp.windowSeconds = v }],
  ['TOLLGATE_RATE_LIMIT_ROUTES', (c, v) => { c.rateLimits.routes = json('TOLLGATE_RATE_LIMIT_ROUTES', v) }],
  ['TOLLGATE_ACCOUNT_RATE_LIMIT_MAX', (c, v) => { c.rateLimits.perAccount.max = v }],
  ['TOLLGATE_ACCOUNT_RATE_LIMIT_WINDOW_SECONDS', (c, v) => { c.rateLimits.perAccount.windowSeconds = v }],
  ['TOLLGATE_ACCOUNT_RATE_LIMIT_ROUTES', (c, v) => { c.rateLimits.accountRoutes = list(v) }],
  ['TOLLGATE_RATE_LIMIT_ALLOW_LIST', (c, v) => { c.rateLimits.allowList = list(v) }],
  ['TOLLGATE_WORKERS', (c, v) => { c.workers = v }],
  ['TOLLGATE_CONFIG_MAX_AGE_MS', (c, v) => { c.configMaxAgeMs = v }],
  ['TOLLGATE_AUDIT_FLUSH_MS', (c, v) => { c.audit.flushMs = v }],
  ['TOLLGATE_AUDIT_MAX_EVENTS', (c, v) => { c.audit.maxEvents = v }],
  ['TOLLGATE_ENCRYPTION_KEY', (c, v) => { c.encryption.key = v }],
  ['TOLLGATE_ENCRYPTION_PREVIOUS_KEYS', (c, v) => { c.encryption.previousKeys = list(v) }],
  ['TOLLGATE_HASH_CONCURRENCY', (c, v) => { c.loadShedding.hashConcurrency = v }],
  ['TOLLGATE_HASH_QUEUE', (c, v) => { c.loadShedding.hashQueue = v }],
  ['TOLLGATE_BUSY_RETRY_AFTER_SECONDS', (c, v) => { c.loadShedding.retryAfterSeconds = v }],
  ['TOLLGATE_MAX_EVENT_LOOP_DELAY_MS', (c, v) => { c.loadShedding.maxEventLoopDelayMs = v }],
  ['TOLLGATE_MAX_EVENT_LOOP_UTILIZATION', (c, v) => { c.loadShedding.maxEventLoopUtilization = v }],
  ['TOLLGATE_MAX_HEAP_USED_BYTES', (c, v) => { c.loadShedding.maxHeapUsedBytes = v }],
  ['TOLLGATE_MAX_RSS_BYTES', (c, v) => { c.loadShedding.maxRssBytes = v }],
]

export class ConfigError extends Error {}

/** Reads the environment over the defaults; throws a ConfigError naming the first bad setting. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: any = structuredClone({ ...defaults, ...overrides })
  for (const [name, set] of variables) {
    const value = env[name]
    if (value !== undefined && value !== '') set(raw, value)
  }
  const config = Value.Convert(ConfigSchema, raw) as Config
  const [first] = Value.Errors(ConfigSchema, config)
  if (first) throw new ConfigError(`invalid setting ${first.path}: ${first.message}`)
  for (const [name, entries] of [['/attackProtection/allowList', config.attackProtection.allowList], ['/rateLimits/allowList', config.rateLimits.allowList]] as const) {
    const bad = invalidIpEntry(entries)
    if (bad !== undefined) throw new ConfigError(`invalid setting ${name}: ${bad} is not an address or a CIDR`)
  }
  if (config.server.headersTimeoutMs > config.server.requestTimeoutMs) {
    throw new ConfigError(`invalid setting /server/headersTimeoutMs: ${config.server.headersTimeoutMs} is more than /server/requestTimeoutMs (${config.server.requestTimeoutMs})`)
  }
  for (const [name, keys] of [['TOLLGATE_ENCRYPTION_KEY', config.encryption.key ? [config.encryption.key] : []], ['TOLLGATE_ENCRYPTION_PREVIOUS_KEYS', config.encryption.previousKeys]] as const) {
    if (keys.some((k) => !parseEncryptionKey(k))) throw new ConfigError(`invalid setting ${name}: each key is 32 random bytes in base64 (openssl rand -base64 32)`)
  }
  return config
}
