// Verifies a JWT Tollgate receives against a set of candidate keys. The token's kid chooses the key,
// and the key alone decides the algorithm: a token whose header names another (HS256 with the
// public key as secret, `none`, ...) is refused before any signature check. Every failure is a
// JwtRejected with a fixed reason for the log or the answer; the token itself never appears in it.
//
// The checks and their reasons are fast-jwt's (the engine of @fastify/jwt), in its order: shape,
// signature, crit, required claims, then nbf, exp, aud, iss and sub. The signature is checked by
// node:crypto on the key's KeyObject, parsed once per key: by `verifyJwt` on the event loop (tokens
// Tollgate issued: id_tokens, access tokens), by `verifyJwtInThreadPool` in libuv's thread pool
// (one-shot `verify` with a callback) for the assertions clients sign, as signing is. The claims are
// checked before the signature is dispatched, yet a token wrong in several ways is refused for its
// signature first, as fast-jwt refused it: the claims' refusal is told only once the signature holds.
import { constants, verify as verifySignature, type KeyObject } from 'node:crypto'
import { createDecoder } from 'fast-jwt'
import type { AssertionAlgorithm, VerificationKey } from './public-keys.js'

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

interface DecodedJwt extends VerifiedJwt {
  /** The base64url signature segment. */
  signature: string
  /** The signed part: header and payload segments. */
  input: string
}

const decode = createDecoder({ complete: true })

const reject = (reason: string): never => { throw new JwtRejected(reason) }

export const AUDIENCE_REFUSED = 'the aud claim has a value not accepted here'
const SIGNATURE_REFUSED = 'the signature does not verify'
/** A signature node:crypto cannot even check (an ECDSA one of the wrong length, ...). */
const UNVERIFIABLE = 'the token does not verify'

