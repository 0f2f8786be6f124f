// Runs the official client SDKs in a child process whose NODE_EXTRA_CA_CERTS trusts the test's
// certificate (node-auth0 v2 speaks only https; Node reads that variable once, at start). It reads
// one JSON request per line on stdin and answers one JSON line on stdout: what the SDK returned,
// unchanged, or the error it threw. openid-client configurations are kept by name between calls.
import { AuthClient, isMfaRequiredError } from '@auth0/auth0-auth-js'
import auth0 from 'auth0'
import * as oidc from 'openid-client'
import { createInterface } from 'node:readline'

export type DriverRequest =
  | { id: number, op: 'auth0', client: Record<string, unknown>, method: string, args: unknown[] }
  | { id: number, op: 'auth0-auth-js', client: { domain: string, clientId: string, clientSecret?: string }, method: string, args: unknown[] }
  | { id: number, op: 'oidc.discovery', name: string, server: string, clientId: string, clientSecret?: string, auth: 'none' | 'post' | 'basic' }
  | { id: number, op: 'oidc.grant', name: string, grantType: string, parameters: Record<string, string> }
  | { id: number, op: 'oidc.refresh', name: string, refreshToken: string, parameters?: Record<string, string> }
  | { id: number, op: 'oidc.clientCredentials', name: string, parameters: Record<string, string> }
  | { id: number, op: 'oidc.userinfo', name: string, accessToken: string, expectedSubject: string }

const configs = new Map<string, oidc.Configuration>()
const authClients = new Map<string, AuthClient>()

/** The response and, where the SDK validated an id_token, its claims as the SDK returns them. */
function tokens (response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers) {
  return { response: { ...response }, claims: response.claims() ?? null }
}

async function run (request: DriverRequest): Promise<unknown> {
  switch (request.op) {
    case 'auth0': {
      const sdk = new auth0.AuthenticationClient(request.client)
      const [group, method] = request.method.split('.')
      return sdk[group][method](...request.args)
    }
    case 'auth0-auth-js': {
      const key = JSON.stringify(request.client)
      let sdk = authClients.get(key)
      if (!sdk) {
        sdk = new AuthClient(request.client)
        authClients.set(key, sdk)
      }
      const path = request.method.split('.')
      const owner = path.length === 2 ? (sdk as any)[path[0]] : sdk
      return owner[path.at(-1)!](...request.args)
    }
    case 'oidc.discovery': {
      const auth = request.auth === 'none' ? oidc.None() : request.auth === 'post' ? oidc.ClientSecretPost(request.clientSecret) : oidc.ClientSecretBasic(request.clientSecret)
      const config = await oidc.discovery(new URL(request.server), request.clientId, undefined, auth)
      // Verify id_token signatures against the tenant's JWKS, not only their claims.
      oidc.enableNonRepudiationChecks(config)
      configs.set(request.name, config)
      return config.serverMetadata()
    }
    case 'oidc.grant': return tokens(await oidc.genericGrantRequest(configs.get(request.name)!, request.grantType, request.parameters))
    case 'oidc.refresh': return tokens(await oidc.refreshTokenGrant(configs.get(request.name)!, request.refreshToken, request.parameters))
    case 'oidc.clientCredentials': return tokens(await oidc.clientCredentialsGrant(configs.get(request.name)!, request.parameters))
    case 'oidc.userinfo': return oidc.fetchUserInfo(configs.get(request.name)!, request.accessToken, request.expectedSubject)
  }
}

function describe (err: any) {
  return {
    name: err?.name, message: err?.message, statusCode: err?.statusCode, code: err?.code,
    error: err?.error, error_description: err?.error_description, status: err?.status,
    // @auth0/auth0-auth-js: what its own type guard says, and the server's answer it keeps.
    isMfaRequired: isMfaRequiredError(err), cause: err?.cause && typeof err.cause === 'object' ? { ...err.cause } : undefined,
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const request = JSON.parse(line) as DriverRequest
  run(request).then(
    (result) => { process.stdout.write(JSON.stringify({ id: request.id, result: result ?? null }) + '\n') },
    (err) => { process.stdout.write(JSON.stringify({ id: request.id, error: describe(err) }) + '\n') },
  )
})
