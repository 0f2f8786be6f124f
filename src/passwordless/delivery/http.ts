// The HTTP provider: POSTs each message as JSON to the operator's gateway (their SMS or email
// service), within a bounded time. Any 2xx is a delivery; anything else, no answer in time, or no
// connection is a DeliveryError carrying the gateway's `message` and `code` when it gave them.
import type { DeliveryMessage, DeliveryProvider } from './types.js'
import { DeliveryError } from './types.js'

const MAX_DETAIL_LENGTH = 200

/** One line of printable text, bounded: the gateway's words reach the client. */
const clean = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  // eslint-disable-next-line no-control-regex
  const text = String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, MAX_DETAIL_LENGTH)
  return text === '' ? undefined : text
}

/** The gateway's JSON body, as it is sent: snake_case, like every other body Tollgate speaks. */
export const gatewayPayload = (m: DeliveryMessage) => ({
  channel: m.channel,
  to: m.to,
  subject: m.subject,
  text: m.text,
  code: m.code,
  link: m.link,
  send: m.send,
  language: m.language,
  tenant: m.tenant,
  connection: m.connection,
  client_id: m.clientId,
})

async function refusal (response: Response): Promise<DeliveryError> {
  let body: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(await response.text())
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    // Not JSON (or cut short): the status alone speaks.
  }
  const message = clean(body.message) ?? clean(body.error_description) ?? `The delivery gateway answered HTTP ${response.status}`
  const code = clean(body.code) ?? clean(body.error) ?? String(response.status)
  return new DeliveryError(message, code)
}

export function httpProvider (url: string, timeoutMs: number): DeliveryProvider {
  return {
    async deliver (message) {
      // One deadline for the whole exchange, answer body included.
      const signal = AbortSignal.timeout(timeoutMs)
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(gatewayPayload(message)),
          signal,
          redirect: 'manual',
        })
        if (response.status >= 200 && response.status < 300) {
          await response.body?.cancel()
          return
        }
        throw await refusal(response)
      } catch (err) {
        if (err instanceof DeliveryError) throw err
        if (signal.aborted) throw new DeliveryError('The delivery gateway did not answer in time', 'timeout', { cause: err })
        const code = clean((err as { cause?: { code?: unknown } })?.cause?.code) ?? 'unreachable'
        throw new DeliveryError('The delivery gateway could not be reached', code, { cause: err })
      }
    },
  }
}
