// Secrets at rest (TOTP secrets): AES-256-GCM under a server key. Each value carries the id of the
// key that sealed it (`v1.<kid>.<iv>.<tag>.<ciphertext>`, base64url), so old values stay readable
// while a new key seals new ones: rotation is "make the new key current, keep the old one listed as
// previous until nothing sealed with it remains" (see README).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

const KEY_BYTES = 32
const IV_BYTES = 12

export class EncryptionKeyError extends Error {}

/** A key's id: derived from the key itself, so operators never have to name keys. */
const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('base64url').slice(0, 8)

/** Reads a base64 (or base64url) key of 32 bytes; undefined if it is not one. */
export function parseEncryptionKey (text: string): Buffer | undefined {
  const key = Buffer.from(text.trim(), 'base64')
  return key.length === KEY_BYTES && /^[A-Za-z0-9+/_-]+=*$/.test(text.trim()) ? key : undefined
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>()
  private readonly currentId: string

  /** `current` seals; `previous` keys only open. Keys are 32 random bytes, base64. */
  constructor (current: Buffer, previous: Buffer[] = []) {
    this.currentId = keyId(current)
    this.keys.set(this.currentId, current)
    for (const key of previous) this.keys.set(keyId(key), key)
  }

  seal (plaintext: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv)
    // The key id is authenticated too: a value cannot be moved under another key's name.
    cipher.setAAD(Buffer.from(this.currentId))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return ['v1', this.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.')
  }

  open (sealed: string): string {
    const [version, kid, iv, tag, ciphertext] = sealed.split('.')
    if (version !== 'v1' || ciphertext === undefined) throw new EncryptionKeyError('not a sealed value')
    const key = this.keys.get(kid)
    if (!key) throw new EncryptionKeyError(`sealed with key ${kid}, which is not configured (TOLLGATE_ENCRYPTION_KEY or TOLLGATE_ENCRYPTION_PREVIOUS_KEYS)`)
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(kid))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
  }

  /** Whether a value was sealed with a key other than the current one (re-seal it). */
  isStale (sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentId
  }
}
