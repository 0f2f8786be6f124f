// What the endpoints that answer with tokens share: finding the grant a request names and checking
// the grant's own fields, and the headers every token response carries (RFC 6749 section 5.1).
import type { FastifyReply, FastifyRequest } from 'fastify'
import { oauthError } from '../src/errors.js'
import type { GrantMap } from '../src/grants/index.js'
import type { Grant } from '../src/grants/types.js'
import { toOAuthError } from '../src/validation.js'

/** The grant `grantType` names on this endpoint, once the request's body has the grant's fields. */
export function grantOf (grants: GrantMap, grantType: string, request: FastifyRequest): Grant<any> {
  const grant = grants.get(grantType)
  if (!grant) throw oauthError('unsupported_grant_type', { grant_type: grantType })
  const validGrantBody = request.compileValidationSchema(grant.bodySchema)
  if (!validGrantBody(request.body)) throw toOAuthError(validGrantBody.errors ?? [])
  return grant
}

/** Tokens are never cached, by the browser or by anything in between. */
export function noStore (reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}
