#!/usr/bin/env node
// `npm run demo`: the whole graphpipe pipeline on the embedded default, with no configuration.
//  1. import the graph-course airports/flights fixtures into the embedded engine
//  2. answer the three example questions with `graphpipe query`
//  3. when Google's Pub/Sub emulator is installed: start it, publish the fixture user messages,
//     consume them with a 1 s window in --drain mode, and query the `twitter` graph
// Every step runs the built CLI (bin/run.js) as a user would. The demo's data lives in
// .graphpipe/demo (recreated each run) and it leaves no process running.
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { EMULATOR_INSTALL_HINT, startEmulator } from '../dist/pubsub/emulator.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = join(root, '.graphpipe', 'demo')
const bin = join(root, 'bin', 'run.js')

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const step = (s) => process.stdout.write(`\n${bold(`== ${s}`)}\n`)

/** Run the CLI; its stdout and stderr go to ours. Resolves when it exits 0, else rejects. */
function graphpipe(args, env = {}) {
  const shellQuote = (a) => (/^[\w./=@:-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
  process.stdout.write(`$ graphpipe ${args.map(shellQuote).join(' ')}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GRAPHPIPE_DATA_DIR: dataDir, ...env },
    })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`graphpipe ${args[0]} exited with ${code}`)),
    )
  })
}

const query = (aql, format = 'table') => graphpipe(['query', aql, '--format', format, '--no-stats'])

async function importAndQuery() {
  rmSync(dataDir, { recursive: true, force: true })
  step('1. Import the airports and flights fixtures into the embedded engine')
  await graphpipe(['import', 'fixtures/airports.csv', '--collection', 'airports'])
  await graphpipe(['import', 'fixtures/flights.csv', '--collection', 'flights', '--graph', 'flights'])

  step('2. Ask the graph')
  process.stdout.write('VIP airports:\n')
  await query('FOR airport IN airports FILTER airport.vip RETURN airport')
  process.stdout.write('\nWhere can I fly from LAX directly?\n')
  await query("FOR airport IN 1..1 OUTBOUND 'airports/LAX' flights RETURN DISTINCT airport.name")
  process.stdout.write('\nFlights to or from Bismarck (BIS) on January 5-7:\n')
  await query(
    "FOR airport, flight IN ANY 'airports/BIS' flights FILTER flight.Month == 1 AND flight.Day >= 5 " +
      'AND flight.DAY <= 7 RETURN { city: airport.city, time: flight.ArrTimeUTC }',
  )
}

async function pipeline() {
  step('3. Publish user messages to Pub/Sub and consume them into the twitter graph')
  let emulator
  try {
    emulator = await startEmulator()
  } catch (e) {
    if (!String(e.message).includes('not installed')) throw e
    process.stdout.write(`Skipping the Pub/Sub part: ${EMULATOR_INSTALL_HINT}\n`)
    return
  }
  const env = { PUBSUB_EMULATOR_HOST: emulator.host, GOOGLE_CLOUD_PROJECT: 'graphpipe-demo' }
  try {
    process.stdout.write(`Pub/Sub emulator listening on ${emulator.host}\n`)
    const consume = (idle) =>
      graphpipe(
        [
          'consume',
          '--subscription',
          'users-demo',
          '--topic',
          'users',
          '--window',
          '1s',
          '--drain',
          '--idle',
          idle,
        ],
        env,
      )
    // Pub/Sub delivers only what is published after a subscription exists: a first, empty run
    // creates it (as a long-running consumer would have), then the messages are published and consumed.
    await consume('1s')
    await graphpipe(['publish', 'fixtures/users', '--topic', 'users'], env)
    await consume('3s')
  } finally {
    await emulator.stop()
  }
  step('4. Ask the twitter graph')
  process.stdout.write('Who follows whom:\n')
  await query(
    'FOR f IN follow SORT f._from, f._to RETURN { user: PARSE_IDENTIFIER(f._from).key, follows: PARSE_IDENTIFIER(f._to).key }',
  )
  process.stdout.write('\nFollowers of grace_h:\n')
  await query("FOR u IN 1..1 INBOUND 'users/grace_h' follow SORT u._key RETURN u.username")
  process.stdout.write('\nWho johnny1 reaches in two steps:\n')
  await query(
    "FOR u, e, p IN 2..2 OUTBOUND 'users/johnny1' follow FILTER u._key != 'johnny1' " +
      'RETURN DISTINCT { user: u.username, via: p.vertices[1].username }',
  )
  process.stdout.write('\nThe follow graph as mermaid (paste into a ```mermaid block):\n')
  await query('FOR f IN follow RETURN f', 'mermaid')
}

try {
  if (!existsSync(join(root, 'dist', 'commands')))
    throw new Error('graphpipe is not built: run `npm run build`')
  await importAndQuery()
  await pipeline()
  process.stdout.write(`\nDone. The demo's data is in ${dataDir}\n`)
} catch (e) {
  process.stderr.write(`demo failed: ${e.message}\n`)
  process.exitCode = 1
}
