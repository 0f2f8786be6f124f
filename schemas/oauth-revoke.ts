// Request body of POST /oauth/revoke (RFC 7009). Client credentials are read as at /oauth/token.
import { Type } from '@sinclair/typebox'
import { Field, JwtField } from './limits.js'

export const OAuthRevokeBody = Type.Object({
  token: JwtField(),
  token_type_hint: Type.Optional(Field()),
  client_id: Type.Optional(Field()),
  client_secret: Type.Optional(Field()),
  client_assertion: Type.Optional(JwtField()),
  client_assertion_type: Type.Optional(Field()),
})
