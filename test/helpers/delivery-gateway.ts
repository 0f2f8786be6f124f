// A real HTTP server standing in for an operator's SMS or email gateway, as the HTTP delivery
// provider calls it: it records each JSON message and answers as its `mode` says.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export type GatewayMode = 'accept' | 'refuse' | 'hang' | 'plain-error'

export interface Gateway {
  url: string
  mode: GatewayMode
  received: Array<Record<string, any>>
}

/** The refusal a real SMS service gives for a bad number (Twilio's words and code). */
export const REFUSAL = { message: "The 'To' number +15559990000 is not a valid phone number.", code: 21211 }

export async function startGateway (t: Test): Promise<Gateway> {
  const gateway: Gateway = { url: '', mode: 'accept', received: [] }
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk) => { raw += chunk })
    req.on('end', () => {
      gateway.received.push({ ...JSON.parse(raw), _contentType: req.headers['content-type'] })
      switch (gateway.mode) {
        case 'accept': return res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}')
        case 'refuse': return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(REFUSAL))
        case 'plain-error': return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>')
        case 'hang': return undefined
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`
  return gateway
}
