// Request body of POST /oauth/token (RFC 6749): what every grant shares. Client credentials
// (client_id, client_secret, client_assertion) are read by src/clients/authenticate.ts, and each
// grant checks its own fields. Unknown fields are allowed, as RFC 6749 section 3.2 asks.
import { Type } from '@sinclair/typebox'

export const OAuthTokenBody = Type.Object({
  grant_type: Type.String(),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  client_assertion: Type.Optional(Type.String()),
  client_assertion_type: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
})

export const PasswordRealmGrantBody = Type.Object({
  username: Type.String(),
  password: Type.String(),
  realm: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()),
  /** The API the access token is for; without it, the tenant's /userinfo. */
  audience: Type.Optional(Type.String()),
})

export const RefreshTokenGrantBody = Type.Object({
  refresh_token: Type.String(),
  /** A narrower scope than the token's; without it, the token's own scope. */
  scope: Type.Optional(Type.String()),
  /** When given, must name the device the token was issued to. */
  device: Type.Optional(Type.String()),
})

export const ClientCredentialsGrantBody = Type.Object({
  audience: Type.Optional(Type.String()),
  /** Without it, every scope the client grant allows. */
  scope: Type.Optional(Type.String()),
})

// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 section 2.1). The audience is the
// API the access token is for; src/grants/api-access.ts decides whether it may be asked for.
export const JwtBearerAssertionGrantBody = Type.Object({
  assertion: Type.String(),
  audience: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
})
