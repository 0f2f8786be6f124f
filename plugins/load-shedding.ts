// Event-loop pressure (@fastify/under-pressure): when the process is too busy to answer in time, a
// request is refused at once with the same 503 body as a full password-hash queue
// (src/security/hash-limiter.ts), instead of joining a backlog. Thresholds at 0 are off.
import underPressure from '@fastify/under-pressure'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError } from '../src/errors.js'

const loadShedding: FastifyPluginAsync = async (app) => {
  const limits = app.tollgate.config.loadShedding
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxEventLoopUtilization: limits.maxEventLoopUtilization,
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    sampleInterval: limits.sampleIntervalMs,
    pressureHandler: async (request, _reply, type, value) => {
      // Debug level: under pressure, a line per refused request would add to the load.
      request.log.debug({ type, value }, 'under pressure: request refused')
      app.tollgate.metrics.shed('pressure')
      throw oauthError('server_busy', {}, { headers: { 'retry-after': String(limits.retryAfterSeconds) } })
    },
  })
}

export default fp(loadShedding, { name: 'tollgate-load-shedding' })
