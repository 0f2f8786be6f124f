// The URLs of the pages a one-time link opens, under the tenant's issuer.
import type { TicketKind } from '../store/port.js'

export const LINK_PATHS: Record<TicketKind, string> = {
  reset_password: '/lo/reset',
  verify_email: '/lo/verify_email',
}

/** The issuer ends with '/': the path is appended without doubling it. */
export function ticketLink (issuer: string, kind: TicketKind, ticket: string): string {
  const url = new URL(LINK_PATHS[kind].slice(1), issuer.endsWith('/') ? issuer : `${issuer}/`)
  url.searchParams.set('ticket', ticket)
  return url.toString()
}
