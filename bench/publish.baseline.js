// The peer for bench/publish.mjs: the least code that publishes a JSONL file with the same client
// library, publishMessage in a loop with default batching. Not run by bench/run.js (not *.mjs).
// usage: node bench/publish.baseline.js FILE HOST:PORT PROJECT TOPIC
import fs from 'node:fs'
import readline from 'node:readline'

import { PubSub } from '@google-cloud/pubsub'

const [file, host, projectId, topicName] = process.argv.slice(2)
const pubsub = new PubSub({
  apiEndpoint: host,
  projectId,
  emulatorMode: true,
  universeDomain: 'googleapis.com',
})
const topic = pubsub.topic(topicName)
const pending = []
for await (const line of readline.createInterface({
  input: fs.createReadStream(file),
  crlfDelay: Infinity,
})) {
  if (line) pending.push(topic.publishMessage({ data: Buffer.from(line) }))
}
await Promise.all(pending)
await pubsub.close()
process.stdout.write(`${pending.length}\n`)
