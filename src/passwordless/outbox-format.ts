// How `tollgate outbox` prints a message the development provider kept.
import type { OutboxMessage } from '../store/port.js'

export function formatOutboxMessage (m: OutboxMessage): string {
  const head = `[${new Date(m.createdAt).toISOString()}] ${m.channel} to ${m.recipient} (connection ${m.connection})`
  const subject = m.subject === null ? [] : [`  Subject: ${m.subject}`]
  return [head, ...subject, ...m.text.split('\n').map((line) => `  ${line}`)].join('\n')
}
