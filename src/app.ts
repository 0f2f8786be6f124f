// Builds the Fastify app from a config: the server and the tests build it the same way.
import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Config } from './config.js'
import { createArgon2Hasher, type PasswordHasher } from './security/password-hasher.js'
import { createServices } from './services.js'
import type { Store } from './store/port.js'
import { openSqliteStore } from './store/sqlite.js'
import cors from '../plugins/cors.js'
import dbconnectionsSignup from '../plugins/dbconnections-signup.js'
import errorHandler from '../plugins/error-handler.js'
import notFound from '../plugins/not-found.js'
import oauthRevoke from '../plugins/oauth-revoke.js'
import oauthRo from '../plugins/oauth-ro.js'
import oauthToken from '../plugins/oauth-token.js'
import tenant from '../plugins/tenant.js'
import userinfo from '../plugins/userinfo.js'
import wellKnown from '../plugins/well-known.js'

export interface AppOptions {
  config: Config
  /** A store to use instead of opening the embedded one (the caller then closes it). */
  store?: Store
  /** A password hasher to use instead of argon2id with the configured parameters. */
  hasher?: PasswordHasher
  logger?: FastifyServerOptions['logger']
}

/** Log fields that may carry secrets; pino replaces them before anything is written. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.body', '*.password', '*.client_secret',
  '*.refresh_token', '*.id_token', '*.access_token', '*.otp', '*.verification_code', '*.assertion',
]

export async function buildApp (options: AppOptions) {
  const { config } = options
  const store = options.store ?? await openSqliteStore(config.dataDir)
  const hasher = options.hasher ?? createArgon2Hasher(config.argon2)

  const app = Fastify({
    // HTTPS served directly, for deployments without a TLS-terminating proxy.
    https: config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : null,
    logger: options.logger ?? { level: config.logLevel, redact: REDACTED_LOG_PATHS },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    genReqId: () => randomUUID(),
    // Fields must arrive as the types the documentation gives: no coercion of arrays or numbers.
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('tollgate', createServices(config, store, hasher))
  if (!options.store) app.addHook('onClose', async () => { await store.close() })
  // The request id is the reference an operator looks up in the log.
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id) })
  // The decoy hash for unknown users is computed before the first request, not during it.
  app.addHook('onReady', async () => { await hasher.verifyNobody('') })

  await app.register(errorHandler)
  await app.register(notFound)
  // Token endpoints take JSON or form bodies; nothing else (Fastify would also read text/plain).
  app.removeContentTypeParser('text/plain')
  await app.register(formbody)
  await app.register(async (api) => {
    await api.register(tenant)
    await api.register(cors)
    await api.register(oauthRo)
    await api.register(oauthToken)
    await api.register(oauthRevoke)
    await api.register(userinfo)
    await api.register(dbconnectionsSignup)
    await api.register(wellKnown)
  })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
