// Verifies a JWT Tollgate receives against a set of candidate keys, with fast-jwt (the engine of
// @fastify/jwt). The token's kid chooses the key, and the key alone decides the algorithm: a token
// whose header names another (HS256 with the public key as secret, `none`, ...) is refused before
// any signature check. Every failure is a JwtRejected with a fixed reason for the log; the token
// itself never appears in it.
import { createDecoder, createVerifier, TokenError } from 'fast-jwt'
import type { VerificationKey } from './public-keys.js'

export class JwtRejected extends Error {
  override readonly name = 'JwtRejected'
  /** Whether the token's only fault is that it expired (bearer tokens answer that differently). */
  constructor (reason: string, readonly expired = false) {
    super(reason)
  }
}

export interface JwtExpectations {
  keys: readonly VerificationKey[]
  /** The exact iss the token must carry. */
  issuer: string
  /** aud (a string or an array) must contain one of these. */
  audiences: readonly string[]
  /** The exact sub the token must carry, when the caller knows it. */
  subject?: string
  requiredClaims: readonly string[]
  /** Seconds of skew allowed on exp and nbf. */
  clockTolerance: number
  maxLength: number
  /** Epoch milliseconds; the current time when absent. */
  now?: number
}

export interface VerifiedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

const decode = createDecoder({ complete: true })

const reasons: Partial<Record<string, string>> = {
  [TokenError.codes.expired]: 'the token has expired',
  [TokenError.codes.inactive]: 'the token is not yet valid',
  [TokenError.codes.invalidSignature]: 'the signature does not verify',
  [TokenError.codes.missingSignature]: 'the token is not signed',
  [TokenError.codes.invalidAlgorithm]: 'the algorithm is not the key\'s',
  [TokenError.codes.invalidClaimValue]: 'a claim (iss, aud or sub) has a value not accepted here',
  [TokenError.codes.invalidClaimType]: 'a claim has the wrong type',
  [TokenError.codes.missingRequiredClaim]: 'a required claim is missing',
  [TokenError.codes.invalidCritHeader]: 'the header has a critical extension not understood here',
  [TokenError.codes.malformed]: 'the token is malformed',
  [TokenError.codes.invalidPayload]: 'the payload is not a JSON object',
}

const reject = (reason: string): never => { throw new JwtRejected(reason) }

export const AUDIENCE_REFUSED = 'the aud claim has a value not accepted here'
/** fast-jwt's message names the claim whose value it refused. */
function claimRefused (message: string): string {
  const claim = /^(?:The|None of) (iss|aud|sub) claim/.exec(message)?.[1]
  return claim ? `the ${claim} claim has a value not accepted here` : 'a claim (iss, aud or sub) has a value not accepted here'
}

/** Reads a token's header and claims without verifying anything: only to find whose keys to use. */
export function peekJwt (token: unknown, maxLength: number): VerifiedJwt {
  if (typeof token !== 'string' || token.length === 0) reject('the token is empty')
  if ((token as string).length > maxLength) reject(`the token is longer than ${maxLength} characters`)
  if ((token as string).split('.').length !== 3) reject('the token does not have three segments')
  try {
    const { header, payload } = decode(token as string)
    return { header, payload }
  } catch {
    return reject('the token is not base64url-encoded JSON')
  }
}

export function verifyJwt (token: unknown, expect: JwtExpectations): VerifiedJwt {
  // fast-jwt skips a claim check whose allowed value is empty: never let that happen silently.
  if (!expect.issuer || expect.audiences.length === 0 || expect.audiences.some((a) => !a) || expect.subject === '') {
    throw new Error('verifyJwt needs a non-empty issuer, audiences and subject')
  }
  const { header } = peekJwt(token, expect.maxLength)
  if (typeof header.alg !== 'string') reject('the header has no alg')
  const kid = header.kid
  if (kid !== undefined && typeof kid !== 'string') reject('the kid is not a string')
  // Without a kid (tokens of some older servers), only a sole key of the token's algorithm can be meant.
  const sameAlg = expect.keys.filter((k) => k.alg === header.alg)
  const key = kid === undefined
    ? (sameAlg.length === 1 ? sameAlg[0] : reject('the token has no kid and no sole key of its algorithm'))
    : (expect.keys.find((k) => k.kid === kid) ?? reject('no key has this kid'))
  if (header.alg !== key.alg) reject('the algorithm is not the key\'s')

  try {
    const verify = createVerifier({
      key: key.pem,
      algorithms: [key.alg],
      allowedIss: expect.issuer,
      allowedAud: [...expect.audiences],
      ...(expect.subject !== undefined ? { allowedSub: expect.subject } : {}),
      requiredClaims: [...expect.requiredClaims],
      clockTolerance: expect.clockTolerance * 1000,
      ...(expect.now !== undefined ? { clockTimestamp: expect.now } : {}),
      complete: true,
      cache: false,
    })
    const { header: verifiedHeader, payload } = verify(token as string)
    return { header: verifiedHeader, payload }
  } catch (err) {
    if (err instanceof JwtRejected) throw err
    const code = err instanceof TokenError ? err.code : undefined
    if (code === TokenError.codes.expired) throw new JwtRejected(reasons[code]!, true)
    if (code === TokenError.codes.invalidClaimValue) return reject(claimRefused((err as Error).message))
    const missing = code === TokenError.codes.missingRequiredClaim && expect.requiredClaims.find((c) => (err as Error).message === `The ${c} claim is required.`)
    if (missing) return reject(`the ${missing} claim is missing`)
    return reject(code && reasons[code] ? reasons[code] : 'the token does not verify')
  }
}
