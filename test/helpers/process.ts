// Real processes for the tests of the command: start one, wait (with a deadline) for what it
// prints, stop it with a signal and see how it exits.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { Test } from 'tap'

export const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js')
export const REPO = path.join(import.meta.dirname, '..', '..')

export interface Started {
  child: ChildProcess
  /** Everything printed so far, stdout and stderr. */
  output (): string
  /** Resolves when the output matches, rejects at the deadline or if the process exits first. */
  waitFor (pattern: RegExp, deadlineMs?: number): Promise<RegExpMatchArray>
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** Starts `command args` with the environment given on top of the test's (without tap's NODE_OPTIONS). */
export function start (t: Test, command: string, args: string[], env: Record<string, string>, cwd = REPO, options: { processGroup?: boolean } = {}): Started {
  const { NODE_OPTIONS: _tapOptions, ...inherited } = process.env
  // processGroup: the process leads a group of its own, which a test can signal as a whole (-pid), as a terminal or systemd does.
  const child = spawn(command, args, { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.processGroup === true })
  let output = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => { output += chunk; for (const l of listeners) l() }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => { resolve({ code, signal }); for (const l of listeners) l() })
  })
  t.teardown(() => {
    if (options.processGroup) {
      try { process.kill(-child.pid!, 'SIGKILL') } catch {}
    } else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const waitFor = (pattern: RegExp, deadlineMs = 120_000) => new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output)
      if (match) { done(); resolve(match) } else if (child.exitCode !== null || child.signalCode !== null) {
        done(); reject(new Error(`exited before printing ${pattern}:\n${output}`))
      }
    }
    const timer = setTimeout(() => { done(); reject(new Error(`no ${pattern} within ${deadlineMs} ms:\n${output}`)) }, deadlineMs)
    const done = () => { clearTimeout(timer); listeners.delete(check) }
    listeners.add(check)
    check()
  })
  return { child, output: () => output, waitFor, exited }
}

/** Resolves with the exit, or rejects if the process is still running at the deadline. */
export function exitWithin (started: Started, deadlineMs = 60_000): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${deadlineMs} ms later:\n${started.output()}`)), deadlineMs)
  })
  return Promise.race([started.exited, late]).finally(() => clearTimeout(timer))
}

/** Starts `tollgate ARGS` and waits for its listening banner; resolves with the base URL. */
export async function serve (t: Test, args: string[], env: Record<string, string>, options: { processGroup?: boolean } = {}): Promise<Started & { url: string }> {
  const started = start(t, process.execPath, [CLI, ...args], env, REPO, options)
  const [, url] = await started.waitFor(/Tollgate is listening on (\S+) /)
  return { ...started, url }
}
