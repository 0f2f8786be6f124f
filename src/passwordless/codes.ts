// Passwordless codes: 6 digits from the CSPRNG, valid for a few minutes, a few attempts, used once.
// Only a salted sha256 of a code is stored; checking one counts the attempt first, atomically, then
// compares in constant time, then consumes the code so that it can never be used twice.
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { safeEqual, sha256Hex } from '../security/secrets.js'
import type { PasswordlessCodeStore } from '../store/port.js'

export interface CodeSettings {
  /** Seconds a code stays valid. */
  codeLifetime: number
  maxAttempts: number
}

export interface CodeOwner {
  tenantId: string
  connectionId: string
  /** The normalised login (see channel.ts). */
  login: string
}

const now = () => Math.floor(Date.now() / 1000)
const hashCode = (salt: string, code: string) => sha256Hex(`${salt}:${code}`)

export class PasswordlessCodes {
  constructor (private readonly store: PasswordlessCodeStore, private readonly settings: CodeSettings) {}

  /** A fresh code; not valid until `save` makes it the current one. */
  generate (): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0')
  }

  /** Makes `code` the only valid code of its owner. */
  async save (owner: CodeOwner, code: string): Promise<void> {
    const createdAt = now()
    const salt = randomBytes(16).toString('hex')
    await this.store.saveCurrentCode({
      id: randomUUID(),
      ...owner,
      codeSalt: salt,
      codeHash: hashCode(salt, code),
      attempts: 0,
      createdAt,
      expiresAt: createdAt + this.settings.codeLifetime,
    })
  }

  /** True exactly once for the right code; every call, right or wrong, uses up one attempt. */
  async check (connectionId: string, login: string, code: string): Promise<boolean> {
    const current = await this.store.takeCodeAttempt(connectionId, login, now(), this.settings.maxAttempts)
    if (!current) return false
    if (!safeEqual(hashCode(current.codeSalt, code), current.codeHash)) return false
    return this.store.consumeCode(current.id)
  }
}
