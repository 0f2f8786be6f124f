// GET /health/live and GET /health/ready, for a load balancer or an orchestrator. Outside tenants,
// rate limits, load shedding and CORS: a probe is answered whatever the Host and however busy the
// process. Ready means: the store and Redis answer, every tenant has a signing key, load is not being
// shed, and the server is not draining; otherwise 503 not_ready naming the first reason.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { oauthError } from '../src/errors.js'
import type { LimitedHasher } from '../src/security/hash-limiter.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An operations endpoint: no rate limit, no load shedding. */
    operational?: boolean
  }
}

export interface HealthOptions {
  redis?: Redis
  hasher: LimitedHasher
}

/** How long a readiness check may wait for the store or Redis. */
const CHECK_TIMEOUT_MS = 2000

const withTimeout = <T>(work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS) })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

const health: FastifyPluginAsync<HealthOptions> = async (app, { redis, hasher }) => {
  const { store, lifecycle, config } = app.tollgate
  // Under pressure, a probe still gets its answer (readiness then says so itself).
  const routeConfig = { operational: true, pressureHandler: () => undefined }
  const noStore = { 'cache-control': 'no-store' }

  const notReadyBecause = async (): Promise<string | undefined> => {
    if (lifecycle.draining) return 'the server is shutting down'
    if (app.isUnderPressure()) return 'the server is shedding load'
    const { waiting } = hasher.load
    if (waiting >= config.loadShedding.hashQueue && hasher.load.running >= config.loadShedding.hashConcurrency) return 'the password-hash queue is full'
    let tenants
    try {
      tenants = await withTimeout(store.allTenants())
    } catch (err) {
      app.log.warn({ err: { message: (err as Error).message } }, 'readiness: the store does not answer')
      app.tollgate.metrics.backendError('store')
      return 'the store does not answer'
    }
    if (redis) {
      try {
        await withTimeout(redis.ping())
      } catch {
        return 'Redis does not answer'
      }
    }
    if (tenants.length === 0) return 'no tenant is provisioned'
    for (const tenant of tenants) {
      if ((await store.signingKeys(tenant.id)).length === 0) return `tenant ${tenant.name} has no signing key`
    }
    return undefined
  }

  // While draining, every answer closes its connection: a keep-alive socket would hold the drain open.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (lifecycle.draining) reply.header('connection', 'close')
    done(null, payload)
  })

  app.get('/health/live', { config: routeConfig }, async (_request, reply) => {
    reply.headers(noStore)
    return { status: 'live' }
  })

  app.get('/health/ready', { config: routeConfig }, async (_request, reply) => {
    reply.headers(noStore)
    const reason = await notReadyBecause()
    if (reason) throw oauthError('not_ready', { reason }, { headers: noStore })
    return { status: 'ready' }
  })
}

export default fp(health, { name: 'tollgate-health' })
