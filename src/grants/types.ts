import type { Static, TSchema } from '@sinclair/typebox'
import type { Client, ClientAuthMethod, Tenant } from '../store/port.js'
import type { AccessTokenResponse, TokenResponse } from '../tokens/minter.js'

/** What a grant handler is given: the request's context and its body, already validated. */
export interface GrantRequest<Body> {
  tenant: Tenant
  issuer: string
  client: Client
  scopes: string[]
  body: Body
  ip: string
  /** What the grant's own authenticateClient verified, when it (not client authentication) proved the client. */
  clientProof?: Record<string, unknown>
  /** How the client authenticated (/oauth/token); undefined where clients do not authenticate. */
  authMethod?: ClientAuthMethod
}

/** What a grant that proves the client itself is given (see Grant.authenticateClient). */
export interface ClientProofRequest<Body> {
  tenant: Tenant
  issuer: string
  body: Body
}

/** A grant type: its name, the body fields it needs, and how it turns them into tokens. */
export interface Grant<S extends TSchema = TSchema> {
  name: string
  bodySchema: S
  /**
   * For grants whose own credential proves the client (RFC 7523 section 2.1 assertions): used when a
   * request carries no client authentication. Returns the client, and what was verified, which
   * handle then gets as `clientProof`.
   */
  authenticateClient? (request: ClientProofRequest<Static<S>>): Promise<{ client: Client, proof: Record<string, unknown> }>
  handle (request: GrantRequest<Static<S>>): Promise<TokenResponse | AccessTokenResponse>
}

export const defineGrant = <S extends TSchema>(grant: Grant<S>): Grant<S> => grant

/** Splits a scope parameter; Auth0's legacy endpoint defaults to `openid`. */
export function parseScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? 'openid').split(/\s+/).filter(Boolean))]
}