/** How node:crypto checks each algorithm a key may be pinned to (RFC 7518 section 3, RFC 8037). */
interface SignatureCheck {
  digest: string | null
  padding?: number
  saltLength?: number
  /** JWS carries ECDSA signatures as the raw r || s pair of this many bytes, not DER. */
  rawEcdsaBytes?: number
}
const rsa = (digest: string): SignatureCheck => ({ digest, padding: constants.RSA_PKCS1_PADDING })
const pss = (digest: string): SignatureCheck => ({ digest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
const SIGNATURE_CHECKS: Record<AssertionAlgorithm, SignatureCheck> = {
  RS256: rsa('sha256'), RS384: rsa('sha384'), RS512: rsa('sha512'),
  PS256: pss('sha256'), PS384: pss('sha384'), PS512: pss('sha512'),
  ES256: { digest: 'sha256', rawEcdsaBytes: 64 }, ES384: { digest: 'sha384', rawEcdsaBytes: 96 }, ES512: { digest: 'sha512', rawEcdsaBytes: 132 },
  EdDSA: { digest: null },
}

function decodeJwt (token: unknown, maxLength: number): DecodedJwt {
  if (typeof token !== 'string' || token.length === 0) reject('the token is empty')
  if ((token as string).length > maxLength) reject(`the token is longer than ${maxLength} characters`)
  if ((token as string).split('.').length !== 3) reject('the token does not have three segments')
  try {
    return decode(token as string)
  } catch {
    return reject('the token is not base64url-encoded JSON')
  }
}

/** Reads a token's header and claims without verifying anything: only to find whose keys to use. */
export function peekJwt (token: unknown, maxLength: number): VerifiedJwt {
  const { header, payload } = decodeJwt(token, maxLength)
  return { header, payload }
}

/** What the signature check needs: the key, the signed bytes, the signature and how to check it. */
interface PendingSignature {
  check: SignatureCheck
  key: KeyObject
  input: Buffer
  signature: Buffer
}

interface Checked {
  verified: VerifiedJwt
  signature: PendingSignature
  /** The refusal the claims earn once the signature verifies, if any. */
  claimsRefusal?: JwtRejected
}

/** Everything but the signature itself; throws what would be refused before it is checked. */
function checkAllButSignature (token: unknown, expect: JwtExpectations): Checked {
  // An empty allowed value must never mean "any": refuse such expectations outright.
  if (!expect.issuer || expect.audiences.length === 0 || expect.audiences.some((a) => !a) || expect.subject === '') {
    throw new Error('verifyJwt needs a non-empty issuer, audiences and subject')
  }
  const { header, payload, signature, input } = decodeJwt(token, expect.maxLength)
  if (typeof header.alg !== 'string') reject('the header has no alg')
  const kid = header.kid
  if (kid !== undefined && typeof kid !== 'string') reject('the kid is not a string')
  // Without a kid (tokens of some older servers), only a sole key of the token's algorithm can be meant.
  const sameAlg = expect.keys.filter((k) => k.alg === header.alg)
  const key = kid === undefined
    ? (sameAlg.length === 1 ? sameAlg[0] : reject('the token has no kid and no sole key of its algorithm'))
    : (expect.keys.find((k) => k.kid === kid) ?? reject('no key has this kid'))
  if (header.alg !== key.alg) reject('the algorithm is not the key\'s')
  if (signature === '') reject('the token is not signed')
  const check = SIGNATURE_CHECKS[key.alg]
  const signatureBytes = Buffer.from(signature, 'base64url')
  if (check.rawEcdsaBytes !== undefined && signatureBytes.length !== check.rawEcdsaBytes) reject(UNVERIFIABLE)
  let claimsRefusal: JwtRejected | undefined
  try {
    checkClaims(header, payload, expect)
  } catch (err) {
    if (!(err instanceof JwtRejected)) throw err
    claimsRefusal = err
  }
  return {
    verified: { header, payload },
    signature: { check, key: key.key, input: Buffer.from(input), signature: signatureBytes },
    claimsRefusal,
  }
}

interface ClaimRule {
  claim: string
  /** A date (a number of seconds) or a string. */
  type: 'number' | 'string'
  /** Whether the claim may be an array of values (aud). */
  array?: boolean
  /** For strings: the values accepted. */
  allowed?: readonly string[]
}

/** crit, required claims, then each claim present, in fast-jwt's order and with its verdicts. */
function checkClaims (header: Record<string, unknown>, payload: Record<string, unknown>, expect: JwtExpectations): void {
  // No critical extension is understood here: any crit header, well formed or not, is refused.
  if (header.crit) reject('the header has a critical extension not understood here')
  for (const claim of expect.requiredClaims) {
    if (!(claim in payload)) reject(`the ${claim} claim is missing`)
  }
  const now = expect.now ?? Date.now()
  const tolerance = expect.clockTolerance * 1000
  const rules: ClaimRule[] = [
    { claim: 'nbf', type: 'number' },
    { claim: 'exp', type: 'number' },
    { claim: 'aud', type: 'string', array: true, allowed: expect.audiences },
    { claim: 'iss', type: 'string', allowed: [expect.issuer] },
    ...(expect.subject !== undefined ? [{ claim: 'sub', type: 'string' as const, allowed: [expect.subject] }] : []),
  ]
  for (const { claim, type, array, allowed } of rules) {
    if (!(claim in payload)) continue
    const value = payload[claim]
    const values = Array.isArray(value) ? value : [value]
    // An array where one value is expected is a refused value (fast-jwt's verdict), not a wrong type.
    if (Array.isArray(value) && !array) reject(claim === 'iss' || claim === 'sub' ? `the ${claim} claim has a value not accepted here` : 'a claim (iss, aud or sub) has a value not accepted here')
    if (values.some((v) => typeof v !== type)) reject('a claim has the wrong type')
    if (claim === 'nbf' && now < (value as number) * 1000 - tolerance) reject('the token is not yet valid')
    if (claim === 'exp' && now > (value as number) * 1000 + tolerance) throw new JwtRejected('the token has expired', true)
    if (allowed && !values.some((v) => allowed.includes(v as string))) reject(`the ${claim} claim has a value not accepted here`)
  }
}

function signatureOptions ({ check, key }: PendingSignature) {
  return { key, padding: check.padding, saltLength: check.saltLength, dsaEncoding: check.rawEcdsaBytes !== undefined ? 'ieee-p1363' as const : undefined }
}

function conclude ({ verified, claimsRefusal }: Checked, signed: boolean): VerifiedJwt {
  if (!signed) reject(SIGNATURE_REFUSED)
  if (claimsRefusal) throw claimsRefusal
  return verified
}

/** Verifies on the event loop. Throws JwtRejected with the reason when the token is refused. */
export function verifyJwt (token: unknown, expect: JwtExpectations): VerifiedJwt {
  const checked = checkAllButSignature(token, expect)
  const { check, input, signature } = checked.signature
  let signed: boolean
  try {
    signed = verifySignature(check.digest, input, signatureOptions(checked.signature), signature)
  } catch {
    return reject(UNVERIFIABLE)
  }
  return conclude(checked, signed)
}

/** Verifies with the signature checked in libuv's thread pool; refuses as `verifyJwt` does. */
export async function verifyJwtInThreadPool (token: unknown, expect: JwtExpectations): Promise<VerifiedJwt> {
  const checked = checkAllButSignature(token, expect)
  const { check, input, signature } = checked.signature
  const signed = await new Promise<boolean>((resolve, reject) => {
    try {
      verifySignature(check.digest, input, signatureOptions(checked.signature), signature, (err, result) => {
        if (err) reject(new JwtRejected(UNVERIFIABLE))
        else resolve(result)
      })
    } catch {
      reject(new JwtRejected(UNVERIFIABLE))
    }
  })
  return conclude(checked, signed)
}
