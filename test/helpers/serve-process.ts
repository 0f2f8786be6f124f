// `tollgate serve` as a real process on a free port: resolves once it says where it listens.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { Test } from 'tap'

const cli = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js')

export function serveProcess (t: Test, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ port: number, child: ChildProcess }> {
  const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`not listening after ${timeoutMs} ms:\n${output}`)), timeoutMs)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (port) { clearTimeout(timer); resolve({ port: Number(port), child }) }
    })
    child.stderr!.on('data', (chunk) => { output += chunk })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before listening:\n${output}`)) })
  })
}
