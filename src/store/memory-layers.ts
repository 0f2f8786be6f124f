// The store a running server uses: the real one, with configuration answered from an in-memory
// snapshot (config-snapshot.ts) and audit events written in batches (audit-buffer.ts). Everything
// else (users, refresh tokens, counters, jtis) goes straight to the store, as before.
import { AuditBuffer, type AuditBufferOptions } from './audit-buffer.js'
import { ConfigSnapshot } from './config-snapshot.js'
import type { Store } from './port.js'

export interface MemoryLayerOptions {
  configMaxAgeMs: number
  audit: AuditBufferOptions
}

export interface LayeredStore extends Store {
  /** Writes what is buffered and stops the timers, leaving the underlying store open. */
  stopLayers (): Promise<void>
}

export function withMemoryLayers (store: Store, options: MemoryLayerOptions): LayeredStore {
  const snapshot = new ConfigSnapshot(store, { maxAgeMs: options.configMaxAgeMs })
  const audit = new AuditBuffer(store, options.audit)
  const overrides: Partial<LayeredStore> = {
    tenantByHost: (host) => snapshot.tenantByHost(host),
    defaultTenant: () => snapshot.defaultTenant(),
    clientById: (tenantId, clientId) => snapshot.clientById(tenantId, clientId),
    connectionByName: (tenantId, name) => snapshot.connectionByName(tenantId, name),
    connectionExistsElsewhere: (tenantId, name) => snapshot.connectionExistsElsewhere(tenantId, name),
    resourceServerByIdentifier: (tenantId, identifier) => snapshot.resourceServerByIdentifier(tenantId, identifier),
    clientGrant: (tenantId, clientId, audience) => snapshot.clientGrant(tenantId, clientId, audience),
    signingKeys: (tenantId) => snapshot.signingKeys(tenantId),
    webOriginsOfTenant: (tenantId) => snapshot.webOriginsOfTenant(tenantId),
    recordEvent: (event) => audit.recordEvent(event),
    recordEvents: (events) => audit.recordEvents(events),
    events: (query) => audit.events(query),
    stopLayers: () => audit.close(),
    close: async () => {
      try {
        await audit.close()
      } finally {
        await store.close()
      }
    },
  }
  const bound = new Map<PropertyKey, unknown>(Object.entries(overrides))
  return new Proxy(store, {
    get (target, property) {
      let value = bound.get(property)
      if (value !== undefined) return value
      value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      value = value.bind(target)
      bound.set(property, value)
      return value
    },
  }) as LayeredStore
}
