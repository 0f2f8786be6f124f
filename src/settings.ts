// Every environment variable Tollgate reads, in one table: its name, type, default, allowed values
// and meaning. The loader (src/config.ts), `tollgate settings` and README's configuration table are
// all made from it, so they cannot disagree.
import os from 'node:os'
import path from 'node:path'
import { parseEncryptionKey } from './security/encryption.js'
import { invalidIpEntry } from './security/ip-list.js'

export type SettingType = 'integer' | 'number' | 'boolean' | 'string' | 'enum' | 'list' | 'json' | 'path' | 'url' | 'database-url' | 'trust-proxy' | 'key'

export interface Setting {
  /** The environment variable. */
  env: string
  /** Where its value goes in the Config object, dotted. */
  path: string
  type: SettingType
  /** The value when the variable is unset (in the Config's own form); undefined: absent. */
  default: unknown
  /** How the default reads in the documentation, when it is not a literal (e.g. "CPUs"). */
  defaultText?: string
  min?: number
  max?: number
  /** enum: the values allowed. */
  values?: readonly string[]
  /** list: what each entry must be. */
  entries?: 'ip-or-cidr' | 'route' | 'key'
  description: string
}

export class SettingError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const cpus = os.availableParallelism()

const int = (env: string, path: string, def: number, min: number, max: number | undefined, description: string, defaultText?: string): Setting =>
  ({ env, path, type: 'integer', default: def, min, max, description, defaultText })
const bool = (env: string, path: string, def: boolean, description: string): Setting => ({ env, path, type: 'boolean', default: def, description })

