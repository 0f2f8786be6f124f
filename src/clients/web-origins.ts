// Which browser origins may call Tollgate for a client: exactly the web origins the client lists.
import { oauthError } from '../errors.js'
import type { Client } from '../store/port.js'

/** Throws the 403 for a request whose Origin the client does not list; no Origin, no check. */
export function checkClientOrigin (client: Pick<Client, 'clientId' | 'webOrigins'>, origin: string | undefined): void {
  if (origin !== undefined && !client.webOrigins.includes(origin)) {
    throw oauthError('origin_not_allowed_for_client', { origin, client_id: client.clientId })
  }
}
