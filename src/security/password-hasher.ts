// Password hashing with argon2id. Hashing runs on libuv's thread pool, never on the event loop.
import argon2 from 'argon2'
import { randomBytes } from 'node:crypto'

export interface Argon2Params {
  memoryCost: number
  timeCost: number
  parallelism: number
}

export interface PasswordHasher {
  hash (password: string): Promise<string>
  /** True when the password matches; false for a mismatch or a hash it cannot read. */
  verify (hash: string, password: string): Promise<boolean>
  /**
   * Spends the same time as a verify against a real hash, and fails. Used when the user does not
   * exist, so that the answer's timing does not tell which accounts exist.
   */
  verifyNobody (password: string): Promise<false>
}

export function createArgon2Hasher (params: Argon2Params): PasswordHasher {
  const options = { type: argon2.argon2id as 2, ...params }
  // A hash of a random secret with the current parameters; computed once, on first need.
  let nobodyHash: Promise<string> | undefined
  const hasher: PasswordHasher = {
    hash: (password) => argon2.hash(password, options),
    async verify (hash, password) {
      try {
        return await argon2.verify(hash, password)
      } catch {
        return false
      }
    },
    async verifyNobody (password) {
      nobodyHash ??= argon2.hash(randomBytes(32).toString('base64url'), options)
      await hasher.verify(await nobodyHash, password)
      return false
    },
  }
  return hasher
}
