// @node-oauth/oauth2-server as its documentation sets it up: a model object, OAuth2Server#token on a
// plain node:http server at POST /oauth/token. Same work per grant as Tollgate: client_credentials
// signs one RS256 access token; password and refresh_token sign an RS256 access token and an RS256
// id_token (added to the response with allowExtendedTokenAttributes); one argon2id verify per
// password login; refresh tokens rotate (alwaysIssueNewRefreshToken). Tokens are kept in memory.
import OAuth2Server from '@node-oauth/oauth2-server'
import http from 'node:http'
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { API, MACHINE_SECRET, benchUsers, listening, readForm, rs256Signer, rsaKey, verifyPassword } from './common.mjs'

const { Request, Response } = OAuth2Server
const users = await benchUsers()
const sign = rs256Signer(rsaKey(), 'peer-rs256')
const clients = new Map([
  ['bench-spa', { id: 'bench-spa', grants: ['password', 'refresh_token'] }],
  ['bench-machine', { id: 'bench-machine', secret: Buffer.from(MACHINE_SECRET), grants: ['client_credentials'] }],
])
const refreshTokens = new Map()
const issuer = 'http://127.0.0.1/'
const now = () => Math.floor(Date.now() / 1000)

const model = {
  async getClient (clientId, clientSecret) {
    const client = clients.get(clientId)
    if (!client) return false
    if (client.secret) {
      const given = Buffer.from(clientSecret ?? '')
      if (given.length !== client.secret.length || !timingSafeEqual(given, client.secret)) return false
    }
    return client
  },
  async getUser (username, password) {
    const user = users.get(username)
    return user && await verifyPassword(user, password) ? user : false
  },
  async getUserFromClient (client) { return { id: `${client.id}@clients` } },
  async validateScope (user, client, scope) { return scope ?? [] },
  async generateAccessToken (client, user, scope) {
    const iat = now()
    return sign({ iss: issuer, sub: user.id, aud: client.grants.includes('client_credentials') ? API : `${issuer}userinfo`, iat, exp: iat + 3600, scope: scope.join(' '), client_id: client.id, jti: randomUUID() })
  },
  async generateRefreshToken () { return randomBytes(32).toString('base64url') },
  async saveToken (token, client, user) {
    const saved = { ...token, client, user }
    if (token.refreshToken) refreshTokens.set(token.refreshToken, saved)
    if (token.scope?.includes('openid')) {
      const iat = now()
      saved.id_token = sign({ iss: issuer, sub: user.id, aud: client.id, iat, exp: iat + 36000, email: user.email })
    }
    return saved
  },
  async getRefreshToken (refreshToken) { return refreshTokens.get(refreshToken) },
  async revokeToken (token) { return refreshTokens.delete(token.refreshToken) },
}

const oauth = new OAuth2Server({
  model,
  accessTokenLifetime: 3600,
  refreshTokenLifetime: 30 * 24 * 3600,
  allowExtendedTokenAttributes: true,
  requireClientAuthentication: { password: false, refresh_token: false },
})

const server = http.createServer(async (req, res) => {
  const reply = (status, headers, body) => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify(body))
  }
  if (req.method !== 'POST' || req.url !== '/oauth/token') return reply(404, {}, { error: 'not_found' })
  const response = new Response()
  try {
    const request = new Request({ method: req.method, headers: req.headers, query: {}, body: await readForm(req) })
    await oauth.token(request, response)
  } catch {}
  const { client: _c, user: _u, ...body } = response.body ?? {}
  reply(response.status, response.headers, body)
})
listening(server)
