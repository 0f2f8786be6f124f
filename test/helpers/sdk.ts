// Starts Tollgate on HTTPS with a fresh certificate, and the SDK driver (test/sdk/driver.ts) in a
// child process that trusts exactly that certificate.
import { spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Test } from 'tap'
import type { Config } from '../../src/config.js'
import type { DriverRequest } from '../sdk/driver.js'
import { buildTestApp } from './app.js'
import { makeCertificate } from './tls.js'

type Without<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never
export type SdkCall = Without<DriverRequest, 'id'>
export type SdkAnswer = { result: any, error?: undefined } | { result?: undefined, error: Record<string, any> }

export async function startHttpsTollgateWithSdk (t: Test, document: unknown, options: { config?: Partial<Config>, now?: () => number } = {}) {
  const tls = makeCertificate(t)
  // The SDKs call https://localhost:<port>/: the default tenant lists that host, so it serves them.
  const served = structuredClone(document) as { tenants: Array<{ default?: boolean, hosts: string[] }> }
  const tenant = served.tenants.find((t) => t.default) ?? served.tenants[0]
  if (!tenant.hosts.includes('localhost')) tenant.hosts.push('localhost')
  const app = await buildTestApp(t, { document: served, config: { ...options.config, tls }, now: options.now })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo

  const call = startSdkDriver(t, tls.certFile)
  return { app, port, domain: `localhost:${port}`, issuer: `https://localhost:${port}/`, call }
}

/** The SDK driver (test/sdk/driver.ts) in a child process that trusts exactly the certificate in `caFile`. */
export function startSdkDriver (t: Test, caFile: string): (request: SdkCall) => Promise<SdkAnswer> {
  const child = spawn(process.execPath, [...process.execArgv, path.join(import.meta.dirname, '..', 'sdk', 'driver.ts')], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const pending = new Map<number, (answer: SdkAnswer) => void>()
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { id, ...answer } = JSON.parse(line)
    pending.get(id)?.(answer)
    pending.delete(id)
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    child.stdin.end()
    await exited
  })
  let next = 0
  const call = (request: SdkCall): Promise<SdkAnswer> => new Promise((resolve) => {
    const id = ++next
    pending.set(id, resolve)
    child.stdin.write(JSON.stringify({ ...request, id }) + '\n')
  })
  return call
}
