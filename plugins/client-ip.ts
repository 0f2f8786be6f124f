// The end user's IP, which attack protection counts: the connecting address (X-Forwarded-For only
// under the deliberate `trustProxy` setting), or, for a confidential client that authenticates with
// its secret, the `auth0-forwarded-for` header its backend sends on the user's behalf. Anyone else
// sending that header is ignored.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isIP } from 'node:net'
import { safeEqual, sha256Hex } from '../src/security/secrets.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The end user's IP: what brute-force protection, IP throttling and account limits count. */
    clientIp: string
  }
}

/** The client credentials a request presents: client_id and client_secret in the body, or HTTP Basic. */
export function presentedClientSecret (request: FastifyRequest): { clientId: string, secret: string } | undefined {
  const body = request.body as Record<string, unknown> | null | undefined
  if (body && typeof body.client_id === 'string' && typeof body.client_secret === 'string') {
    return { clientId: body.client_id, secret: body.client_secret }
  }
  const [scheme, encoded] = (request.headers.authorization ?? '').split(' ')
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return undefined
  try {
    // RFC 6749 2.3.1: both parts are form-encoded before Basic encoding.
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    return undefined
  }
}

const clientIp: FastifyPluginAsync = async (app) => {
  const { store } = app.tollgate
  app.decorateRequest('clientIp', '')
  // After body parsing, since the client's secret may be in the body. Costs nothing without the header.
  app.addHook('preHandler', async (request) => {
    request.clientIp = request.ip
    const forwarded = request.headers['auth0-forwarded-for']
    if (typeof forwarded !== 'string' || !isIP(forwarded.trim())) return
    const presented = presentedClientSecret(request)
    if (!presented) return
    const client = await store.clientById(request.tenant.id, presented.clientId)
    if (client?.secretHash && safeEqual(client.secretHash, sha256Hex(presented.secret))) request.clientIp = forwarded.trim()
  })
}

export default fp(clientIp, { name: 'tollgate-client-ip', dependencies: ['tollgate-tenant'] })
