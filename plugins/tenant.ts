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

/**
 * How long a host's tenant is remembered. Every request needs it, and tenants change only through
 * `tollgate apply`, whose changes are then seen within this time.
 */
const TENANT_CACHE_MS = 1000

const tenantPlugin: FastifyPluginAsync = async (app) => {
  const { store } = app.tollgate
  const cache = new Map<string, { tenant: Promise<Tenant | undefined>, until: number }>()
  const lookUp = async (host: string) => (await store.tenantByHost(host)) ??
    (await store.tenantByHost(host.replace(/:\d+$/, ''))) ??
    (await store.defaultTenant())
  const tenantOf = (host: string): Promise<Tenant | undefined> => {
    const now = Date.now()
    let entry = cache.get(host)
    if (!entry || entry.until <= now) {
      // Bounded: a flood of made-up Host headers cannot grow it past a few thousand entries.
      if (cache.size >= 4096) cache.clear()
      const fresh = { tenant: lookUp(host), until: now + TENANT_CACHE_MS }
      // A failed lookup is not remembered: the next request asks the store again.
      fresh.tenant.catch(() => { if (cache.get(host) === fresh) cache.delete(host) })
      entry = fresh
      cache.set(host, entry)
    }
    return entry.tenant
  }
  app.decorateRequest('tenant', null as unknown as Tenant)
  app.decorateRequest('issuer', '')
  app.addHook('onRequest', async (request) => {
    const tenant = await tenantOf(request.host.toLowerCase())
    if (!tenant) throw oauthError(request.routeOptions.config?.unknownTenantError ?? 'unknown_tenant')
    request.tenant = tenant
    request.issuer = tenant.publicUrl ?? `${request.protocol}://${request.host}/`
  })
}

export default fp(tenantPlugin, { name: 'tollgate-tenant' })
