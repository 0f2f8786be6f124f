// Request body of POST /oauth/token (RFC 6749): what every grant shares. Client credentials
// (client_id, client_secret, client_assertion) are read by src/clients/authenticate.ts, and each
// grant checks its own fields. Unknown fields are allowed, as RFC 6749 section 3.2 asks.
import { Type } from '@sinclair/typebox'
import { Field, JwtField } from './limits.js'

export const OAuthTokenBody = Type.Object({
  grant_type: Field(),
  client_id: Type.Optional(Field()),
  client_secret: Type.Optional(Field()),
  client_assertion: Type.Optional(JwtField()),
  client_assertion_type: Type.Optional(Field()),
  scope: Type.Optional(Field()),
})

export const PasswordRealmGrantBody = Type.Object({
  username: Field(),
  password: Field(),
  realm: Type.Optional(Field()),
  device: Type.Optional(Field()),
  /** The API the access token is for; without it, the tenant's /userinfo. */
  audience: Type.Optional(Field()),
})

export const RefreshTokenGrantBody = Type.Object({
  refresh_token: Field(),
  /** A narrower scope than the token's; without it, the token's own scope. */
  scope: Type.Optional(Field()),
  /** When given, must name the device the token was issued to. */
  device: Type.Optional(Field()),
})

export const ClientCredentialsGrantBody = Type.Object({
  audience: Type.Optional(Field()),
  /** Without it, every scope the client grant allows. */
  scope: Type.Optional(Field()),
})

// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 section 2.1). The audience is the
// API the access token is for; src/grants/api-access.ts decides whether it may be asked for.
export const JwtBearerAssertionGrantBody = Type.Object({
  assertion: JwtField(),
  audience: Type.Optional(Field()),
  scope: Type.Optional(Field()),
  client_id: Type.Optional(Field()),
})
