// What a request presents to prove its client (RFC 6749 section 2.3, RFC 7523 section 2.2): HTTP
// Basic, client_secret in the body, or a client assertion; or only a client_id (method `none`).
// The one place that reads them: the token pipeline, CORS and /oauth/revoke all call these.
import { oauthError } from '../errors.js'
import type { ClientAuthMethod } from '../store/port.js'
import { peekJwt } from '../tokens/verify-jwt.js'

export interface ClientCredentials {
  method: ClientAuthMethod
  clientId: string | undefined
  secret?: string
  assertion?: string
  assertionType?: string
}

/** Basic credentials (RFC 7617), each part form-encoded first as RFC 6749 section 2.3.1 asks; undefined when malformed. */
export function decodeBasic (header: string): { clientId: string, secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim())
  if (!match) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    return undefined
  }
}

const usesBasic = (authorization: string | undefined): authorization is string =>
  authorization !== undefined && /^Basic /i.test(authorization)

/** RFC 7523 section 2.2 lets client_id be left out: the assertion's sub names the client (checked later). */
function assertionSubject (assertion: string | undefined): string | undefined {
  try {
    const { sub } = peekJwt(assertion, 65536).payload
    return typeof sub === 'string' ? sub : undefined
  } catch {
    return undefined
  }
}

/** Whether a request carries any client authentication (as opposed to a bare client_id or none). */
export function sendsClientAuthentication (authorization: string | undefined, body: Record<string, unknown>): boolean {
  return usesBasic(authorization) || body.client_secret !== undefined ||
    body.client_assertion !== undefined || body.client_assertion_type !== undefined
}

/** Reads which authentication method a request uses, and its credentials; refuses two methods at once. */
export function readClientCredentials (authorization: string | undefined, body: Record<string, unknown>): ClientCredentials {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const used: ClientCredentials[] = []
  if (usesBasic(authorization)) {
    const basic = decodeBasic(authorization)
    if (!basic) throw oauthError('invalid_client_credentials', {}, { headers: { 'www-authenticate': 'Basic realm="token"' } })
    used.push({ method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret })
  }
  if (body.client_secret !== undefined) {
    used.push({ method: 'client_secret_post', clientId: str(body.client_id), secret: str(body.client_secret) })
  }
  if (body.client_assertion !== undefined || body.client_assertion_type !== undefined) {
    const assertion = str(body.client_assertion)
    used.push({ method: 'private_key_jwt', clientId: str(body.client_id) ?? assertionSubject(assertion), assertion, assertionType: str(body.client_assertion_type) })
  }
  if (used.length > 1) throw oauthError('multiple_client_auth_methods')
  if (used.length === 1) return used[0]
  const clientId = str(body.client_id)
  if (clientId === undefined) throw oauthError('missing_parameter', { name: 'client_id' })
  return { method: 'none', clientId }
}

/** The client a request names, if it names one readably (CORS decides with it before any authentication). */
export function namedClientId (authorization: string | undefined, body: unknown): string | undefined {
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {}
  try {
    return readClientCredentials(authorization, fields).clientId
  } catch {
    return undefined
  }
}
