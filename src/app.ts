// Builds the Fastify app from a config: the server and the tests build it the same way.
import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Config } from './config.js'
import { openBreachedPasswords } from './security/breached-passwords.js'
import { limitHashes } from './security/hash-limiter.js'
import { createArgon2Hasher, type PasswordHasher } from './security/password-hasher.js'
import { createServices } from './services.js'
import type { Store } from './store/port.js'
import { RedisAttackState } from './store/redis-attack-state.js'
import { connectRedis } from './store/redis.js'
import { openStore } from './store/open.js'
import accountLimits from '../plugins/account-limits.js'
import clientIp from '../plugins/client-ip.js'
import cors from '../plugins/cors.js'
import dbconnectionsSignup from '../plugins/dbconnections-signup.js'
import errorHandler from '../plugins/error-handler.js'
import loadShedding from '../plugins/load-shedding.js'
import notFound from '../plugins/not-found.js'
import oauthRevoke from '../plugins/oauth-revoke.js'
import oauthRo from '../plugins/oauth-ro.js'
import oauthToken from '../plugins/oauth-token.js'
import passwordless from '../plugins/passwordless.js'
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
]

export async function buildApp (options: AppOptions) {
  const { config } = options
  // Opened first: a missing file or an unreachable Redis stops the start before anything else is open.
  const breachedPasswords = config.attackProtection.breachedPasswords.file
    ? openBreachedPasswords(config.attackProtection.breachedPasswords.file)
    : undefined
  let redis: Redis | undefined
  let store: Store
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined
    store = options.store ?? await openStore(config)
  } catch (err) {
    breachedPasswords?.close()
    redis?.disconnect()
    throw err
  }
  const { hashConcurrency: concurrency, hashQueue: queue, retryAfterSeconds } = config.loadShedding
  const hasher = limitHashes(options.hasher ?? createArgon2Hasher(config.argon2), { concurrency, queue, retryAfterSeconds })

  const app = Fastify({
    // HTTPS served directly, for deployments without a TLS-terminating proxy.
    https: config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null,
    logger: { level: config.logLevel, redact: REDACTED_LOG_PATHS, ...(options.logStream ? { stream: options.logStream } : {}) },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    // Fields must arrive as the types the documentation gives: no coercion of arrays or numbers.
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // ioredis reconnects by itself; its errors are worth a line in the log, not an unhandled event.
  redis?.on('error', (err: Error) => { app.log.warn({ err: { message: err.message } }, 'redis connection error') })
  const attackState = redis ? new RedisAttackState(redis, config.redisKeyPrefix) : store
  app.decorate('tollgate', createServices(config, store, hasher, { attackState, breachedPasswords, now: options.now, redis }))
  if (!options.store) app.addHook('onClose', async () => { await store.close() })
  app.addHook('onClose', async () => {
    breachedPasswords?.close()
    await redis?.quit()
  })
  // The request id is the reference an operator looks up in the log.
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id) })
  // The decoy hash for unknown users is computed before the first request, not during it.
  app.addHook('onReady', async () => { await hasher.verifyNobody('') })

  await app.register(errorHandler)
  await app.register(notFound)
  // Refusals that must stay cheap come first: before the tenant is even looked up.
  await app.register(loadShedding)
  await app.register(requestLimits)
  // Token endpoints take JSON or form bodies; nothing else (Fastify would also read text/plain).
  app.removeContentTypeParser('text/plain')
  await app.register(formbody)
  await app.register(async (api) => {
    await api.register(tenant)
    await api.register(clientIp)
    await api.register(cors)
    await api.register(accountLimits)
    await api.register(oauthRo)
    await api.register(oauthToken)
    await api.register(oauthRevoke)
    await api.register(userinfo)
    await api.register(dbconnectionsSignup)
    await api.register(passwordless)
    await api.register(wellKnown)
  })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
