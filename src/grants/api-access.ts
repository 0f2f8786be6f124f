// Which API (resource server) an access token may be issued for, and with which scopes. This is the
// one place grants that issue API access tokens ask.
//
// TODO(issue 6, registered APIs): look the audience up in the tenant's API registry (unknown →
// its catalog error), and keep only the scopes the API defines and the client is allowed. Until
// then the audience is only checked to be a non-empty string and the scopes are taken as asked.
import { oauthError } from '../errors.js'
import type { Client, Tenant } from '../store/port.js'

export interface ApiAccessRequest {
  tenant: Tenant
  client: Client
  audience: string | undefined
  scopes: string[]
}

export interface ApiAccess {
  audience: string
  scopes: string[]
}

export async function authorizeApiAccess ({ audience, scopes }: ApiAccessRequest): Promise<ApiAccess> {
  if (audience === undefined || audience.trim() === '') throw oauthError('missing_parameter', { name: 'audience' })
  return { audience, scopes }
}

/** Splits a scope parameter; unlike the login grants, an API token asks for no scope by default. */
export function parseApiScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))]
}
