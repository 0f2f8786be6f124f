// POST /oauth/token (RFC 6749, RFC 7523): the token pipeline with /oauth/token's grants
// (src/grants/index.ts lists them).
import type { FastifyPluginAsync } from 'fastify'
import { OAuthTokenBody } from '../schemas/oauth-token.js'
import { credentialRoute } from './token-pipeline.js'

const oauthToken: FastifyPluginAsync = async (app) => {
  credentialRoute(app, {
    url: '/oauth/token',
    bodySchema: OAuthTokenBody,
    grants: app.tollgate.grants.token,
    grantType: (body) => body.grant_type,
  })
}

export default oauthToken
