import { Type } from '@sinclair/typebox'

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  id_token: Type.Optional(Type.String()),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  /** The mfa-recovery-code grant: the user's new recovery code (the one presented is spent). */
  recovery_code: Type.Optional(Type.String()),
}, { additionalProperties: false })