export const SETTINGS: readonly Setting[] = [
  { env: 'TOLLGATE_DATA_DIR', path: 'dataDir', type: 'path', default: path.resolve('data'), defaultText: '`./data` (in the working directory)',
    description: 'Directory of the SQLite store (`tollgate serve` and `apply` create it; other commands require it).' },
  { env: 'HOST', path: 'host', type: 'string', default: '127.0.0.1', description: 'Address to listen on (`0.0.0.0` for every interface).' },
  int('PORT', 'port', 3000, 0, 65535, 'Port to listen on (0: any free port).'),
  { env: 'LOG_LEVEL', path: 'logLevel', type: 'enum', default: 'info', values: LOG_LEVELS,
    description: 'Log level (pino); passwords, secrets, tokens and codes are always redacted.' },
  { env: 'TOLLGATE_TRUST_PROXY', path: 'trustProxy', type: 'trust-proxy', default: false,
    description: 'Whether X-Forwarded-* headers are believed: `false`, `true` (any sender), or the proxies\' addresses or CIDRs, comma-separated (the safe choice behind a proxy).' },
  int('TOLLGATE_BODY_LIMIT', 'bodyLimit', 64 * 1024, 1024, undefined, 'Largest request body, in bytes.'),
  int('TOLLGATE_SHUTDOWN_DRAIN_MS', 'shutdownDrainMs', 10000, 0, 600000,
    'On SIGTERM or SIGINT, how long requests in flight may take to finish before their connections are cut.'),
  int('TOLLGATE_METRICS_PORT', 'metrics.port', 0, 0, 65535, 'Port of the Prometheus metrics listener (`GET /metrics`); 0: no metrics.'),
  { env: 'TOLLGATE_METRICS_HOST', path: 'metrics.host', type: 'string', default: '127.0.0.1', description: 'Address of the metrics listener.' },
  { env: 'TOLLGATE_ISSUER_SCHEME', path: 'issuerScheme', type: 'enum', default: undefined, values: ['http', 'https'], defaultText: '`https` with TLS, else `http`',
    description: 'Scheme of a tenant\'s issuer built from one of its listed hosts (a tenant without `public_url`).' },
  int('TOLLGATE_TENANT_CACHE_SIZE', 'tenantCacheSize', 1000, 16, 100000, 'Hosts whose tenant is remembered at once (least recently used forgotten first).'),
  // Node's own defaults are minutes or unlimited; these suit a token API whose requests are small.
  int('TOLLGATE_REQUEST_TIMEOUT_MS', 'server.requestTimeoutMs', 30000, 1000, 600000, 'A whole request (headers and body) must arrive within this, in ms.'),
  int('TOLLGATE_HEADERS_TIMEOUT_MS', 'server.headersTimeoutMs', 10000, 500, undefined, 'Headers must arrive within this, in ms (at most TOLLGATE_REQUEST_TIMEOUT_MS).'),
  int('TOLLGATE_CONNECTION_TIMEOUT_MS', 'server.connectionTimeoutMs', 60000, 1000, undefined, 'A socket with no activity for this long is closed, in ms.'),
  int('TOLLGATE_KEEP_ALIVE_TIMEOUT_MS', 'server.keepAliveTimeoutMs', 5000, 100, undefined, 'An idle keep-alive connection is closed after this, in ms.'),
  int('TOLLGATE_TIMEOUT_CHECK_INTERVAL_MS', 'server.timeoutCheckIntervalMs', 1000, 100, undefined, 'How often requests are checked against the two timeouts above, in ms.'),
  int('TOLLGATE_MAX_REQUESTS_PER_SOCKET', 'server.maxRequestsPerSocket', 1000, 1, undefined, 'Requests one keep-alive connection may carry before it is closed.'),
  int('TOLLGATE_MAX_CONNECTIONS', 'server.maxConnections', 10000, 1, undefined, 'Connections open at once; beyond, new ones are closed at once.'),
  int('TOLLGATE_DRAIN_LIMIT_BYTES', 'server.drainLimitBytes', 4 * 1024 * 1024, 0, undefined, 'Bytes of an oversized upload read and discarded so that the client can read its 400.'),
  int('TOLLGATE_WORKERS', 'workers', Math.min(cpus, 64), 1, 64,
    'Worker processes serving one port (node:cluster); 1: no workers, the main process serves. Metrics are every worker\'s, summed. Each worker\'s thread pool (signatures, hashes) is 4 / N threads, at least 2, unless UV_THREADPOOL_SIZE is set.', 'CPUs'),
  int('TOLLGATE_CONFIG_MAX_AGE_MS', 'configMaxAgeMs', 250, 0, 1000, 'How old the last check of the configuration version may be when a request reads configuration, in ms.'),
  int('TOLLGATE_AUDIT_FLUSH_MS', 'audit.flushMs', 200, 10, 5000, 'Audit events are written in batches at least this often, in ms.'),
  int('TOLLGATE_AUDIT_MAX_EVENTS', 'audit.maxEvents', 1000, 1, 100000, 'Audit events held before a batch is written at once.'),
  { env: 'TOLLGATE_ENCRYPTION_KEY', path: 'encryption.key', type: 'key', default: '',
    description: 'Server key sealing secrets at rest (TOTP secrets); required when a tenant uses MFA.' },
  { env: 'TOLLGATE_ENCRYPTION_PREVIOUS_KEYS', path: 'encryption.previousKeys', type: 'list', entries: 'key', default: [],
    description: 'Earlier encryption keys, comma-separated: they only open secrets sealed before a rotation.' },
  bool('TOLLGATE_OPENAPI_ENABLED', 'openApi', true, 'Serve the OpenAPI document at `/openapi.json` and its reference page at `/docs`.'),
  // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
  int('TOLLGATE_ARGON2_MEMORY_COST', 'argon2.memoryCost', 19456, 1024, undefined, 'argon2id memory for new password hashes, in KiB.'),
  int('TOLLGATE_ARGON2_TIME_COST', 'argon2.timeCost', 2, 1, undefined, 'argon2id passes for new password hashes.'),
  int('TOLLGATE_ARGON2_PARALLELISM', 'argon2.parallelism', 1, 1, undefined, 'argon2id lanes for new password hashes.'),
  // Auth0's defaults: id_token 10 h, access token 24 h, refresh token 30 days absolute, 15 days idle.
  int('TOLLGATE_ID_TOKEN_LIFETIME', 'tokens.idTokenLifetime', 36000, 60, undefined, 'Seconds an id_token is valid.'),
  int('TOLLGATE_ACCESS_TOKEN_LIFETIME', 'tokens.accessTokenLifetime', 86400, 60, undefined, 'Seconds an access token is valid (an API may set its own).'),
  int('TOLLGATE_REFRESH_TOKEN_LIFETIME', 'tokens.refreshTokenLifetime', 2592000, 60, undefined,
    'Seconds a refresh token family lives, counted from the login that started it.'),
  int('TOLLGATE_REFRESH_TOKEN_IDLE_LIFETIME', 'tokens.refreshTokenIdleLifetime', 1296000, 60, undefined,
    'A refresh token not used within this many seconds expires.'),
  { env: 'TOLLGATE_TLS_CERT_FILE', path: 'tls.certFile', type: 'path', default: undefined,
    description: 'Serve HTTPS directly with this certificate (PEM); needs TOLLGATE_TLS_KEY_FILE. Unset: plain HTTP.' },
  { env: 'TOLLGATE_TLS_KEY_FILE', path: 'tls.keyFile', type: 'path', default: undefined,
    description: 'The private key (PEM) of TOLLGATE_TLS_CERT_FILE.' },
  int('TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS', 'customDatabaseTimeoutMs', 5000, 100, undefined, "How long a custom database's user store may take, in ms."),
  // oidc-provider's 15 s skew.
  int('TOLLGATE_JWT_CLOCK_TOLERANCE', 'jwt.clockTolerance', 15, 0, 300, 'Seconds of clock skew allowed on exp, nbf and iat of received JWTs.'),
  // An hour of assertion lifetime is what mainstream clients sign with (authlib's default, Google's
  // service-account assertions, Okta's limit); each jti is kept until its exp.
  int('TOLLGATE_MAX_ASSERTION_LIFETIME', 'jwt.maxAssertionLifetime', 3600, 10, 86400, 'Longest an RFC 7523 assertion may live (exp - iat), in seconds.'),
  int('TOLLGATE_MAX_JWT_LENGTH', 'jwt.maxTokenLength', 8192, 1024, 65536, 'Longest id_token or assertion accepted, in characters.'),
  int('TOLLGATE_JWKS_TIMEOUT_MS', 'jwt.jwksTimeoutMs', 3000, 100, undefined, "Timeout of fetching a client's jwks_uri, in ms."),
  int('TOLLGATE_JWKS_CACHE_SECONDS', 'jwt.jwksCacheSeconds', 300, 0, undefined, "How long a client's jwks_uri keys are cached."),
  int('TOLLGATE_JWKS_FAILURE_CACHE_SECONDS', 'jwt.jwksFailureCacheSeconds', 30, 1, undefined, 'How long a failed jwks_uri fetch is remembered (bad assertions do not refetch).'),
  bool('TOLLGATE_JWKS_ALLOW_HTTP', 'jwt.jwksAllowHttp', false, 'Development only: allow `http://` jwks_uri.'),
  bool('TOLLGATE_JWKS_ALLOW_PRIVATE_ADDRESSES', 'jwt.jwksAllowPrivateAddresses', false, 'Development only: allow jwks_uri on loopback, private or link-local addresses.'),
  // Auth0's defaults: 3 minutes, 3 tries, 50 starts per IP per hour. The per-recipient limit is
  // Tollgate's own guard against SMS pumping.
  int('TOLLGATE_PASSWORDLESS_CODE_LIFETIME', 'passwordless.codeLifetime', 180, 30, 3600, 'Seconds a passwordless code is valid.'),
  int('TOLLGATE_PASSWORDLESS_MAX_ATTEMPTS', 'passwordless.maxAttempts', 3, 1, 10, 'Attempts (wrong or right) one passwordless code allows.'),
  int('TOLLGATE_PASSWORDLESS_START_LIMIT_PER_IP', 'passwordless.startLimitPerIp', 50, 1, undefined, '`/passwordless/start` requests per IP in each window.'),
  int('TOLLGATE_PASSWORDLESS_START_LIMIT_PER_RECIPIENT', 'passwordless.startLimitPerRecipient', 10, 1, undefined,
    'Codes sent to one phone number or email in each window.'),
  int('TOLLGATE_PASSWORDLESS_START_LIMIT_WINDOW', 'passwordless.startLimitWindowSeconds', 3600, 1, undefined, 'The window of the two limits above, in seconds.'),
  int('TOLLGATE_PASSWORDLESS_DELIVERY_TIMEOUT_MS', 'passwordless.deliveryTimeoutMs', 5000, 100, 60000,
    "Timeout of a call to an HTTP delivery gateway, in ms (a connection's `timeout_ms` overrides it)."),
  // Emails to users (reset and verification links, notices); how each tenant sends them is in its provisioning.
  int('TOLLGATE_EMAIL_MAX_ATTEMPTS', 'email.maxAttempts', 3, 1, 10, 'Attempts per email (the first included) before a failed delivery is given up and logged.'),
  int('TOLLGATE_EMAIL_RETRY_DELAY_MS', 'email.retryDelayMs', 2000, 0, 600000, 'Delay before the first retry of an email, in ms; doubled before each next one.'),
  // Auth0's bucket for /dbconnections/change_password: 10 at once, one more a minute, per IP and email.
  int('TOLLGATE_CHANGE_PASSWORD_BURST', 'changePassword.burst', 10, 1, undefined,
    '`/dbconnections/change_password` requests allowed at once per IP and email (and per email from any IP).'),
  int('TOLLGATE_CHANGE_PASSWORD_REFILL_SECONDS', 'changePassword.refillSeconds', 60, 1, undefined, 'One more such request is allowed every this many seconds.'),
  { env: 'TOLLGATE_DATABASE_URL', path: 'database.url', type: 'database-url', default: '',
    description: 'PostgreSQL (`postgres://USER:PASSWORD@HOST:PORT/DB`) holding the store, shared by several instances (README, "Running several instances"); unset: the SQLite file in the data directory.' },
  int('TOLLGATE_DATABASE_POOL_SIZE', 'database.poolSize', 10, 1, 1000, 'PostgreSQL connections one process keeps at most (each worker has its own pool).'),
  { env: 'TOLLGATE_REDIS_URL', path: 'redisUrl', type: 'url', default: '',
    description: 'Redis (`redis://` or `rediss://`) holding attack-protection state and rate-limit counters, shared by several instances; unset: kept in the store.' },
  { env: 'TOLLGATE_REDIS_KEY_PREFIX', path: 'redisKeyPrefix', type: 'string', default: 'tollgate:', description: 'Prefix of every Redis key Tollgate writes.' },
  // Auth0's defaults: 10 failures per account and IP, blocked 30 days; 100 failures per IP a day.
  bool('TOLLGATE_BRUTE_FORCE_ENABLED', 'attackProtection.bruteForce.enabled', true, 'Block an account after consecutive failed logins.'),
  int('TOLLGATE_BRUTE_FORCE_THRESHOLD', 'attackProtection.bruteForce.threshold', 10, 1, 100, 'Consecutive failed logins that block an account.'),
  { env: 'TOLLGATE_BRUTE_FORCE_MODE', path: 'attackProtection.bruteForce.mode', type: 'enum', default: 'per_ip', values: ['per_ip', 'account_lockout'],
    description: '`per_ip`: failures count per account and IP; `account_lockout`: per account, from any IP.' },
  int('TOLLGATE_BRUTE_FORCE_BLOCK_SECONDS', 'attackProtection.bruteForce.blockSeconds', 30 * 24 * 3600, 1, undefined,
    'How long a block lasts after the last failed attempt.'),
  bool('TOLLGATE_SUSPICIOUS_IP_ENABLED', 'attackProtection.suspiciousIp.enabled', true, 'Throttle an IP that fails logins across many accounts.'),
  int('TOLLGATE_SUSPICIOUS_IP_MAX_FAILURES', 'attackProtection.suspiciousIp.maxFailures', 100, 1, undefined,
    'Failed logins one IP may make across all accounts per window; they refill evenly.'),
  int('TOLLGATE_SUSPICIOUS_IP_WINDOW_SECONDS', 'attackProtection.suspiciousIp.windowSeconds', 24 * 3600, 1, undefined, 'The window of the limit above.'),
  { env: 'TOLLGATE_BREACHED_PASSWORDS_FILE', path: 'attackProtection.breachedPasswords.file', type: 'path', default: '',
    description: 'A Pwned Passwords file (`SHA-1:count` lines, sorted by hash); unset: no breached-password check.' },
  int('TOLLGATE_BREACHED_PASSWORDS_MIN_COUNT', 'attackProtection.breachedPasswords.minCount', 1, 1, undefined,
    'How often a password must have been seen in breaches to be refused.'),
  { env: 'TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST', path: 'attackProtection.allowList', type: 'list', entries: 'ip-or-cidr', default: [],
    description: 'Addresses or CIDRs never counted by brute-force protection and IP throttling, comma-separated.' },
  // 20 attempts a minute per account and IP is Auth0's same-account limit.
  bool('TOLLGATE_RATE_LIMIT_ENABLED', 'rateLimits.enabled', true, 'Request rate limits per IP.'),
  int('TOLLGATE_RATE_LIMIT_MAX', 'rateLimits.perIp.max', 300, 1, undefined, 'Requests per IP and endpoint in each window.'),
  int('TOLLGATE_RATE_LIMIT_WINDOW_SECONDS', 'rateLimits.perIp.windowSeconds', 60, 1, undefined, 'The window of the limit above.'),
  { env: 'TOLLGATE_RATE_LIMIT_ROUTES', path: 'rateLimits.routes', type: 'json', default: {},
    description: 'Endpoints with their own limit, as JSON: `{"/oauth/ro": {"max": 50, "windowSeconds": 60}}`.' },
  int('TOLLGATE_ACCOUNT_RATE_LIMIT_MAX', 'rateLimits.perAccount.max', 20, 1, undefined, 'Login attempts per IP and account in each window, successful or not.'),
  int('TOLLGATE_ACCOUNT_RATE_LIMIT_WINDOW_SECONDS', 'rateLimits.perAccount.windowSeconds', 60, 1, undefined, 'The window of the limit above.'),
  { env: 'TOLLGATE_ACCOUNT_RATE_LIMIT_ROUTES', path: 'rateLimits.accountRoutes', type: 'list', entries: 'route',
    default: ['/oauth/ro', '/oauth/token', '/passwordless/verify'], description: 'The credential endpoints the per-account limit counts, comma-separated.' },
  { env: 'TOLLGATE_RATE_LIMIT_ALLOW_LIST', path: 'rateLimits.allowList', type: 'list', entries: 'ip-or-cidr', default: [],
    description: 'Addresses or CIDRs never rate limited (e.g. your own backend), comma-separated.' },
  // A few hashes per core may wait (about 4 x 23 ms here); more would only grow the queue's latency.
  int('TOLLGATE_HASH_CONCURRENCY', 'loadShedding.hashConcurrency', cpus, 1, undefined, 'Password hashes computed at once by the whole server (shared out among its workers, rounded up); the rest wait.', 'CPUs'),
  int('TOLLGATE_HASH_QUEUE', 'loadShedding.hashQueue', 4 * cpus, 0, undefined,
    'Password hashes allowed to wait in the whole server (shared out among its workers, rounded up); beyond, a login is answered 503 at once.', '4 × CPUs'),
  int('TOLLGATE_BUSY_RETRY_AFTER_SECONDS', 'loadShedding.retryAfterSeconds', 1, 1, undefined, 'Retry-After of a 503 answered under load.'),
  int('TOLLGATE_MAX_EVENT_LOOP_DELAY_MS', 'loadShedding.maxEventLoopDelayMs', 1000, 0, undefined, 'Event-loop delay beyond which requests are refused (503); 0: off.'),
  { env: 'TOLLGATE_MAX_EVENT_LOOP_UTILIZATION', path: 'loadShedding.maxEventLoopUtilization', type: 'number', default: 0, min: 0, max: 1,
    description: 'Event-loop utilization beyond which requests are refused (503); 0: off.' },
  int('TOLLGATE_MAX_HEAP_USED_BYTES', 'loadShedding.maxHeapUsedBytes', 0, 0, undefined, 'Heap use beyond which requests are refused (503); 0: off.'),
  int('TOLLGATE_MAX_RSS_BYTES', 'loadShedding.maxRssBytes', 0, 0, undefined, 'Resident memory beyond which requests are refused (503); 0: off.'),
  int('TOLLGATE_PRESSURE_SAMPLE_INTERVAL_MS', 'loadShedding.sampleIntervalMs', 1000, 10, undefined, 'How often the event loop and memory are sampled.'),
]

