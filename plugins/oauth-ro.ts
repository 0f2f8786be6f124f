// POST /oauth/ro: Auth0's legacy resource-owner endpoint, on the token pipeline. A confidential
// client (one registered without `none`) proves itself here as at /oauth/token; a public client
// names itself with client_id, as Auth0's legacy endpoint allows.
import type { FastifyPluginAsync } from 'fastify'
import { OAuthRoBody } from '../schemas/oauth-ro.js'
import { credentialRoute } from './token-pipeline.js'

const oauthRo: FastifyPluginAsync = async (app) => {
  credentialRoute(app, {
    url: '/oauth/ro',
    bodySchema: OAuthRoBody,
    grants: app.tollgate.grants.ro,
    grantType: (body) => body.grant_type,
    unknownClient: 'invalid_client',
  })
}

export default oauthRo
