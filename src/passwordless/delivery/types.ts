// The one interface every delivery provider implements: take a message for a user, or fail with
// the provider's own message and code (which the client sees as sms_provider_error).
import type { Channel } from '../channel.js'

export interface DeliveryMessage {
  channel: Channel
  /** Phone number (E.164) or email address. */
  to: string
  /** Email subject; null for SMS. */
  subject: string | null
  text: string
  /** The code itself, for gateways that render their own templates. */
  code: string
  /** send=link: the callback URL carrying the code; else null. */
  link: string | null
  send: 'code' | 'link'
  /** The x-request-language header of the request, if any. */
  language: string | null
  tenant: string
  connection: string
  clientId: string
}

/** Where a provider may note what it did; never given the code. */
export interface DeliveryLog {
  info (fields: Record<string, unknown>, message: string): void
}

export interface DeliveryContext {
  tenantId: string
  log: DeliveryLog
}

export interface DeliveryProvider {
  deliver (message: DeliveryMessage, context: DeliveryContext): Promise<void>
}

/** A delivery that did not happen, with the provider's message and code for the client. */
export class DeliveryError extends Error {
  constructor (message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DeliveryError'
  }
}
