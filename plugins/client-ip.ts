// The end user's IP, which attack protection counts: the connecting address (X-Forwarded-For only
// under the deliberate `trustProxy` setting). A credential endpoint then lets its authenticated
// client name the end user's IP with `auth0-forwarded-for` (Auth0's "Trust Token Endpoint IP
// Header"), only when that client proved itself on this very request and is marked trusted
// (`token_endpoint_ip_header_trusted`). Anyone else sending that header is ignored.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isIP } from 'node:net'
import type { Client } from '../src/store/port.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The end user's IP: what brute-force protection, IP throttling and account limits count. */
    clientIp: string
  }
}

/**
 * The end user's IP once `client` is known: the forwarded one when the client proved itself
 * (`authenticated`: by secret or key, not by a bare client_id) and is trusted to forward it.
 */
export function endUserIp (request: FastifyRequest, client: Client, authenticated: boolean): string {
  const forwarded = request.headers['auth0-forwarded-for']
  if (!authenticated || !client.trustForwardedIp || typeof forwarded !== 'string') return request.ip
  const ip = forwarded.trim()
  return isIP(ip) ? ip : request.ip
}

const clientIp: FastifyPluginAsync = async (app) => {
  app.decorateRequest('clientIp', '')
  app.addHook('preHandler', (request, _reply, done) => {
    request.clientIp = request.ip
    done()
  })
}

export default fp(clientIp, { name: 'tollgate-client-ip', dependencies: ['tollgate-tenant'] })
