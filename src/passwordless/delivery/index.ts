// Chooses each passwordless connection's delivery provider from its options.
import type { Connection, DeliveryOptions, OutboxStore } from '../../store/port.js'
import { developmentProvider } from './development.js'
import { httpProvider } from './http.js'
import type { DeliveryProvider } from './types.js'

export interface DeliveryProviders {
  forConnection (connection: Connection): DeliveryProvider
  /** The provider some delivery options name (MFA's SMS codes); development when absent. */
  forOptions (options: DeliveryOptions | undefined): DeliveryProvider
}

export function createDeliveryProviders (deps: { outbox: OutboxStore, defaultTimeoutMs: number }): DeliveryProviders {
  const development = developmentProvider(deps.outbox)
  return {
    forConnection (connection) {
      return this.forOptions(connection.options.delivery)
    },
    forOptions (options) {
      if (!options || options.provider === 'development') return development
      return httpProvider(options.url, options.timeout_ms ?? deps.defaultTimeoutMs)
    },
  }
}
