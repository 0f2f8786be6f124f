// Request body of POST /oauth/revoke (RFC 7009). Client credentials are read as at /oauth/token.
import { Type } from '@sinclair/typebox'

export const OAuthRevokeBody = Type.Object({
  token: Type.String(),
  token_type_hint: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  client_assertion: Type.Optional(Type.String()),
  client_assertion_type: Type.Optional(Type.String()),
})
