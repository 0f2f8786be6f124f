// Client authentication at the token endpoint (RFC 6749 section 2.3): finds which method a request
// uses, then lets that method's verifier decide. A client may use only the methods it is
// registered for; one request may use only one method.
import { oauthError } from '../errors.js'
import { safeEqual, sha256Hex } from '../security/secrets.js'
import type { Client, ClientAuthMethod, ClientDirectory, Tenant } from '../store/port.js'
import { peekJwt } from '../tokens/verify-jwt.js'

export interface ClientCredentials {
  method: ClientAuthMethod
  clientId: string | undefined
  secret?: string
  assertion?: string
  assertionType?: string
}

export interface ClientAuthRequest {
  tenant: Tenant
  issuer: string
  credentials: ClientCredentials
}

/** Proves (or refuses) that the request comes from `client`; throws the catalog error to refuse. */
export type ClientAuthVerifier = (client: Client, request: ClientAuthRequest) => Promise<void>

function decodeBasic (header: string): { clientId: string, secret: string } | undefined {
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
  return (authorization !== undefined && /^Basic /i.test(authorization)) || body.client_secret !== undefined ||
    body.client_assertion !== undefined || body.client_assertion_type !== undefined
}

/** Reads which authentication method a request uses, and its credentials. */
export function readClientCredentials (authorization: string | undefined, body: Record<string, unknown>): ClientCredentials {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const used: ClientCredentials[] = []
  if (authorization !== undefined && /^Basic /i.test(authorization)) {
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

/** Secrets are compared as hashes, in constant time. */
const verifySecret: ClientAuthVerifier = async (client, { credentials }) => {
  const secret = credentials.secret
  if (client.secretHash === null || secret === undefined || !safeEqual(sha256Hex(secret), client.secretHash)) {
    throw oauthError('invalid_client_credentials')
  }
}

export class ClientAuthenticator {
  private readonly verifiers = new Map<ClientAuthMethod, ClientAuthVerifier>([
    ['none', async () => {}],
    ['client_secret_post', verifySecret],
    ['client_secret_basic', verifySecret],
  ])

  constructor (private readonly clients: ClientDirectory) {}

  /** The methods the token endpoint accepts (what discovery lists). */
  get methods (): ClientAuthMethod[] {
    return [...this.verifiers.keys()]
  }

  /** Adds a method (e.g. private_key_jwt); its verifier must also establish the client id. */
  register (method: ClientAuthMethod, verifier: ClientAuthVerifier): void {
    this.verifiers.set(method, verifier)
  }

  async authenticate (request: ClientAuthRequest): Promise<Client> {
    const { credentials, tenant } = request
    const basicHeaders = credentials.method === 'client_secret_basic' ? { 'www-authenticate': 'Basic realm="token"' } : undefined
    const refuse = () => oauthError('invalid_client_credentials', {}, { headers: basicHeaders })
    const verifier = this.verifiers.get(credentials.method)
    if (credentials.clientId === undefined) {
      if (credentials.method === 'private_key_jwt') throw refuse()
      throw oauthError('missing_parameter', { name: 'client_id' })
    }
    const client = await this.clients.clientById(tenant.id, credentials.clientId)
    if (!client || !verifier || !client.authMethods.includes(credentials.method)) throw refuse()
    try {
      await verifier(client, request)
    } catch (err) {
      if (credentials.method === 'client_secret_basic') throw refuse()
      throw err
    }
    return client
  }
}