/** What a setting allows, in words, for errors and the documentation. */
export function allowedValues (s: Setting): string {
  const range = s.max === undefined ? `${s.min} or more` : `${s.min} to ${s.max}`
  switch (s.type) {
    case 'integer': return `an integer, ${range}`
    case 'number': return `a number, ${range}`
    case 'boolean': return '`true` or `false`'
    case 'enum': return s.values!.map((v) => `\`${v}\``).join(', ')
    case 'list': return s.entries === 'route' ? 'paths starting with `/`, comma-separated' : s.entries === 'key' ? 'keys as for TOLLGATE_ENCRYPTION_KEY, comma-separated' : 'IP addresses or CIDRs, comma-separated'
    case 'json': return 'a JSON object of path to `{"max", "windowSeconds"}`'
    case 'path': return 'a file path'
    case 'url': return 'a `redis://` or `rediss://` URL'
    case 'database-url': return 'a `postgres://` or `postgresql://` URL'
    case 'trust-proxy': return '`true`, `false`, or IP addresses or CIDRs, comma-separated'
    case 'string': return 'text'
    case 'key': return '32 random bytes in base64 (`openssl rand -base64 32`)'
  }
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)
const isLimit = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 2 &&
  [(v as any).max, (v as any).windowSeconds].every((n) => Number.isSafeInteger(n) && n >= 1)

