#!/usr/bin/env node
// The `tollgate` command: serve, apply, schema. Everything it prints goes through `out` and `fail`.
import { readFileSync } from 'node:fs'
import { ConfigError, loadConfig } from './config.js'
import { applyDocument, ProvisioningError } from './provisioning/apply.js'
import { demoDocument, demoLoginCommand } from './provisioning/demo.js'
import { createArgon2Hasher } from './security/password-hasher.js'
import { startServer } from './server.js'
import { openSqliteStore } from './store/sqlite.js'
import { ProvisioningFile } from '../schemas/provisioning.js'

const out = (text: string) => { process.stdout.write(text + '\n') }
const fail = (text: string): never => {
  process.stderr.write(`tollgate: ${text}\n`)
  process.exit(1)
}

const usage = `usage: tollgate <command>

  serve [--demo]   start the server (with --demo, first apply the demo data)
  apply FILE       make the store hold what a provisioning file declares
  schema           print the provisioning file's JSON Schema

Settings come from the environment: TOLLGATE_DATA_DIR, HOST, PORT, LOG_LEVEL, ... (see README).`

async function apply (file: string | undefined) {
  if (!file) return fail('apply needs a FILE')
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as Error).message}`)
  }
  const config = loadConfig()
  const store = await openSqliteStore(config.dataDir)
  try {
    const report = await applyDocument(store, createArgon2Hasher(config.argon2), input)
    out(`applied ${file}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`)
  } catch (err) {
    if (err instanceof ProvisioningError) fail(`${file} was not applied, nothing changed: ${err.message}`)
    throw err
  } finally {
    await store.close()
  }
}

async function serve (demo: boolean) {
  const config = loadConfig()
  if (demo) {
    const store = await openSqliteStore(config.dataDir)
    try {
      await applyDocument(store, createArgon2Hasher(config.argon2), demoDocument)
    } finally {
      await store.close()
    }
  }
  const app = await startServer(config)
  const port = (app.server.address() as { port: number }).port
  out(`Tollgate is listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port} (data in ${config.dataDir})`)
  if (demo) out(`Log the demo user in:\n  ${demoLoginCommand(`http://localhost:${port}`)}`)
}

async function main (args: string[]) {
  const [command, ...rest] = args
  switch (command) {
    case 'serve': return serve(rest.includes('--demo'))
    case 'apply': return apply(rest[0])
    case 'schema': return out(JSON.stringify(ProvisioningFile, null, 2))
    case undefined: case 'help': case '--help': return out(usage)
    default: return fail(`unknown command ${command}\n${usage}`)
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) fail(err.message)
  fail(err?.stack ?? String(err))
})
