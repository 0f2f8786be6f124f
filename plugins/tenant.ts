// Finds the tenant of each request from its Host header, and its issuer (src/tenants/resolve-tenant.ts:
// always from configuration). A request without a Host, or for a host no tenant serves, is refused.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError, type ErrorKey } from '../src/errors.js'
import type { Tenant } from '../src/store/port.js'

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant
    issuer: string
  }
  interface FastifyContextConfig {
    /** The catalog entry for a host no tenant serves, on routes that document their own. */
    unknownTenantError?: ErrorKey
  }
}

const tenantPlugin: FastifyPluginAsync = async (app) => {
  const { tenants } = app.tollgate
  app.decorateRequest('tenant', null as unknown as Tenant)
  app.decorateRequest('issuer', '')
  app.addHook('onRequest', async (request) => {
    // HTTP/1.1 requires Host (RFC 9112 section 3.2); Node lets a request without one through.
    if (!request.host) throw oauthError('missing_host')
    const resolved = await tenants.resolve(request.host.toLowerCase(), request.socket.localPort)
    if (!resolved) throw oauthError(request.routeOptions.config?.unknownTenantError ?? 'unknown_tenant')
    request.tenant = resolved.tenant
    request.issuer = resolved.issuer
  })
}

export default fp(tenantPlugin, { name: 'tollgate-tenant' })
