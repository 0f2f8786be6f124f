// oidc-provider as its documentation sets it up: a Provider with static clients, its token endpoint
// at /oauth/token (routes), client_credentials and resource indicators enabled so that access tokens
// are RS256 JWTs for the API (getResourceServerInfo: accessTokenFormat 'jwt'), refresh tokens
// rotated (rotateRefreshToken). It has no password grant; it is added as its documentation says
// (Provider#registerGrantType), doing what its refresh grant does plus one argon2id verify. Same
// signatures as Tollgate: client_credentials one RS256 access token; password and refresh_token an
// RS256 access token and an RS256 id_token. Its default in-memory adapter keeps the tokens.
import Provider, { errors } from 'oidc-provider'
import http from 'node:http'
import { API, MACHINE_SECRET, benchUsers, listening, rsaKey, verifyPassword } from './common.mjs'

const users = await benchUsers()
const byId = new Map([...users.values()].map((u) => [u.id, u]))
const key = { ...rsaKey().export({ format: 'jwk' }), kid: 'peer-rs256', alg: 'RS256', use: 'sig' }
const resourceServer = { scope: 'read:things', audience: API, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }

const provider = new Provider('http://127.0.0.1/', {
  clients: [
    { client_id: 'bench-spa', token_endpoint_auth_method: 'none', grant_types: ['password', 'refresh_token'], response_types: [], redirect_uris: [] },
    { client_id: 'bench-machine', client_secret: MACHINE_SECRET, token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
  ],
  jwks: { keys: [key] },
  routes: { token: '/oauth/token' },
  scopes: ['openid', 'offline_access', 'read:things'],
  findAccount: async (_ctx, id) => {
    const user = byId.get(id)
    return user && { accountId: id, claims: async () => ({ sub: id, email: user.email }) }
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API,
      useGrantedResource: () => true,
      getResourceServerInfo: () => resourceServer,
    },
  },
  rotateRefreshToken: true,
})

async function passwordGrant (ctx, next) {
  const { client, params } = ctx.oidc
  const { AccessToken, IdToken, RefreshToken, Grant, ResourceServer } = ctx.oidc.provider
  const user = users.get(params.username)
  if (!user || !await verifyPassword(user, params.password)) throw new errors.InvalidGrant('wrong username or password')
  const scopes = new Set((params.scope ?? '').split(' ').filter(Boolean))

  const grant = new Grant({ accountId: user.id, clientId: client.clientId })
  grant.addOIDCScope([...scopes].filter((s) => s === 'openid' || s === 'offline_access').join(' '))
  grant.addResourceScope(API, 'read:things')
  const grantId = await grant.save()

  const at = new AccessToken({ accountId: user.id, client, grantId, gty: 'password', scope: '' })
  at.resourceServer = new ResourceServer(API, resourceServer)
  const accessToken = await at.save()

  let refreshToken
  if (scopes.has('offline_access')) {
    const rt = new RefreshToken({ accountId: user.id, client, grantId, gty: 'password', scope: [...scopes].join(' '), resource: API, iiat: Math.floor(Date.now() / 1000) })
    refreshToken = await rt.save()
  }

  let idToken
  if (scopes.has('openid')) {
    const token = new IdToken({ sub: user.id, email: user.email }, { ctx })
    token.scope = 'openid'
    token.set('at_hash', accessToken)
    idToken = await token.issue({ use: 'idtoken' })
  }
  ctx.body = { access_token: accessToken, expires_in: at.expiration, id_token: idToken, refresh_token: refreshToken, scope: [...scopes].join(' '), token_type: at.tokenType }
  await next()
}
provider.registerGrantType('password', passwordGrant, ['username', 'password', 'scope'])

listening(http.createServer(provider.callback()))
