#!/usr/bin/env node
// Writes oclif.manifest.json after the build (part of `npm run build`). With the manifest, oclif
// loads only the command being run instead of importing every command module (Pub/Sub's gRPC
// stack included) to discover flags: faster start-up and less memory for every command.
import { rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config } from '@oclif/core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'oclif.manifest.json')
rmSync(target, { force: true })
const config = await Config.load({ root })
const plugin = config.getPluginsList().find((p) => p.root === root)
if (!plugin || Object.keys(plugin.manifest.commands).length === 0) {
  process.stderr.write('manifest: no commands found; is dist/ built?\n')
  process.exit(1)
}
writeFileSync(target, `${JSON.stringify(plugin.manifest, null, 1)}\n`)
