// Auth0's MFA API: GET /mfa/authenticators, POST /mfa/associate (Bearer mfa_token), POST
// /mfa/challenge (mfa_token in the body, with the client's own authentication), DELETE
// /mfa/authenticators/{id} (Bearer access token for the MFA API). The work is
// src/mfa/multi-factor.ts; this plugin speaks HTTP.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { readClientCredentials } from '../src/clients/credentials.js'
import { oauthError } from '../src/errors.js'
import { mfaApiSubject } from '../src/mfa/access-token.js'
import { MfaAssociateBody, MfaChallengeBody } from '../schemas/mfa.js'

/** The Bearer token of a request, or a 401 naming what is missing. */
function bearerToken (request: FastifyRequest): string {
  const match = /^Bearer ([\x21-\x7E]{1,8192})$/i.exec(request.headers.authorization ?? '')
  if (!match) throw oauthError('access_token_missing')
  return match[1]
}

const mfa: FastifyPluginAsyncTypebox = async (app) => {
  const { multiFactor, clientAuthenticator, store, config } = app.tollgate
  const context = (request: FastifyRequest) => ({ issuer: request.issuer, log: request.log })

  app.get('/mfa/authenticators', async (request, reply) => {
    const login = await multiFactor.pendingLogin(request.tenant, bearerToken(request), { api: true })
    reply.header('cache-control', 'no-store')
    return multiFactor.list(request.tenant.id, login.user.id)
  })

  app.post('/mfa/associate', {
    schema: { body: MfaAssociateBody },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const login = await multiFactor.pendingLogin(request.tenant, bearerToken(request), { api: true })
    reply.header('cache-control', 'no-store')
    return multiFactor.associate(request.tenant, login, request.body, context(request))
  })

  app.post('/mfa/challenge', {
    schema: { body: MfaChallengeBody },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const credentials = readClientCredentials(request.headers.authorization, request.body)
    const client = await clientAuthenticator.authenticate({ tenant: request.tenant, issuer: request.issuer, credentials, findClient: (id) => request.findClient(id) })
    const login = await multiFactor.pendingLogin(request.tenant, request.body.mfa_token, { client })
    const challengeTypes = (request.body.challenge_type ?? 'otp oob').split(/\s+/).filter(Boolean).slice(0, 4)
    reply.header('cache-control', 'no-store')
    return multiFactor.challenge(request.tenant, login, { challengeTypes, authenticatorId: request.body.authenticator_id }, context(request))
  })

  // Removing a factor needs more than a password: an access token for the MFA API (audience
  // {issuer}mfa/, scope remove:authenticators), which a login only gets through its MFA step.
  app.delete('/mfa/authenticators/:id', {
    schema: { params: Type.Object({ id: Type.String({ maxLength: 128 }) }) },
  }, async (request, reply) => {
    const userId = await mfaApiSubject(store, config.jwt, {
      tenant: request.tenant, issuer: request.issuer, token: bearerToken(request), scope: 'remove:authenticators',
    })
    if (!await multiFactor.remove(request.tenant, userId, request.params.id)) throw oauthError('mfa_authenticator_not_found')
    return reply.code(204).send()
  })
}

export default mfa
