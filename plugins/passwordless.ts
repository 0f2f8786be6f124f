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
import { channelOf, loginField } from '../src/passwordless/channel.js'
import { readStartFields, readStartTarget, requestLanguage } from '../src/passwordless/start-request.js'
import { PasswordlessStartResponse, PasswordlessVerifyBody } from '../schemas/passwordless.js'
import { credentialRoute } from './token-pipeline.js'

const passwordless: FastifyPluginAsyncTypebox = async (app) => {
  const { store, config, passwordless: { starter } } = app.tollgate
  const limits = config.passwordless
  const timeWindow = limits.startLimitWindowSeconds * 1000
  const rateLimited = (headers: Record<string, string> = {}) => oauthError('passwordless_rate_limited', {}, { headers })

  // Counted for the whole deployment: in Redis, or in a store several processes share.
  await app.register(rateLimit, { global: false, ...app.tollgate.counters('passwordless'), errorResponseBuilder: () => rateLimited() })

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
    const { client, connection } = await starter.target({
      tenant, clientId: target.clientId, connectionName: target.connection, findClient: (id) => request.findClient(id),
    })
    const channel = channelOf(connection)
    const fields = readStartFields(body, channel, client)

    await limitRecipient(request, reply, `${connection.id}|${fields.login}`)
    const language = requestLanguage(request.headers['x-request-language'])
    await starter.start(fields, { tenant, client, connection, language, log: request.log })
    // The same answer whether or not a user exists, or is blocked.
    return { _id: randomBytes(12).toString('hex'), [loginField(channel)]: fields.to }
  })

  // The legacy verify is a grant on the token pipeline (src/grants/passwordless-verify.ts).
  credentialRoute(app, {
    url: '/passwordless/verify',
    bodySchema: PasswordlessVerifyBody,
    grants: app.tollgate.grants.passwordlessVerify,
    grantType: () => PASSWORDLESS_OTP,
    unknownClient: 'invalid_client',
  })
}

export default passwordless
