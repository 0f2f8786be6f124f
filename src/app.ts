// Builds the Fastify app from a config: the server and the tests build it the same way.
import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError, type Config } from './config.js'
import { createMetrics, NO_METRICS } from './metrics.js'
import { openBreachedPasswords } from './security/breached-passwords.js'
import { limitHashes } from './security/hash-limiter.js'
import { createArgon2Hasher, type PasswordHasher } from './security/password-hasher.js'
import { requestLogger } from './request-logger.js'
import { createServices } from './services.js'
import type { Store } from './store/port.js'
import { RedisAttackState } from './store/redis-attack-state.js'
import { closeRedis, connectRedis } from './store/redis.js'
import { withMemoryLayers } from './store/memory-layers.js'
import { openStore } from './store/open.js'
import accountLimits from '../plugins/account-limits.js'
import { clientErrorHandler, frameworkErrors, refuseExpectation, SECURITY_HEADERS } from '../plugins/client-errors.js'
import clientIp from '../plugins/client-ip.js'
import cors from '../plugins/cors.js'
import accountPages from '../plugins/account-pages.js'
import dbconnectionsChangePassword from '../plugins/dbconnections-change-password.js'
import dbconnectionsSignup from '../plugins/dbconnections-signup.js'
import errorHandler from '../plugins/error-handler.js'
import health from '../plugins/health.js'
import loadShedding from '../plugins/load-shedding.js'
import metricsPlugin from '../plugins/metrics.js'
import mfa from '../plugins/mfa.js'
import notFound from '../plugins/not-found.js'
import oauthRevoke from '../plugins/oauth-revoke.js'
import oauthRo from '../plugins/oauth-ro.js'
import oauthToken from '../plugins/oauth-token.js'
import openApi from '../plugins/openapi.js'
import passwordless from '../plugins/passwordless.js'
import requestClient from '../plugins/request-client.js'
import requestLimits from '../plugins/request-limits.js'
import tenant from '../plugins/tenant.js'
import userinfo from '../plugins/userinfo.js'
import wellKnown from '../plugins/well-known.js'

export interface AppOptions {
  config: Config
  /** A store to use instead of opening the embedded one (the caller then closes it). */
  store?: Store
  /** A password hasher to use instead of argon2id with the configured parameters. */
  hasher?: PasswordHasher
  /** Where log lines go instead of stdout (tests read them). Redaction applies either way. */
  logStream?: { write (line: string): void }
  /** The clock of attack protection (epoch ms), for tests that move time. */
  now?: () => number
}

