// A user store (custom-database login_url) whose answers a test chooses per username: profiles
// as given, and the hostile ones (too large, too deep).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export type ProfileAnswer = object | 'huge' | 'deep'

export async function startProfileStore (t: Test, answers: Record<string, ProfileAnswer>): Promise<string> {
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => { raw += chunk })
    req.on('end', () => {
      const answer = answers[JSON.parse(raw).username]
      if (answer === undefined) return res.writeHead(401).end()
      res.writeHead(200, { 'content-type': 'application/json' })
      if (answer === 'huge') {
        // 12 MiB, streamed: the reader must stop long before the end.
        res.write('{"email":"huge@store.test","padding":"')
        const piece = 'x'.repeat(1024 * 1024)
        let left = 12
        const more = () => {
          while (left > 0) {
            left--
            if (!res.write(piece)) return res.once('drain', more)
          }
          res.end('"}')
        }
        res.on('error', () => {})
        return more()
      }
      if (answer === 'deep') return res.end(`{"email":"deep@store.test","user_metadata":${'['.repeat(20000)}${']'.repeat(20000)}}`)
      return res.end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`
}
