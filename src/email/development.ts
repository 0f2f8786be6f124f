// The development transport: sends nothing. Each email is written to the outbox in the store, where
// `tollgate outbox` shows it (with its link); the log only says that it is there.
import { randomUUID } from 'node:crypto'
import type { OutboxStore } from '../store/port.js'
import type { EmailTransport } from './types.js'

export function outboxTransport (outbox: OutboxStore): EmailTransport {
  // Messages written within one millisecond still sort in the order they were written.
  let last = 0
  return {
    async send (message) {
      const createdAt = Math.max(Date.now(), last + 1)
      last = createdAt
      await outbox.insertOutboxMessage({
        id: randomUUID(), tenantId: message.tenantId, connection: message.connection, channel: 'email',
        recipient: message.to, subject: message.subject, text: message.text, createdAt,
      })
    },
  }
}
