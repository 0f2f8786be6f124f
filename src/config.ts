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
  // Auth0's defaults: id_token 10 h, access token 24 h, refresh token 30 days absolute, 15 days idle.
  tokens: { idTokenLifetime: 36000, accessTokenLifetime: 86400, refreshTokenLifetime: 2592000, refreshTokenIdleLifetime: 1296000 },
  customDatabaseTimeoutMs: 5000,
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
  ['TOLLGATE_REFRESH_TOKEN_IDLE_LIFETIME', (c, v) => { c.tokens.refreshTokenIdleLifetime = v }],
  ['TOLLGATE_TLS_CERT_FILE', (c, v) => { c.tls = { ...c.tls, certFile: path.resolve(v) } }],
  ['TOLLGATE_TLS_KEY_FILE', (c, v) => { c.tls = { ...c.tls, keyFile: path.resolve(v) } }],
  ['TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS', (c, v) => { c.customDatabaseTimeoutMs = v }],
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
