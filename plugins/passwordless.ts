// POST /passwordless/start and POST /passwordless/verify.
// Start is rate limited by @fastify/rate-limit, registered here so that it applies to this plugin's
// routes only: per client IP on every request (before anything is read), and per phone number or
// email once the request has been read (before anything is sent). Both answer 429
// too_many_requests with x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset and
// retry-after; below the limits the headers describe whichever of the two has less left.
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { randomBytes } from 'node:crypto'
import { oauthError } from '../src/errors.js'
import { PASSWORDLESS_OTP } from '../src/grants/passwordless-otp.js'
import { parseScopes } from '../src/grants/types.js'
import { channelOf, isPasswordless, loginField } from '../src/passwordless/channel.js'
import { readStartFields, readStartTarget, requestLanguage } from '../src/passwordless/start-request.js'
import { PasswordlessStartResponse, PasswordlessVerifyBody } from '../schemas/passwordless.js'
import { TokenResponse } from '../schemas/token-response.js'
import { noStore } from './token-endpoint.js'

const passwordless: FastifyPluginAsyncTypebox = async (app) => {
  const { store, config, passwordless: { starter, verification } } = app.tollgate
  const limits = config.passwordless
  const timeWindow = limits.startLimitWindowSeconds * 1000
  const rateLimited = (headers: Record<string, string> = {}) => oauthError('passwordless_rate_limited', {}, { headers })

  // Counted across instances (Redis, or the shared store), so that the limits hold for the deployment.
  await app.register(rateLimit, { global: false, ...app.tollgate.counters('passwordless-start'), errorResponseBuilder: () => rateLimited() })

  // The second limit needs the normalised phone number or email, known only inside the handler.
  const recipientKeys = new WeakMap<FastifyRequest, string>()
  const recipientLimit = app.createRateLimit({
    max: limits.startLimitPerRecipient,
    timeWindow,
    keyGenerator: (request) => recipientKeys.get(request)!,
  })
  async function limitRecipient (request: FastifyRequest, reply: FastifyReply, key: string) {
    recipientKeys.set(request, key)
    const result = await recipientLimit(request)
    if (result.isAllowed) return
    const headers = {
      'x-ratelimit-limit': String(result.max),
      'x-ratelimit-remaining': String(result.remaining),
      'x-ratelimit-reset': String(result.ttlInSeconds),
    }
    if (result.isExceeded) throw rateLimited({ ...headers, 'x-ratelimit-remaining': '0', 'retry-after': String(result.ttlInSeconds) })
    if (result.remaining < Number(reply.getHeader('x-ratelimit-remaining') ?? Infinity)) reply.headers(headers)
  }

  app.post('/passwordless/start', {
    // The default key is the client IP (as trustProxy lets Fastify see it; IPv6 by /64).
    config: { unknownTenantError: 'passwordless_bad_tenant', rateLimit: { max: limits.startLimitPerIp, timeWindow } },
    schema: { response: { 200: PasswordlessStartResponse } },
  }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const { tenant } = request
    const target = readStartTarget(body)
    const client = await store.clientById(tenant.id, target.clientId)
    if (!client) throw oauthError('passwordless_unknown_client', { client_id: target.clientId })
    const connection = await store.connectionByName(tenant.id, target.connection)
    if (!connection) throw oauthError('passwordless_connection_not_found')
    if (!connection.enabledClients.includes(client.clientId)) throw oauthError('passwordless_connection_disabled')
    if (!isPasswordless(connection)) throw oauthError('passwordless_connection_strategy')
    const channel = channelOf(connection)
    const fields = readStartFields(body, channel, client)

    await limitRecipient(request, reply, `${connection.id}|${fields.login}`)
    const language = requestLanguage(request.headers['x-request-language'])
    await starter.start(fields, { tenant, client, connection, language, log: request.log })
    // The same answer whether or not a user exists, or is blocked.
    return { _id: randomBytes(12).toString('hex'), [loginField(channel)]: fields.to }
  })

  app.post('/passwordless/verify', {
    schema: { body: PasswordlessVerifyBody, response: { 200: TokenResponse } },
    // A request without a body is a request with no parameters: it gets "missing client_id parameter".
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const { body, tenant } = request
    const client = await store.clientById(tenant.id, body.client_id)
    if (!client) throw oauthError('invalid_client')
    // A client verifies codes only if it may use the passwordless grant.
    if (!client.grantTypes.includes(PASSWORDLESS_OTP)) throw oauthError('grant_not_allowed', { grant_type: PASSWORDLESS_OTP })
    const tokens = await verification.verify({ tenant, issuer: request.issuer, client, scopes: parseScopes(body.scope), body, ip: request.clientIp })
    noStore(reply)
    return tokens
  })
}

export default passwordless
