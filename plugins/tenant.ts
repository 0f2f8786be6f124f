// Finds the tenant of each request from its Host header (or the default tenant), and its issuer
// URL: the tenant's configured public URL, else `<protocol>://<host>/` as Auth0 writes it.
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
  const { store } = app.tollgate
  app.decorateRequest('tenant', null as unknown as Tenant)
  app.decorateRequest('issuer', '')
  app.addHook('onRequest', async (request) => {
    const host = request.host.toLowerCase()
    const tenant = (await store.tenantByHost(host)) ??
      (await store.tenantByHost(host.replace(/:\d+$/, ''))) ??
      (await store.defaultTenant())
    if (!tenant) throw oauthError(request.routeOptions.config?.unknownTenantError ?? 'unknown_tenant')
    request.tenant = tenant
    request.issuer = tenant.publicUrl ?? `${request.protocol}://${request.host}/`
  })
}

export default fp(tenantPlugin, { name: 'tollgate-tenant' })
