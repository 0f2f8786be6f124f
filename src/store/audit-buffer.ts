// Audit events written in batches, off the request's path: a request adds its event to a bounded
// buffer and goes on; the buffer is written in one statement every `flushMs`, when it holds
// `maxEvents`, before any read of the log, and on close. A graceful stop therefore loses nothing;
// a crash (or a kill -9) loses at most the events of the last `flushMs`, and never more than
// `maxEvents`. When writes fall behind (a store that does not answer), a request adding to a full
// buffer waits for the write in progress: the buffer never grows past its bound.
import type { AuditEvent, AuditLog, AuditQuery } from './port.js'

export interface AuditBufferOptions {
  flushMs: number
  maxEvents: number
  /** Where a failed write is reported (the events of a failed write are kept for the next one, within the bound). */
  onError: (err: unknown) => void
}

export class AuditBuffer implements AuditLog {
  private pending: AuditEvent[] = []
  private writing?: Promise<void>
  private readonly timer: NodeJS.Timeout

  constructor (private readonly log: AuditLog, private readonly options: AuditBufferOptions) {
    this.timer = setInterval(() => { this.flush().catch(options.onError) }, options.flushMs)
    this.timer.unref()
  }

  async recordEvent (event: AuditEvent): Promise<void> {
    while (this.pending.length >= this.options.maxEvents) await this.flush()
    this.pending.push(event)
    // Full: this request waits for the write (with maxEvents 1, every event is written before the request goes on).
    if (this.pending.length >= this.options.maxEvents) await this.flush()
  }

  async recordEvents (events: AuditEvent[]): Promise<void> {
    for (const event of events) await this.recordEvent(event)
  }

  async events (query: AuditQuery): Promise<AuditEvent[]> {
    await this.flush()
    return this.log.events(query)
  }

  /** Writes what is buffered (waiting for a write already in progress first). */
  async flush (): Promise<void> {
    while (this.writing) await this.writing
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.writing = this.log.recordEvents(batch).catch((err) => {
      // Kept for the next write, oldest first, within the bound; the rest is reported lost.
      const room = Math.max(0, this.options.maxEvents - this.pending.length)
      this.pending = [...batch.slice(0, room), ...this.pending]
      throw err
    }).finally(() => { this.writing = undefined })
    await this.writing
  }

  /** Stops the timer and writes what is left. */
  async close (): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }
}
