// Attempts per IP and account on the credential endpoints (`rateLimits.accountRoutes`), successful
// or not: Auth0's same-account limit. Beyond it: 429 too_many_attempts. Counted with the end user's
// IP (plugins/client-ip.ts), through @fastify/rate-limit's counters (plugins/request-limits.ts).
// The token pipeline calls `app.limitAccount` with the account its grant names (the connection and
// login the grant actually uses, after the client is authenticated and the end user's IP is
// known); any other listed route is limited by the account its body names.
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError } from '../src/errors.js'
import { accountKey } from '../src/grants/types.js'
import { ipMatcher } from '../src/security/ip-list.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts one attempt at `account` (connection|login) from the request's end user IP; throws 429 beyond the limit. */
    limitAccount (request: FastifyRequest, reply: FastifyReply, account: string | undefined): Promise<void>
  }
  interface FastifyContextConfig {
    /** Set by the token pipeline: its routes call limitAccount themselves. */
    credentialPipeline?: boolean
  }
}

/** The account a request's body names (routes outside the token pipeline): its connection and its login. */
export function accountOf (request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined
  if (!body || typeof body !== 'object') return undefined
  const login = [body.username, body.email, body.phone_number].find((v) => typeof v === 'string' && v !== '')
  if (typeof login !== 'string') return undefined
  const connection = [body.connection, body.realm].find((v) => typeof v === 'string') ?? ''
  return accountKey(connection, login)
}

const accountLimits: FastifyPluginAsync = async (app) => {
  const { rateLimits } = app.tollgate.config
  if (!rateLimits.enabled) {
    app.decorate('limitAccount', async () => {})
    return
  }
  const routes = new Set(rateLimits.accountRoutes)
  const allowListed = ipMatcher(rateLimits.allowList)
  const accounts = new WeakMap<FastifyRequest, string>()
  const limit = app.createRateLimit({
    keyGenerator: (request) => `account|${request.tenant.id}|${accounts.get(request)}|${normalizeIP(request.clientIp)}`,
    max: rateLimits.perAccount.max,
    timeWindow: rateLimits.perAccount.windowSeconds * 1000,
    allowList: (request) => allowListed(request.clientIp),
  })

  async function limitAccount (request: FastifyRequest, reply: FastifyReply, account: string | undefined): Promise<void> {
    if (account === undefined || !routes.has(request.routeOptions.url ?? '')) return
    accounts.set(request, account)
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
  }
  app.decorate('limitAccount', limitAccount)

  app.addHook('preHandler', (request, reply, done) => {
    if (request.routeOptions.config?.credentialPipeline) return done()
    limitAccount(request, reply, accountOf(request)).then(() => done(), done)
  })
}

export default fp(accountLimits, { name: 'tollgate-account-limits', dependencies: ['tollgate-client-ip', 'tollgate-request-limits'] })
