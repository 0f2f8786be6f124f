// Configuration held in memory: tenants (by host), connections, clients, APIs, client grants and
// signing keys, read on every request and changed only by provisioning and the CLI. The snapshot
// answers the directory interfaces of the storage port from memory, and is dropped when the store's
// configuration version changes: the version is read at most `maxAgeMs` after the last read (one
// indexed row), and at once after a change made through this process' own store object. A change
// committed by any process sharing the database is therefore served no later than `maxAgeMs` plus
// one version read after its commit.
import type {
  Client, ClientDirectory, ClientGrant, ConfigSource, Connection, ConnectionDirectory, ResourceServer, ResourceServerDirectory,
  SigningKey, Tenant, TenantDirectory, WebOriginDirectory,
} from './port.js'

export interface ConfigSnapshotOptions {
  /** How old the last version read may be when configuration is read; 0 reads it every time. */
  maxAgeMs: number
  /** Milliseconds clock (tests move it). */
  now?: () => number
}

/** Everything of one tenant, by the keys requests look things up with. */
interface TenantConfig {
  clients: Map<string, Client>
  connections: Map<string, Connection>
  apis: Map<string, ResourceServer>
  /** By `${clientId} ${audience}`. */
  grants: Map<string, ClientGrant>
  /** Every stored key, current first (retirement is checked when read: it depends on the time). */
  keys: SigningKey[]
  webOrigins: string[]
}

/** Tenants by host and id, and which tenants have a connection of a given name. */
interface Tenants {
  byHost: Map<string, Tenant>
  byId: Map<string, Tenant>
  defaultTenant: Tenant | undefined
  connectionTenants: Map<string, Set<string>>
}

/** One generation of configuration, loaded lazily (tenants first, each tenant's details on first use). */
class Generation {
  private tenants?: Promise<Tenants>
  private readonly details = new Map<string, Promise<TenantConfig>>()

  constructor (readonly version: number, readonly local: number, private readonly source: ConfigSource) {}

  tenantsLoaded (): Promise<Tenants> {
    if (!this.tenants) {
      const loading = this.loadTenants()
      // A failed load is not kept: the next read tries again.
      loading.catch(() => { if (this.tenants === loading) this.tenants = undefined })
      this.tenants = loading
    }
    return this.tenants
  }

  tenant (tenantId: string): Promise<TenantConfig> {
    let config = this.details.get(tenantId)
    if (!config) {
      config = this.loadTenant(tenantId)
      this.details.set(tenantId, config)
      config.catch(() => { this.details.delete(tenantId) })
    }
    return config
  }

  private async loadTenants (): Promise<Tenants> {
    const [tenants, hosts, connections] = await Promise.all([this.source.allTenants(), this.source.allTenantHosts(), this.source.allConnectionNames()])
    const byId = new Map(tenants.map((t) => [t.id, t]))
    const byHost = new Map<string, Tenant>()
    for (const { host, tenantId } of hosts) {
      const tenant = byId.get(tenantId)
      if (tenant) byHost.set(host, tenant)
    }
    const connectionTenants = new Map<string, Set<string>>()
    for (const { tenantId, name } of connections) {
      let set = connectionTenants.get(name)
      if (!set) connectionTenants.set(name, set = new Set())
      set.add(tenantId)
    }
    return { byHost, byId, defaultTenant: tenants.find((t) => t.isDefault), connectionTenants }
  }

  private async loadTenant (tenantId: string): Promise<TenantConfig> {
    const [clients, connections, apis, grants, keys] = await Promise.all([
      this.source.clientsOfTenant(tenantId), this.source.connectionsOfTenant(tenantId), this.source.resourceServersOfTenant(tenantId),
      this.source.clientGrantsOfTenant(tenantId), this.source.allSigningKeys(tenantId),
    ])
    return {
      clients: new Map(clients.map((c) => [c.clientId, c])),
      connections: new Map(connections.map((c) => [c.name, c])),
      apis: new Map(apis.map((a) => [a.identifier, a])),
      grants: new Map(grants.map((g) => [`${g.clientId} ${g.audience}`, g])),
      keys,
      webOrigins: [...new Set(clients.flatMap((c) => c.webOrigins))],
    }
  }
}

export class ConfigSnapshot implements TenantDirectory, ClientDirectory, ConnectionDirectory, ResourceServerDirectory, WebOriginDirectory {
  private generation?: Generation
  /** When the version was last read (the time the read started). */
  private checkedAt = -Infinity
  private checking?: Promise<Generation>
  private readonly now: () => number

  constructor (private readonly source: ConfigSource, private readonly options: ConfigSnapshotOptions) {
    this.now = options.now ?? Date.now
  }

  /** The current generation: re-checked when the last version read is too old or this process changed something. */
  private current (): Promise<Generation> | Generation {
    const generation = this.generation
    if (generation && generation.local === this.source.localConfigChanges() && this.now() - this.checkedAt < this.options.maxAgeMs) {
      return generation
    }
    this.checking ??= this.check().finally(() => { this.checking = undefined })
    return this.checking
  }

  private async check (): Promise<Generation> {
    const startedAt = this.now()
    // Counted before the version is read: a change committed in between is seen at the next read.
    const local = this.source.localConfigChanges()
    const version = await this.source.configVersion()
    if (!this.generation || this.generation.version !== version || this.generation.local !== local) {
      this.generation = new Generation(version, local, this.source)
    }
    this.checkedAt = startedAt
    return this.generation
  }

  private async tenants (): Promise<Tenants> { return (await this.current()).tenantsLoaded() }
  private async tenant (tenantId: string): Promise<TenantConfig> { return (await this.current()).tenant(tenantId) }

  async tenantByHost (host: string): Promise<Tenant | undefined> {
    return (await this.tenants()).byHost.get(host.toLowerCase())
  }

  async defaultTenant (): Promise<Tenant | undefined> {
    return (await this.tenants()).defaultTenant
  }

  async clientById (tenantId: string, clientId: string): Promise<Client | undefined> {
    return (await this.tenant(tenantId)).clients.get(clientId)
  }

  async connectionByName (tenantId: string, name: string): Promise<Connection | undefined> {
    return (await this.tenant(tenantId)).connections.get(name)
  }

  async connectionExistsElsewhere (tenantId: string, name: string): Promise<boolean> {
    const tenants = (await this.tenants()).connectionTenants.get(name)
    return tenants !== undefined && [...tenants].some((id) => id !== tenantId)
  }

  async resourceServerByIdentifier (tenantId: string, identifier: string): Promise<ResourceServer | undefined> {
    return (await this.tenant(tenantId)).apis.get(identifier)
  }

  async clientGrant (tenantId: string, clientId: string, audience: string): Promise<ClientGrant | undefined> {
    return (await this.tenant(tenantId)).grants.get(`${clientId} ${audience}`)
  }

  /** As KeyStore.signingKeys: previous keys only until their retire_after. */
  async signingKeys (tenantId: string): Promise<SigningKey[]> {
    const now = Math.floor(Date.now() / 1000)
    return (await this.tenant(tenantId)).keys.filter((k) => k.retireAfter === null || k.retireAfter === undefined || k.retireAfter > now)
  }

  async webOriginsOfTenant (tenantId: string): Promise<string[]> {
    return (await this.tenant(tenantId)).webOrigins
  }
}
