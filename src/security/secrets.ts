// Opaque secrets (refresh tokens, client secrets): random, stored only as a hash, compared in
// constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url')

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex')

/** Compares two strings in constant time, including their lengths (both sides are hashed first). */
export function safeEqual (a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}
