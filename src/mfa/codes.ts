// The one-time values of MFA besides TOTP: recovery codes (24 characters, about 120 bits: stored
// as a plain sha256, which nobody can invert), oob codes (opaque handles) and the 6-digit binding
// codes sent by SMS (salted sha256: few values, so the real protection is the attempt limit).
import { randomBytes, randomInt } from 'node:crypto'
import { sha256Hex } from '../security/secrets.js'

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

export function newRecoveryCode (): string {
  return Array.from({ length: 24 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('')
}

/** Users type recovery codes: spaces, dashes and case do not matter. */
export const recoveryCodeHash = (code: string): string => sha256Hex(`recovery:${code.replace(/[\s-]/g, '').toUpperCase()}`)

export const newBindingCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')

export const newSalt = (): string => randomBytes(16).toString('hex')

export const bindingCodeHash = (salt: string, code: string): string => sha256Hex(`${salt}:${code}`)
