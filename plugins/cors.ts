// CORS for single-page apps, with @fastify/cors. A browser may call from exactly the web origins the
// client lists: the client is the request's client_id (body or Basic header); a request that names
// no known client (a preflight, /userinfo) is allowed from the origins some client of the tenant
// lists, and /userinfo then checks its token's client itself. Allowed: the origin is echoed with
// credentials, as Auth0 does. Refused: 403 in the catalog's body. Public metadata (discovery, JWKS)
// is readable from anywhere. Decided at preValidation, so that validation errors carry the headers; only for requests that
// send an Origin (registerForBrowsers).
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
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

  const options: FastifyCorsOptions = {
    hook: 'preValidation',
    delegator: (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
      const origin = request.headers.origin!
      if (request.routeOptions.config?.corsPolicy === 'public') return callback(null, PUBLIC)
      if (request.routeOptions.config?.corsPolicy === 'none') return callback(null, NO_CORS)
      optionsFor(request, origin).then((options) => callback(null, options), (err: Error) => callback(err))
    },
  }
  await registerForBrowsers(app, options)
}

/**
 * Registers @fastify/cors with its hook run only for requests that send an Origin (browsers). The
 * plugin decides every request anew, merging its options twice, whatever the request: measured,
 * that was a third of the CPU Tollgate adds to a bare Fastify route for a refusal. A request
 * without an Origin (a server, or a same-origin page) needs no CORS header, only `Vary: Origin`,
 * since the answer would differ with one.
 */
async function registerForBrowsers (app: FastifyInstance, options: FastifyCorsOptions): Promise<void> {
  const addHook = app.addHook
  const onlyWithOrigin = (hook: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void) =>
    function corsForBrowsers (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) {
      if (request.headers.origin !== undefined) return hook.call(this, request, reply, done)
      reply.header('vary', 'Origin')
      done()
    }
  // The plugin adds its one hook while it registers (synchronously, on this same instance).
  app.addHook = function (this: FastifyInstance, name: string, hook: any) {
    return addHook.call(this, name as any, name === options.hook ? onlyWithOrigin(hook) : hook)
  } as typeof app.addHook
  try {
    await new Promise<void>((resolve, reject) => { cors(app, options, (err?: Error) => err ? reject(err) : resolve()) })
  } finally {
    app.addHook = addHook
  }
}

export default fp(corsPlugin, { name: 'tollgate-cors', dependencies: ['tollgate-tenant', 'tollgate-request-client'] })
