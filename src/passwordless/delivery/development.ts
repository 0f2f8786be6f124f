// The development provider: sends nothing. Each message is written to the outbox in the store,
// where `tollgate outbox` shows it; the log only says that it is there, so the code never appears
// in the request log.
import { randomUUID } from 'node:crypto'
import type { OutboxStore } from '../../store/port.js'
import type { DeliveryProvider } from './types.js'

export function developmentProvider (outbox: OutboxStore): DeliveryProvider {
  // Messages written within one millisecond still sort in the order they were written.
  let last = 0
  return {
    async deliver (message, { tenantId, log }) {
      const createdAt = Math.max(Date.now(), last + 1)
      last = createdAt
      const id = randomUUID()
      await outbox.insertOutboxMessage({
        id, tenantId, connection: message.connection, channel: message.channel, recipient: message.to,
        subject: message.subject, text: message.text, createdAt,
      })
      log.info({ outbox_id: id, channel: message.channel, connection: message.connection },
        'passwordless message written to the development outbox (see `tollgate outbox`)')
    },
  }
}
