// Chooses each passwordless connection's delivery provider from its options.
import type { Connection, OutboxStore } from '../../store/port.js'
import { developmentProvider } from './development.js'
import { httpProvider } from './http.js'
import type { DeliveryProvider } from './types.js'

export interface DeliveryProviders {
  forConnection (connection: Connection): DeliveryProvider
}

export function createDeliveryProviders (deps: { outbox: OutboxStore, defaultTimeoutMs: number }): DeliveryProviders {
  const development = developmentProvider(deps.outbox)
  return {
    forConnection (connection) {
      const options = connection.options.delivery
      if (!options || options.provider === 'development') return development
      return httpProvider(options.url, options.timeout_ms ?? deps.defaultTimeoutMs)
    },
  }
}
