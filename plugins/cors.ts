// CORS for single-page apps, with @fastify/cors. A browser may call from exactly the web origins the
// client lists: the client is the request's client_id (body or Basic header); a request that names
// no known client (a preflight, /userinfo) is allowed from the origins some client of the tenant
// lists, and /userinfo then checks its token's client itself. Allowed: the origin is echoed with
// credentials, as Auth0 does. Refused: 403 in the catalog's body. Public metadata (discovery, JWKS)
// is readable from anywhere. Decided at preValidation, so that validation errors carry the headers.
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { namedClientId } from '../src/clients/credentials.js'
import { checkClientOrigin } from '../src/clients/web-origins.js'
import { oauthError } from '../src/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'public': readable from any origin, without credentials (discovery, JWKS). 'none': pages of
     * Tollgate's own (a same-origin form sends an Origin too): no CORS headers, nothing refused.
     */
    corsPolicy?: 'public' | 'none'
  }
}

const allow = (origin: string): FastifyCorsOptions => ({
  origin,
  credentials: true,
  methods: ['GET', 'POST'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Auth0-Client'],
  maxAge: 600,
})

const NO_CORS: FastifyCorsOptions = { origin: false }
const PUBLIC: FastifyCorsOptions = { origin: '*' }

const corsPlugin: FastifyPluginAsync = async (app) => {
  const { store } = app.tollgate
  // The client's lookup is the request's own (request.findClient): the route reuses it.

  /** The decision for a request that sends an Origin and names no public or own-page route. */
  async function optionsFor (request: FastifyRequest, origin: string): Promise<FastifyCorsOptions> {
    const clientId = request.method === 'OPTIONS' ? undefined : namedClientId(request.headers.authorization, request.body)
    const client = clientId === undefined ? undefined : await request.findClient(clientId)
    if (client) {
      checkClientOrigin(client, origin)
      return allow(origin)
    }
    if (!(await store.webOriginsOfTenant(request.tenant.id)).includes(origin)) throw oauthError('origin_not_allowed', { origin })
    return allow(origin)
  }

  await app.register(cors, {
    hook: 'preValidation',
    // The callback form: a request without an Origin (most, from servers) is decided without a promise.
    delegator: (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
      const origin = request.headers.origin
      if (origin === undefined) return callback(null, NO_CORS)
      if (request.routeOptions.config?.corsPolicy === 'public') return callback(null, PUBLIC)
      if (request.routeOptions.config?.corsPolicy === 'none') return callback(null, NO_CORS)
      optionsFor(request, origin).then((options) => callback(null, options), (err: Error) => callback(err))
    },
  })
}

export default fp(corsPlugin, { name: 'tollgate-cors', dependencies: ['tollgate-tenant', 'tollgate-request-client'] })