/** Parses a variable's value; undefined when it does not fit (the caller names what is allowed). */
function parse (s: Setting, raw: string): unknown {
  const inRange = (n: number) => n >= s.min! && (s.max === undefined || n <= s.max)
  switch (s.type) {
    case 'integer': { const n = Number(raw); return /^-?\d+$/.test(raw) && Number.isSafeInteger(n) && inRange(n) ? n : undefined }
    case 'number': { const n = Number(raw); return raw.trim() !== '' && Number.isFinite(n) && inRange(n) ? n : undefined }
    case 'boolean': return raw === 'true' ? true : raw === 'false' ? false : undefined
    case 'enum': return s.values!.includes(raw) ? raw : undefined
    case 'string': return raw
    case 'path': return path.resolve(raw)
    case 'url': return /^rediss?:\/\/.+/.test(raw) && URL.canParse(raw) ? raw : undefined
    case 'database-url': return /^postgres(ql)?:\/\/.+/.test(raw) && URL.canParse(raw) ? raw : undefined
    case 'key': return parseEncryptionKey(raw) ? raw : undefined
    case 'list': {
      const entries = list(raw)
      if (s.entries === 'route') return entries.every((e) => e.startsWith('/')) ? entries : undefined
      if (s.entries === 'key') return entries.every((e) => parseEncryptionKey(e)) ? entries : undefined
      return invalidIpEntry(entries) === undefined ? entries : undefined
    }
    case 'json': {
      let value: unknown
      try { value = JSON.parse(raw) } catch { return undefined }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
      return Object.entries(value).every(([route, limit]) => route.startsWith('/') && isLimit(limit)) ? value : undefined
    }
    case 'trust-proxy': {
      if (raw === 'true') return true
      if (raw === 'false') return false
      const entries = list(raw)
      return entries.length > 0 && invalidIpEntry(entries) === undefined ? entries.join(',') : undefined
    }
  }
}

