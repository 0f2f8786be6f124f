#!/usr/bin/env node
// The `tollgate` command. Usage mistakes (an unknown option, a missing argument, a bad value) exit
// 2 with one line; a failure the operator can fix exits 1 with one line; `--help` never acts.
import { Command, CommanderError, Option } from 'commander'
import { readFileSync } from 'node:fs'
import { ProvisioningFile } from '../schemas/provisioning.js'
import { verificationSender } from './cli/account-links.js'
import { ipsCommand, logsCommand, usersCommand } from './cli/attack.js'
import { clientsCommand } from './cli/clients.js'
import { CliFailure, out, outJson, positiveInteger, withStore } from './cli/common.js'
import { doctor } from './cli/doctor.js'
import { keysCommand } from './cli/keys.js'
import { serve } from './cli/serve.js'
import { ConfigError, loadConfig } from './config.js'
import { formatOutboxMessage } from './passwordless/outbox-format.js'
import { applyDocument, ProvisioningError } from './provisioning/apply.js'
import { createArgon2Hasher } from './security/password-hasher.js'
import { settingsJson, settingsMarkdown, SETTINGS, allowedValues } from './settings.js'
import { describeStartupError } from './startup-errors.js'
import { CopyError, copySqliteToPostgres } from './store/copy.js'
import { hostOf, openStore } from './store/open.js'
import { keyOverlapSeconds } from './tokens/key-rotation.js'

async function apply (file: string, options: { allowWeakPasswords?: boolean }) {
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new CliFailure(`cannot read ${file}: ${(err as Error).message}`)
  }
  const config = loadConfig()
  let store
  try {
    store = await openStore(config)
  } catch (err) {
    throw new CliFailure(describeStartupError(err, config) ?? (err as Error).message)
  }
  const verifications = verificationSender(config, store)
  try {
    const report = await applyDocument(store, createArgon2Hasher(config.argon2), input, {
      keyOverlapSeconds: keyOverlapSeconds(config),
      allowWeakPasswords: options.allowWeakPasswords,
      warn: (message) => { process.stderr.write(`tollgate: warning: ${message}\n`) },
      onUserToVerify: verifications.send,
    })
    await verifications.finish()
    out(`applied ${file}: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`)
    for (const note of verifications.notes) out(note)
  } catch (err) {
    if (err instanceof ProvisioningError) throw new CliFailure(`${file} was not applied, nothing changed: ${err.message}`)
    throw err
  } finally {
    await store.close()
  }
}

async function migrateStore (options: { to: string }) {
  if (!/^postgres(ql)?:\/\/./.test(options.to)) throw new CliFailure('migrate-store --to needs a postgres:// URL')
  const config = loadConfig()
  try {
    const copied = await copySqliteToPostgres(config.dataDir, options.to)
    for (const { table, rows } of copied) out(`${table.padEnd(20)} ${rows}`)
    out(`copied ${config.dataDir} into PostgreSQL at ${hostOf(options.to)}: start the instances with TOLLGATE_DATABASE_URL set to it`)
  } catch (err) {
    if (err instanceof CopyError) throw new CliFailure(`nothing was copied: ${err.message}`)
    const line = describeStartupError(err, config)
    if (line) throw new CliFailure(line)
    throw err
  }
}

function program (): Command {
  const tollgate = new Command('tollgate')
    .description('Self-hosted, Auth0-compatible authentication API.')
    .exitOverride()
    .allowExcessArguments(false)
    // One line: "tollgate: unknown option '--dmeo' (Did you mean --demo?)".
    .configureOutput({ outputError: (text, write) => write(`${text.replace(/^error: /, 'tollgate: ').trimEnd().replace(/\n/g, ' ')}\n`) })
    .addHelpText('after', '\nSettings come from environment variables: `tollgate settings` lists them all.')

  tollgate.command('serve')
    .description('start the server (production: without --demo)')
    .option('--demo', "first apply the demo data into its own tenant, `demo` (the quick start of `npm start`)")
    .action(serve)
  tollgate.command('apply')
    .description('make the store hold what a provisioning file declares')
    .argument('<file>', 'the provisioning file (JSON; `tollgate schema` prints its JSON Schema)')
    .option('--allow-weak-passwords', "apply clear passwords that fail their connection's password policy, with a warning")
    .action(apply)
  tollgate.command('schema')
    .description("print the provisioning file's JSON Schema")
    .action(() => { out(JSON.stringify(ProvisioningFile, null, 2)) })
  tollgate.command('settings')
    .description('list every setting (environment variable): default, allowed values, meaning')
    .addOption(new Option('--json', 'print JSON').conflicts('markdown'))
    .option('--markdown', "print README's configuration table")
    .action((options: { json?: boolean, markdown?: boolean }) => {
      if (options.json) return outJson(settingsJson())
      if (options.markdown) return out(settingsMarkdown())
      for (const s of SETTINGS) out(`${s.env}\n  ${s.description}\n  allowed: ${allowedValues(s).replaceAll('`', '')}\n`)
    })
  tollgate.command('doctor')
    .description('check the configuration, the store, Redis, files and the port, and say what is wrong')
    .action(doctor)
  tollgate.command('outbox')
    .description('the latest passwordless messages the development delivery provider kept instead of sending, oldest first')
    .addOption(new Option('--limit <n>', 'how many messages').argParser(positiveInteger).default(20))
    .option('--json', 'print JSON')
    .action((options: { limit: number, json?: boolean }) => withStore(async ({ store }) => {
      const messages = await store.latestOutboxMessages(options.limit)
      if (options.json) return outJson(messages)
      out(messages.length === 0 ? 'The outbox is empty.' : messages.map(formatOutboxMessage).join('\n\n'))
    }))
  tollgate.command('migrate-store')
    .description('copy the SQLite store of TOLLGATE_DATA_DIR into an empty PostgreSQL database, in one transaction (stop the server first)')
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://USER:PASSWORD@HOST:PORT/DB')
    .action(migrateStore)
  for (const command of [keysCommand(), clientsCommand(), usersCommand(), ipsCommand(), logsCommand()]) tollgate.addCommand(inheriting(command, tollgate))
  return tollgate
}

/** Commands built on their own take the program's settings (exit override, output, strictness). */
function inheriting (command: Command, parent: Command): Command {
  command.copyInheritedSettings(parent)
  for (const sub of command.commands) inheriting(sub, parent)
  return command
}

const fail = (text: string, code: number) => {
  process.stderr.write(`tollgate: ${text}\n`)
  process.exitCode = code
}

program().parseAsync(process.argv).catch((err) => {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; the rest (help shown for a missing command included) are usage errors.
    process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2
  } else if (err instanceof CliFailure || err instanceof ConfigError) {
    fail(err.message, 1)
  } else {
    fail(err?.stack ?? String(err), 1)
  }
})
