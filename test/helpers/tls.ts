// A throwaway TLS certificate for localhost and 127.0.0.1, made at test time with the openssl CLI,
// in its own temporary directory (a test's testdir is emptied again when the app is built).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'

export function makeCertificate (t: Test): { certFile: string, keyFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const certFile = path.join(dir, 'cert.pem')
  const keyFile = path.join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'pipe' })
  return { certFile, keyFile }
}
