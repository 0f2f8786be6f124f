// The breached-password lookup: binary search on a sorted Pwned Passwords file. Every line of the
// sample is found with its count, nothing else is, whatever the line endings.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import t, { type Test } from 'tap'
import { BreachedPasswordsFileError, openBreachedPasswords } from '../../src/security/breached-passwords.js'
import { BREACHED_FILE } from '../helpers/attack.js'

const sample = fs.readFileSync(BREACHED_FILE, 'latin1').trim().split('\n').map((line) => {
  const [hash, count] = line.split(':')
  return { hash, count: Number(count) }
})

/** A hash next to `hash` (its last hex digit moved by `step`), to probe the gaps between lines. */
const neighbour = (hash: string, step: number) =>
  hash.slice(0, 39) + ((parseInt(hash[39], 16) + step + 16) % 16).toString(16).toUpperCase()

function checkFile (t: Test, file: string) {
  const list = openBreachedPasswords(file)
  t.teardown(() => list.close())
  const present = new Set(sample.map((l) => l.hash))
  let found = 0
  let absent = 0
  for (const { hash, count } of sample) {
    if (list.countOfHash(hash) === count) found++
    for (const step of [1, -1]) {
      const other = neighbour(hash, step)
      if (!present.has(other) && list.countOfHash(other) === 0) absent++
    }
  }
  t.equal(found, sample.length, 'every line found with its count')
  t.equal(absent, sample.length * 2, 'no neighbour found')
  t.equal(list.countOfHash('0'.repeat(40)), 0, 'before the first line')
  t.equal(list.countOfHash('F'.repeat(40)), 0, 'after the last line')
}

t.test('finds every line of the sample, and nothing between them', async (t) => {
  checkFile(t, BREACHED_FILE)
})

t.test('reads CRLF files and files without a final newline', async (t) => {
  const dir = t.testdir()
  const crlf = path.join(dir, 'crlf.txt')
  fs.writeFileSync(crlf, sample.map((l) => `${l.hash}:${l.count}`).join('\r\n') + '\r\n')
  t.test('CRLF', async (t) => checkFile(t, crlf))
  const bare = path.join(dir, 'bare.txt')
  fs.writeFileSync(bare, sample.map((l) => `${l.hash}:${l.count}`).join('\n'))
  t.test('no final newline', async (t) => checkFile(t, bare))
})

t.test('checks passwords by their SHA-1', async (t) => {
  const list = openBreachedPasswords(BREACHED_FILE)
  t.teardown(() => list.close())
  t.equal(list.count('123456'), 37359195)
  t.equal(list.count('P@ssw0rd'), 108101)
  t.equal(list.count('hunter2'), 1)
  t.equal(list.count('correct horse battery staple'), 0)
  t.equal(list.count('p@ssw0rd'), 0, 'case matters')
})

t.test('a one-line file and an empty file', async (t) => {
  const dir = t.testdir()
  const one = path.join(dir, 'one.txt')
  const hash = createHash('sha1').update('letmein').digest('hex').toUpperCase()
  fs.writeFileSync(one, `${hash}:7\n`)
  const empty = path.join(dir, 'empty.txt')
  fs.writeFileSync(empty, '')
  const oneList = openBreachedPasswords(one)
  const emptyList = openBreachedPasswords(empty)
  t.teardown(() => { oneList.close(); emptyList.close() })
  t.equal(oneList.count('letmein'), 7)
  t.equal(oneList.count('letmeout'), 0)
  t.equal(emptyList.count('letmein'), 0)
})

t.test('refuses a file that is missing or not in the format', async (t) => {
  const dir = t.testdir({ 'passwords.txt': 'password\n123456\n' })
  t.throws(() => openBreachedPasswords(path.join(dir, 'passwords.txt')), BreachedPasswordsFileError)
  t.throws(() => openBreachedPasswords(path.join(dir, 'missing.txt')), BreachedPasswordsFileError)
})
