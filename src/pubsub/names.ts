/**
 * Topic and subscription names: a short name (`users`) in the configured project, or a full path
 * (`projects/P/topics/T`, `projects/P/subscriptions/S`) that may name another project.
 * Rules from https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names: 3-255 characters,
 * starting with a letter, of letters, digits and `-_.~+%`, never starting with `goog`.
 */
import { EXIT, GraphpipeError } from '../errors.js'

const SHORT_NAME = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/

type Kind = 'topics' | 'subscriptions'

function fullName(kind: Kind, name: string, projectId: string): string {
  const what = kind === 'topics' ? 'topic' : 'subscription'
  const code = kind === 'topics' ? 'PUBSUB_BAD_TOPIC_NAME' : 'PUBSUB_BAD_SUBSCRIPTION_NAME'
  const full = /^projects\/([^/]+)\/(topics|subscriptions)\/([^/]+)$/.exec(name)
  let short = name
  let project = projectId
  if (full) {
    if (full[2] !== kind) {
      throw new GraphpipeError(code, `${what} name "${name}" names ${full[2]}, not ${kind}`, EXIT.USAGE)
    }
    project = full[1]
    short = full[3]
  } else if (name.includes('/')) {
    throw new GraphpipeError(
      code,
      `${what} name "${name}" must be a short name or projects/PROJECT/${kind}/NAME`,
      EXIT.USAGE,
    )
  }
  if (!SHORT_NAME.test(short) || short.toLowerCase().startsWith('goog')) {
    throw new GraphpipeError(
      code,
      `invalid ${what} name "${short}": 3-255 letters, digits or -_.~+%, starting with a letter, not "goog"`,
      EXIT.USAGE,
    )
  }
  return `projects/${project}/${kind}/${short}`
}

/** `projects/P/topics/T` for a short or full topic name. */
export function topicPath(name: string, projectId: string): string {
  return fullName('topics', name, projectId)
}

/** `projects/P/subscriptions/S` for a short or full subscription name. */
export function subscriptionPath(name: string, projectId: string): string {
  return fullName('subscriptions', name, projectId)
}

/** The last segment of a full name, for messages to the user. */
export function shortName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
