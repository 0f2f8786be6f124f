// Request bodies of POST /oauth/ro. The route checks what every grant shares; each grant then checks
// its own fields. Field order in `required` is the order in which missing fields are reported.
// Unknown fields are allowed: the SDKs send more than a grant reads (e.g. id_token on the password grant).
import { Type } from '@sinclair/typebox'
import { Field, JwtField } from './limits.js'

export const OAuthRoBody = Type.Object({
  client_id: Field(),
  grant_type: Field(),
  scope: Type.Optional(Field()),
})

export const PasswordGrantBody = Type.Object({
  username: Field(),
  password: Field(),
  connection: Field(),
  device: Type.Optional(Field()),
  id_token: Type.Optional(JwtField()),
  /** The TOTP code of a user who must use MFA (Auth0's legacy MFA on this endpoint). */
  mfa_code: Type.Optional(Field()),
})

// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (the id_token exchange). Seed 003 lists
// "missing device parameter" before "missing id_token parameter", and that is the order they are
// reported in: client_id, then device, then id_token.
export const JwtBearerGrantBody = Type.Object({
  device: Field(),
  id_token: JwtField(),
})
