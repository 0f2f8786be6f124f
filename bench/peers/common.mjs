// What both peer servers share with Tollgate's bench data: the users and their argon2id hashes
// (the same parameters as Tollgate's defaults), the clients, the API, an RS256 signing key (RSA
// 2048, as Tollgate generates), and the listening line the bench waits for. Everything is in memory.
import argon2 from 'argon2'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'

export const BENCH_PASSWORD = 'bench password 0123'
export const MACHINE_SECRET = 'bench-machine-secret-0123456789'
export const API = 'https://api.bench.test/'
export const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }

/** Users by email, each with an argon2id hash made at start. */
export async function benchUsers () {
  const users = new Map()
  for (const email of ['user@bench.test', 'target@bench.test']) {
    users.set(email, { id: `auth0|${randomUUID()}`, email, passwordHash: await argon2.hash(BENCH_PASSWORD, ARGON2) })
  }
  return users
}

export const verifyPassword = (user, password) => argon2.verify(user.passwordHash, password)

export function rsaKey () {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return privateKey
}

/** An RS256 signer for a peer that signs its own JWTs (fast-jwt, the engine Tollgate signs with). */
export function rs256Signer (privateKey, kid) {
  return createSigner({ key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), algorithm: 'RS256', kid })
}

/** Reads an application/x-www-form-urlencoded body (what both peers' token endpoints take). */
export function readForm (req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      text += chunk
      if (text.length > limit) reject(new Error('body too large'))
    })
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(text))))
    req.on('error', reject)
  })
}

export function listening (server) {
  server.listen(0, '127.0.0.1', () => { process.stdout.write(`listening on ${server.address().port}\n`) })
  process.once('SIGTERM', () => { server.close(); process.exit(0) })
}
