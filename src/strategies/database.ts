// strategy "database": users and their argon2id hashes are stored in Tollgate.
import type { PasswordHasher } from '../security/password-hasher.js'
import type { SecretStrategy } from './types.js'

export function databaseStrategy (hasher: PasswordHasher): SecretStrategy {
  return {
    async verifySecret ({ user, secret: password }) {
      // An unknown user (or one without a password) costs the same one verify as a known one.
      if (!user?.passwordHash) return hasher.verifyNobody(password).then(() => undefined)
      return (await hasher.verify(user.passwordHash, password)) ? user : undefined
    },
  }
}
