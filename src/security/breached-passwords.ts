// Breached-password lookup in a local file of the Pwned Passwords format: one line per password,
// `<uppercase SHA-1>:<count>`, sorted by hash (the downloader's ordered-by-hash output; CRLF or LF).
// The file may hold a billion lines, so it is never loaded: each lookup is a binary search over byte
// offsets, about 30 small reads of a file the OS keeps in its page cache.
//
// Reads are synchronous on purpose: each takes microseconds, while an asynchronous read would queue
// on libuv's thread pool behind the argon2 hashes that fill it under load.
import { createHash } from 'node:crypto'
import fs from 'node:fs'

export interface BreachedPasswords {
  /** How often the password was seen in breaches; 0 when it is not in the file. */
  count (password: string): number
  /** The same, by the password's uppercase SHA-1. */
  countOfHash (sha1: string): number
  close (): void
}

const LINE = /^[0-9A-F]{40}:\d+\r?$/
const CHUNK = 256

export class BreachedPasswordsFileError extends Error {
  override name = 'BreachedPasswordsFileError'
}

export function openBreachedPasswords (file: string): BreachedPasswords {
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (err) {
    throw new BreachedPasswordsFileError(`cannot open the breached-passwords file ${file}: ${(err as Error).message}`)
  }
  const size = fs.fstatSync(fd).size
  const buffer = Buffer.alloc(CHUNK)

  /** The line that starts at `start` (without its line ending). */
  const lineAt = (start: number): string => {
    const read = fs.readSync(fd, buffer, 0, CHUNK, start)
    const text = buffer.toString('latin1', 0, read)
    const end = text.indexOf('\n')
    return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '')
  }

  /** Where the first line starting at or after `position` starts (`size` if none does). */
  const nextLineStart = (position: number): number => {
    if (position === 0) return 0
    for (let at = position - 1; at < size; at += CHUNK) {
      const read = fs.readSync(fd, buffer, 0, CHUNK, at)
      const newline = buffer.subarray(0, read).indexOf(0x0a)
      if (newline !== -1) return at + newline + 1
    }
    return size
  }

  const first = size > 0 ? lineAt(0) : ''
  if (size > 0 && !LINE.test(first)) {
    fs.closeSync(fd)
    throw new BreachedPasswordsFileError(`${file} is not a Pwned Passwords file (SHA-1:count lines sorted by hash)`)
  }

  const countOfHash = (target: string): number => {
    // Invariant: if the target's line exists, it starts in [low, high).
    let low = 0
    let high = size
    while (low < high) {
      const middle = Math.floor((low + high) / 2)
      const start = nextLineStart(middle)
      if (start >= high) {
        high = middle
        continue
      }
      const line = lineAt(start)
      const hash = line.slice(0, 40)
      if (hash === target) return Number(line.slice(41)) || 0
      if (hash < target) low = start + 1
      else high = start
    }
    return 0
  }

  return {
    count: (password) => countOfHash(createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase()),
    countOfHash,
    close () { fs.closeSync(fd) },
  }
}
