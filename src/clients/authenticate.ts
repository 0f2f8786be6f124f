// Client authentication at the token endpoint (RFC 6749 section 2.3): finds which method a request
// uses, then lets that method's verifier decide. A client may use only the methods it is
// registered for; one request may use only one method.
import { oauthError } from '../errors.js'
import { safeEqual, sha256Hex } from '../security/secrets.js'
import type { Client, ClientAuthMethod, ClientDirectory, Tenant } from '../store/port.js'
import type { ClientCredentials } from './credentials.js'

export type { ClientCredentials } from './credentials.js'

export interface ClientAuthRequest {
  tenant: Tenant
  issuer: string
  credentials: ClientCredentials
}

/** Finds a client of the tenant; the token pipeline passes the request's own lookup, so a client is read once. */
export type FindClient = (clientId: string) => Promise<Client | undefined>

/** Proves (or refuses) that the request comes from `client`; throws the catalog error to refuse. */
export type ClientAuthVerifier = (client: Client, request: ClientAuthRequest) => Promise<void>

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

  /**
   * The client the credentials prove, by one of the methods it is registered for (`none` only for
   * a public client). `unknownClient` is the endpoint's answer for a client_id the tenant does not
   * have (the legacy endpoints document their own).
   */
  async authenticate (request: ClientAuthRequest & { findClient?: FindClient, unknownClient?: 'invalid_client' }): Promise<Client> {
    const { credentials, tenant } = request
    const basicHeaders = credentials.method === 'client_secret_basic' ? { 'www-authenticate': 'Basic realm="token"' } : undefined
    const refuse = () => oauthError('invalid_client_credentials', {}, { headers: basicHeaders })
    const verifier = this.verifiers.get(credentials.method)
    if (credentials.clientId === undefined) {
      if (credentials.method === 'private_key_jwt') throw refuse()
      throw oauthError('missing_parameter', { name: 'client_id' })
    }
    const client = await (request.findClient ?? ((id: string) => this.clients.clientById(tenant.id, id)))(credentials.clientId)
    if (!client && request.unknownClient) throw oauthError(request.unknownClient)
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
