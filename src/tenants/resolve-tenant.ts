// Which tenant a request is for, and its issuer, from the Host the request names. The issuer is built
// from configuration only: the tenant's public_url, else the listed host that matched with the
// configured scheme. A request header never adds anything to it: a port is kept only when it is the
// port the request really arrived on (the socket's), and a host no tenant lists is served by the
// default tenant only when that tenant has a public_url (its issuer is then that URL).
import { LRUCache } from 'lru-cache'
import type { Tenant } from '../store/port.js'

export interface TenantLookup {
  tenantByHost (host: string): Promise<Tenant | undefined>
  defaultTenant (): Promise<Tenant | undefined>
}

export interface TenantSettings {
  /** Scheme of issuers built from a listed host. */
  scheme: 'http' | 'https'
  /** Hosts remembered at once; the least recently used is forgotten first. */
  cacheSize: number
}

export interface ResolvedTenant {
  tenant: Tenant
  issuer: string
}

/** What a Host resolves to: the tenant, and the listed host it matched (none for the default tenant). */
interface Match {
  tenant: Tenant
  listedHost?: string
  /** The port the Host named when the listed host has none. */
  port?: string
}

/**
 * How long a host's tenant is remembered. Every request needs it, and tenants change only through
 * `tollgate apply`, whose changes are then seen within this time.
 */
const TENANT_CACHE_MS = 1000
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' }
/** A DNS name has at most 253 characters; with a port, a listed host is never longer than this. */
const MAX_HOST_LENGTH = 260

export class TenantResolver {
  private readonly cache: LRUCache<string, Promise<Match | null>>

  constructor (private readonly store: TenantLookup, private readonly settings: TenantSettings) {
    this.cache = new LRUCache({ max: settings.cacheSize, ttl: TENANT_CACHE_MS })
  }

  /** Hosts currently remembered (bounded by the cache size). */
  get cachedHosts (): number {
    return this.cache.size
  }

  /** The tenant of `host` (the Host header, lower-cased) and its issuer; undefined when none serves it. */
  async resolve (host: string, localPort: number | undefined): Promise<ResolvedTenant | undefined> {
    // A longer Host can be no tenant's: it is looked up as none at all (one cache entry for all of them).
    const match = await this.match(host.length <= MAX_HOST_LENGTH ? host : '')
    if (!match) return undefined
    return { tenant: match.tenant, issuer: this.issuerOf(match, localPort) }
  }

  private issuerOf ({ tenant, listedHost, port }: Match, localPort: number | undefined): string {
    if (tenant.publicUrl) return tenant.publicUrl
    const { scheme } = this.settings
    const keepPort = port !== undefined && port === String(localPort) && port !== DEFAULT_PORTS[scheme]
    return `${scheme}://${listedHost}${keepPort ? `:${port}` : ''}/`
  }

  private match (host: string): Promise<Match | null> {
    let pending = this.cache.get(host)
    if (!pending) {
      const fresh = this.lookUp(host)
      // A failed lookup is not remembered: the next request asks the store again.
      fresh.catch(() => { if (this.cache.get(host) === fresh) this.cache.delete(host) })
      this.cache.set(host, fresh)
      pending = fresh
    }
    return pending
  }

  private async lookUp (host: string): Promise<Match | null> {
    const exact = await this.store.tenantByHost(host)
    if (exact) return { tenant: exact, listedHost: host }
    const portAt = host.search(/:\d{1,5}$/)
    if (portAt > 0) {
      const bare = host.slice(0, portAt)
      const tenant = await this.store.tenantByHost(bare)
      if (tenant) return { tenant, listedHost: bare, port: host.slice(portAt + 1) }
    }
    const fallback = await this.store.defaultTenant()
    return fallback?.publicUrl ? { tenant: fallback } : null
  }
}
