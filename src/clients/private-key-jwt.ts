// private_key_jwt client authentication (RFC 7523 section 2.2, OpenID Connect Core section 9):
// the client proves itself with an assertion signed by one of its registered keys, iss and sub
// its client_id. Every failure is 401 invalid_client, its description saying what was wrong.
import { oauthError } from '../errors.js'
import { JwtRejected } from '../tokens/verify-jwt.js'
import { CLIENT_ASSERTION_TYPE, type AssertionVerifier } from './assertions.js'
import type { ClientAuthVerifier } from './authenticate.js'

export function privateKeyJwt (assertions: AssertionVerifier): ClientAuthVerifier {
  return async (client, { issuer, credentials }) => {
    try {
      if (credentials.assertionType !== CLIENT_ASSERTION_TYPE) throw new JwtRejected(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`)
      await assertions.verify(credentials.assertion, { client, issuer, subject: 'client' })
    } catch (err) {
      if (err instanceof JwtRejected) throw oauthError('client_assertion_rejected', { reason: err.message }, { cause: err })
      throw err
    }
  }
}
