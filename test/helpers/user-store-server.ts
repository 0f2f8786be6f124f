// A real HTTP server standing in for an operator's existing user store, as a custom-database
// connection calls it: POST {username, password} → 200 profile, 401 wrong, or something broken.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { PASSWORD } from './fixture.js'

export const LEGACY_USERS: Record<string, object> = {
  'dave@legacy.test': { user_id: 'legacy-42', email: 'dave@legacy.test', email_verified: true, name: 'Dave Legacy', user_metadata: { plan: 'gold' } },
  'dotted@legacy.test': { user_id: 'legacy-43', email: 'dotted@legacy.test', user_metadata: { 'favourite.colour': 'blue' } },
}

export async function startUserStore (t: Test): Promise<{ url: string, calls: Array<{ username: string }> }> {
  const calls: Array<{ username: string }> = []
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => { raw += chunk })
    req.on('end', () => {
      const { username, password } = JSON.parse(raw)
      calls.push({ username })
      if (username === 'broken@legacy.test') {
        res.writeHead(500).end('database is down')
      } else if (username === 'slow@legacy.test') {
        // Never answers: the caller's timeout is what ends the request.
      } else if (LEGACY_USERS[username] && password === PASSWORD) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(LEGACY_USERS[username]))
      } else {
        res.writeHead(401).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/login`, calls }
}
