// Attempts per IP and account on the credential endpoints (`rateLimits.accountRoutes`), successful
// or not: Auth0's same-account limit. Beyond it: 429 too_many_attempts. Counted with the end user's
// IP (plugins/client-ip.ts), through @fastify/rate-limit's counters (plugins/request-limits.ts).
// A new credential endpoint joins by being listed in the config; its account is read from the body.
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError } from '../src/errors.js'
import { ipMatcher } from '../src/security/ip-list.js'

/** The account a credential request names: its connection (or realm) and its login. */
export function accountOf (request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined
  if (!body || typeof body !== 'object') return undefined
  const login = [body.username, body.email, body.phone_number].find((v) => typeof v === 'string' && v !== '')
  if (typeof login !== 'string') return undefined
  const connection = [body.connection, body.realm].find((v) => typeof v === 'string') ?? ''
  return `${connection}|${login.toLowerCase()}`
}

const accountLimits: FastifyPluginAsync = async (app) => {
  const { rateLimits } = app.tollgate.config
  if (!rateLimits.enabled) return
  const routes = new Set(rateLimits.accountRoutes)
  const allowListed = ipMatcher(rateLimits.allowList)
  const limit = app.createRateLimit({
    keyGenerator: (request) => `account|${request.tenant.id}|${accountOf(request)}|${normalizeIP(request.clientIp)}`,
    max: rateLimits.perAccount.max,
    timeWindow: rateLimits.perAccount.windowSeconds * 1000,
    allowList: (request) => allowListed(request.clientIp),
  })

  app.addHook('preHandler', async (request, reply) => {
    if (!routes.has(request.routeOptions.url ?? '') || accountOf(request) === undefined) return
    const result = await limit(request)
    if (result.isAllowed) return
    // The headers describe the tighter of the two limits (per IP, and per IP and account).
    const ipRemaining = reply.getHeader('x-ratelimit-remaining')
    if (result.isExceeded || ipRemaining === undefined || Number(ipRemaining) >= result.remaining) {
      reply.header('x-ratelimit-limit', result.max)
        .header('x-ratelimit-remaining', result.remaining)
        .header('x-ratelimit-reset', result.ttlInSeconds)
    }
    if (result.isExceeded) {
      app.tollgate.metrics.rateLimited('account')
      throw oauthError('account_rate_limited', {}, { headers: { 'retry-after': String(result.ttlInSeconds) } })
    }
  })
}

export default fp(accountLimits, { name: 'tollgate-account-limits', dependencies: ['tollgate-client-ip', 'tollgate-request-limits'] })
