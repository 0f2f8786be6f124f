// Request bodies of the MFA grants on /oauth/token and of Auth0's MFA API (/mfa/*).
import { Type } from '@sinclair/typebox'

export const MfaOtpGrantBody = Type.Object({
  mfa_token: Type.String(),
  otp: Type.String(),
})

export const MfaOobGrantBody = Type.Object({
  mfa_token: Type.String(),
  oob_code: Type.String(),
  /** The code the user received (binding_method "prompt"). */
  binding_code: Type.String(),
})

export const MfaRecoveryCodeGrantBody = Type.Object({
  mfa_token: Type.String(),
  recovery_code: Type.String(),
})

export const MfaAssociateBody = Type.Object({
  authenticator_types: Type.Array(Type.String(), { maxItems: 4 }),
  oob_channels: Type.Optional(Type.Array(Type.String(), { maxItems: 4 })),
  phone_number: Type.Optional(Type.String()),
})

export const MfaChallengeBody = Type.Object({
  mfa_token: Type.String(),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  /** otp or oob, or several separated by spaces: the first the user can answer is used. */
  challenge_type: Type.Optional(Type.String()),
  authenticator_id: Type.Optional(Type.String()),
})