/** Log fields that may carry secrets; pino replaces them before anything is written. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.body', '*.password', '*.client_secret',
  '*.refresh_token', '*.id_token', '*.access_token', '*.otp', '*.verification_code', '*.assertion',
  '*.mfa_token', '*.mfa_code', '*.recovery_code', '*.oob_code', '*.binding_code', '*.secret',
]

/** A one-time link's ticket travels in the query string: the log sees the URL without it. */
const redactTicket = (url: string): string => url.replace(/([?&]ticket=)[^&#]*/gi, '$1[Redacted]')

/** Fastify's default request fields, with the URL's ticket redacted. */
function serializeRequest (request: { method: string, url: string, host?: string, hostname?: string, ip?: string, socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: redactTicket(request.url),
    host: request.host ?? request.hostname,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

export async function buildApp (options: AppOptions) {
  const { config } = options
  // Opened first: a missing file or an unreachable Redis stops the start before anything else is open.
  const breachedPasswords = config.attackProtection.breachedPasswords.file
    ? openBreachedPasswords(config.attackProtection.breachedPasswords.file)
    : undefined
  let redis: Redis | undefined
  let durable: Store
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined
    durable = options.store ?? await openStore(config)
  } catch (err) {
    breachedPasswords?.close()
    redis?.disconnect()
    throw err
  }
  try {
    await requireEncryptionKeyForMfa(config, durable)
  } catch (err) {
    breachedPasswords?.close()
    redis?.disconnect()
    if (!options.store) await durable.close()
    throw err
  }
  const { hashConcurrency: concurrency, hashQueue: queue, retryAfterSeconds } = config.loadShedding
  // Metrics are recorded only when they are served.
  const metrics = config.metrics.port > 0 ? createMetrics() : NO_METRICS
  const hasher = limitHashes(options.hasher ?? createArgon2Hasher(config.argon2), { concurrency, queue, retryAfterSeconds }, () => { metrics.shed('hash_queue') })
  metrics.watchHashes(() => hasher.load)

  const { server } = config
  // Node's own limits on a request's arrival. A request without Host is let through to be answered
  // by plugins/tenant.ts in the catalog's shape.
  const serverOptions = {
    headersTimeout: server.headersTimeoutMs,
    connectionsCheckingInterval: server.timeoutCheckIntervalMs,
    requireHostHeader: false,
  }
  const app = Fastify({
    // HTTPS served directly, for deployments without a TLS-terminating proxy.
    https: config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile), ...serverOptions } : null,
    // Read by Fastify when it creates a plain HTTP server (the https options carry the same).
    ...({ http: serverOptions } as object),
    requestTimeout: server.requestTimeoutMs,
    connectionTimeout: server.connectionTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    maxRequestsPerSocket: server.maxRequestsPerSocket,
    clientErrorHandler,
    frameworkErrors,
    logger: {
      level: config.logLevel,
      redact: REDACTED_LOG_PATHS,
      serializers: { req: serializeRequest },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    childLoggerFactory: requestLogger,
    // Fields must arrive as the types the documentation gives: no coercion of arrays or numbers.
    ajv: { customOptions: { coerceTypes: false } },
    // While draining (src/server.ts), requests on open connections are still answered, readiness 503.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.server.maxConnections = server.maxConnections
  app.server.on('checkExpectation', refuseExpectation)

  // Configuration from memory, audit events in batches (src/store/memory-layers.ts).
  const store = withMemoryLayers(durable, {
    configMaxAgeMs: config.configMaxAgeMs,
    audit: { ...config.audit, onError: (err) => { app.log.error({ err }, 'audit events not written') } },
  })

  // ioredis reconnects by itself; its errors are worth a line in the log, not an unhandled event.
  redis?.on('error', (err: Error) => {
    metrics.backendError('redis')
    app.log.warn({ err: { message: err.message } }, 'redis connection error')
  })
  const attackState = redis ? new RedisAttackState(redis, config.redisKeyPrefix) : store
  app.decorate('tollgate', createServices(config, store, hasher, { attackState, breachedPasswords, now: options.now, metrics, log: app.log, redis }))
  app.addHook('onClose', async () => { await (options.store ? store.stopLayers() : store.close()) })
  // Emails still being sent are finished (within their bounded retries) before the store closes
  // (onClose hooks run in the reverse order of their registration).
  app.addHook('onClose', async () => {
    await app.tollgate.mailer.idle()
    app.tollgate.mailer.close()
  })
  app.addHook('onClose', async () => {
    breachedPasswords?.close()
    if (redis) await closeRedis(redis)
  })
  // The request id is the reference an operator looks up in the log. (Hooks that never wait are
  // written with a callback: an async hook costs every request a promise.)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // Set by hand rather than with @fastify/helmet: a JSON API needs only this one of helmet's headers
  // (the others are for HTML pages). onSend also covers answers given before onRequest runs.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS)
    done(null, payload)
  })
  // The decoy hash for unknown users is computed before the first request, not during it.
  app.addHook('onReady', async () => { await hasher.verifyNobody('') })

  await app.register(errorHandler)
  await app.register(metricsPlugin)
  await app.register(notFound)
  // Refusals that must stay cheap come first: before the tenant is even looked up.
  await app.register(loadShedding)
  await app.register(requestLimits)
  // The API document sees every route registered after it.
  if (config.openApi) await app.register(openApi)
  await app.register(health, { redis, hasher })
  // Token endpoints take JSON or form bodies; nothing else (Fastify would also read text/plain).
  app.removeContentTypeParser('text/plain')
  await app.register(formbody)
  await app.register(async (api) => {
    await api.register(tenant)
    await api.register(requestClient)
    await api.register(clientIp)
    await api.register(cors)
    await api.register(accountLimits)
    await api.register(oauthRo)
    await api.register(oauthToken)
    await api.register(oauthRevoke)
    await api.register(userinfo)
    await api.register(dbconnectionsSignup)
    await api.register(dbconnectionsChangePassword)
    await api.register(accountPages)
    await api.register(passwordless)
    await api.register(mfa)
    await api.register(wellKnown)
  })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>

/** TOTP secrets are sealed with TOLLGATE_ENCRYPTION_KEY: a tenant using MFA cannot start without it. */
async function requireEncryptionKeyForMfa (config: Config, store: Store): Promise<void> {
  if (config.encryption.key) return
  const tenant = (await store.allTenants()).find((t) => (t.mfa?.policy ?? 'never') !== 'never')
  if (tenant) {
    throw new ConfigError(`TOLLGATE_ENCRYPTION_KEY is not set, and tenant ${tenant.name} has mfa.policy ${tenant.mfa!.policy}: ` +
      'set it to 32 random bytes in base64 (openssl rand -base64 32)')
  }
}
