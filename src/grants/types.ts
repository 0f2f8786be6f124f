import type { Static, TSchema } from '@sinclair/typebox'
import type { Client, ClientAuthMethod, Tenant } from '../store/port.js'
import type { AccessTokenResponse, TokenResponse } from '../tokens/minter.js'

/**
 * A grant type, as the token pipeline (plugins/token-pipeline.ts) runs it. The pipeline has already
 * found and authenticated the client, checked that the client may use the grant (`name` among its
 * grant_types), settled the end user's IP and applied the per-account limit; the handler does the
 * grant's own work and returns the token response. A new grant (an MFA grant, say) is a module that
 * exports a `defineGrant(...)` and is added to an endpoint's map in src/grants/index.ts.
 */

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
  /** How the client authenticated; undefined when the grant's own credential proved it (clientProof). */
  authMethod?: ClientAuthMethod
}

/** What a grant that proves the client itself is given (see Grant.authenticateClient). */
export interface ClientProofRequest<Body> {
  tenant: Tenant
  issuer: string
  body: Body
  /** The request's client lookup (each client is read once per request). */
  findClient (clientId: string): Promise<Client | undefined>
}

/** What a grant is asked to name the account its credential is for. */
export interface AccountRequest<Body> {
  tenant: Tenant
  client: Client
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
  /**
   * For grants that verify a user's secret: the account it is for, as `connection|login` with the
   * connection and login the grant will actually use (the per-account limit keys on it). Grants
   * without a user's secret leave it out.
   */
  account? (request: AccountRequest<Static<S>>): Promise<string | undefined> | string | undefined
  handle (request: GrantRequest<Static<S>>): Promise<TokenResponse | AccessTokenResponse>
}

export const defineGrant = <S extends TSchema>(grant: Grant<S>): Grant<S> => grant

/** Splits a scope parameter; Auth0's legacy endpoint defaults to `openid`. */
export function parseScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? 'openid').split(/\s+/).filter(Boolean))]
}

/** How the per-account limit names an account: the connection a grant logs in to, and the login (case-insensitive). */
export const accountKey = (connection: string, login: string): string => `${connection}|${login.toLowerCase()}`