/** The value of one variable, or a SettingError naming it, its value and what is allowed. */
export function parseSetting (s: Setting, raw: string): unknown {
  const value = parse(s, raw)
  if (value === undefined) {
    // Never echo a Redis or database URL (it may carry a password) or a key.
    const shown = s.type === 'url' || s.type === 'database-url' || s.type === 'key' || s.entries === 'key' ? '(hidden)' : JSON.stringify(raw)
    throw new SettingError(`invalid setting ${s.env}=${shown}: allowed is ${allowedValues(s).replaceAll('`', '')}`)
  }
  return value
}

function setPath (target: any, dotted: string, value: unknown) {
  const keys = dotted.split('.')
  const last = keys.pop()!
  let node = target
  for (const key of keys) node = node[key] ??= {}
  node[last] = value
}

/** The settings' defaults as one nested object. */
export function settingDefaults (): Record<string, unknown> {
  const out = {}
  for (const s of SETTINGS) if (s.default !== undefined) setPath(out, s.path, structuredClone(s.default))
  return out
}

/** Applies every variable present in `env` to `target` (in place). */
export function applyEnvironment (target: object, env: NodeJS.ProcessEnv) {
  for (const s of SETTINGS) {
    const raw = env[s.env]
    if (raw !== undefined && raw !== '') setPath(target, s.path, parseSetting(s, raw))
  }
}

function shownDefault (s: Setting): string {
  if (s.defaultText) return s.defaultText
  if (s.default === undefined || s.default === '' || (Array.isArray(s.default) && s.default.length === 0)) return '(unset)'
  if (Array.isArray(s.default)) return `\`${s.default.join(',')}\``
  if (typeof s.default === 'object') return `\`${JSON.stringify(s.default)}\``
  return `\`${String(s.default)}\``
}

/** README's configuration table. */
export function settingsMarkdown (): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${shownDefault(s)} | ${allowedValues(s)} | ${s.description.replaceAll('|', '\\|')} |`)
  return ['| variable | default | allowed | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

/** The settings for `tollgate settings --json`. */
export function settingsJson () {
  return SETTINGS.map((s) => ({ env: s.env, type: s.type, default: shownDefault(s).replaceAll('`', ''), allowed: allowedValues(s).replaceAll('`', ''), description: s.description }))
}
