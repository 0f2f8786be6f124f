import type { Static, TSchema } from '@sinclair/typebox'
import type { Client, ClientAuthMethod, Tenant } from '../store/port.js'
import type { TokenResponse } from '../tokens/minter.js'

/** What a grant handler is given: the request's context and its body, already validated. */
export interface GrantRequest<Body> {
  tenant: Tenant
  issuer: string
  client: Client
  scopes: string[]
  body: Body
  ip: string
  /** How the client authenticated (/oauth/token); undefined where clients do not authenticate. */
  authMethod?: ClientAuthMethod
}

/** A grant type: its name, the body fields it needs, and how it turns them into tokens. */
export interface Grant<S extends TSchema = TSchema> {
  name: string
  bodySchema: S
  handle (request: GrantRequest<Static<S>>): Promise<TokenResponse>
}

export const defineGrant = <S extends TSchema>(grant: Grant<S>): Grant<S> => grant

/** Splits a scope parameter; Auth0's legacy endpoint defaults to `openid`. */
export function parseScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? 'openid').split(/\s+/).filter(Boolean))]
}
