// Settings, read once at start from the environment and checked against a schema.
// Behaviour never depends on NODE_ENV: every difference is a named setting.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import path from 'node:path'

export const ConfigSchema = Type.Object({
  dataDir: Type.String({ minLength: 1 }),
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  /** Whether X-Forwarded-* headers are believed; a deliberate choice, off by default. */
  trustProxy: Type.Boolean(),
  bodyLimit: Type.Integer({ minimum: 1024 }),
  argon2: Type.Object({
    memoryCost: Type.Integer({ minimum: 1024 }),
    timeCost: Type.Integer({ minimum: 1 }),
    parallelism: Type.Integer({ minimum: 1 }),
  }),
  tokens: Type.Object({
    idTokenLifetime: Type.Integer({ minimum: 60 }),
    accessTokenLifetime: Type.Integer({ minimum: 60 }),
    refreshTokenLifetime: Type.Integer({ minimum: 60 }),
  }),
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
})

export type Config = Static<typeof ConfigSchema>

export const defaults: Config = {
  dataDir: path.resolve('data'),
  host: '127.0.0.1',
  port: 3000,
  logLevel: 'info',
  trustProxy: false,
  bodyLimit: 64 * 1024,
  // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  // Auth0's defaults: id_token 10 h, access token 24 h, refresh token 30 days.
  tokens: { idTokenLifetime: 36000, accessTokenLifetime: 86400, refreshTokenLifetime: 2592000 },
  customDatabaseTimeoutMs: 5000,
  // oidc-provider's 15 s skew; Keycloak's 5 minute assertion lifetime.
  jwt: { clockTolerance: 15, maxAssertionLifetime: 300, maxTokenLength: 8192, jwksTimeoutMs: 3000, jwksCacheSeconds: 300 },
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
}

/** Every environment variable Tollgate reads, and where its value goes. */
const variables: Array<[string, (c: any, v: string) => void]> = [
  ['TOLLGATE_DATA_DIR', (c, v) => { c.dataDir = path.resolve(v) }],
  ['HOST', (c, v) => { c.host = v }],
  ['PORT', (c, v) => { c.port = v }],
  ['LOG_LEVEL', (c, v) => { c.logLevel = v }],
  ['TOLLGATE_TRUST_PROXY', (c, v) => { c.trustProxy = v }],
  ['TOLLGATE_BODY_LIMIT', (c, v) => { c.bodyLimit = v }],
  ['TOLLGATE_ARGON2_MEMORY_COST', (c, v) => { c.argon2.memoryCost = v }],
  ['TOLLGATE_ARGON2_TIME_COST', (c, v) => { c.argon2.timeCost = v }],
  ['TOLLGATE_ARGON2_PARALLELISM', (c, v) => { c.argon2.parallelism = v }],
  ['TOLLGATE_ID_TOKEN_LIFETIME', (c, v) => { c.tokens.idTokenLifetime = v }],
  ['TOLLGATE_ACCESS_TOKEN_LIFETIME', (c, v) => { c.tokens.accessTokenLifetime = v }],
  ['TOLLGATE_REFRESH_TOKEN_LIFETIME', (c, v) => { c.tokens.refreshTokenLifetime = v }],
  ['TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS', (c, v) => { c.customDatabaseTimeoutMs = v }],
  ['TOLLGATE_JWT_CLOCK_TOLERANCE', (c, v) => { c.jwt.clockTolerance = v }],
  ['TOLLGATE_MAX_ASSERTION_LIFETIME', (c, v) => { c.jwt.maxAssertionLifetime = v }],
  ['TOLLGATE_MAX_JWT_LENGTH', (c, v) => { c.jwt.maxTokenLength = v }],
  ['TOLLGATE_JWKS_TIMEOUT_MS', (c, v) => { c.jwt.jwksTimeoutMs = v }],
  ['TOLLGATE_JWKS_CACHE_SECONDS', (c, v) => { c.jwt.jwksCacheSeconds = v }],
  ['TOLLGATE_PASSWORDLESS_CODE_LIFETIME', (c, v) => { c.passwordless.codeLifetime = v }],
  ['TOLLGATE_PASSWORDLESS_MAX_ATTEMPTS', (c, v) => { c.passwordless.maxAttempts = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_PER_IP', (c, v) => { c.passwordless.startLimitPerIp = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_PER_RECIPIENT', (c, v) => { c.passwordless.startLimitPerRecipient = v }],
  ['TOLLGATE_PASSWORDLESS_START_LIMIT_WINDOW', (c, v) => { c.passwordless.startLimitWindowSeconds = v }],
  ['TOLLGATE_PASSWORDLESS_DELIVERY_TIMEOUT_MS', (c, v) => { c.passwordless.deliveryTimeoutMs = v }],
]

export class ConfigError extends Error {}

/** Reads the environment over the defaults; throws a ConfigError naming the first bad setting. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: any = structuredClone({ ...defaults, ...overrides })
  for (const [name, set] of variables) {
    const value = env[name]
    if (value !== undefined && value !== '') set(raw, value)
  }
  const config = Value.Convert(ConfigSchema, raw)
  const [first] = Value.Errors(ConfigSchema, config)
  if (first) throw new ConfigError(`invalid setting ${first.path}: ${first.message}`)
  return config as Config
}
