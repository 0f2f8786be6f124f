// Request rate limits per IP (@fastify/rate-limit), on every request, before anything else is read.
// Each endpoint (route URL) has its own budget: `rateLimits.routes` in the config names the endpoints
// with their own, `rateLimits.perIp` is every other's. Beyond it: 429 too_many_requests.
// Also registers the plugin's `createRateLimit`, which plugins/account-limits.ts uses.
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError } from '../src/errors.js'
import { ipMatcher } from '../src/security/ip-list.js'

const requestLimits: FastifyPluginAsync = async (app) => {
  const { rateLimits } = app.tollgate.config
  const limitOf = (request: FastifyRequest) => rateLimits.routes[request.routeOptions.url ?? ''] ?? rateLimits.perIp
  const allowListed = ipMatcher(rateLimits.allowList)

  await app.register(rateLimit, {
    global: false,
    // Shared through Redis, or a store several processes share (src/security/rate-limit-counters.ts).
    ...app.tollgate.counters('request'),
    // Counters are an availability aid: if Redis (or the shared store) fails, requests go on
    // (attack protection still counts, or refuses).
    skipOnError: true,
    keyGenerator: (request) => `${normalizeIP(request.ip)}|${request.routeOptions.url ?? ''}`,
    max: (request) => limitOf(request).max,
    timeWindow: (request) => limitOf(request).windowSeconds * 1000,
    allowList: (request) => request.routeOptions.config.operational === true || allowListed(request.ip),
    // What this returns is thrown: a catalog error, so that the error handler renders it.
    errorResponseBuilder: (_request, context) => {
      app.tollgate.metrics.rateLimited('ip')
      return oauthError('rate_limited', {}, { headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) } })
    },
  })
  if (rateLimits.enabled) app.addHook('onRequest', app.rateLimit())

  // @fastify/rate-limit sends x-ratelimit-reset as seconds from now; Auth0 sends the UNIX time.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const reset = reply.getHeader('x-ratelimit-reset')
    if (reset !== undefined) reply.header('x-ratelimit-reset', Math.floor(Date.now() / 1000) + Number(reset))
    done(null, payload)
  })
}

export default fp(requestLimits, { name: 'tollgate-request-limits' })
