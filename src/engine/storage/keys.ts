/**
 * Names, keys and revisions as ArangoDB 3.12 defines them (docs.arangodb.com 3.12:
 * concepts/data-structure/documents, .../collections#collection-names, .../databases#database-names).
 */
import { arangoError } from '../errors.js'

// ArangoDB's allowed key characters: letters, digits and _ - . @ ( ) + , = ; $ ! * ' % :
const KEY_RE = /^[A-Za-z0-9_\-.@()+,=;$!*'%:]{1,254}$/

/** True when `key` is a valid user-supplied `_key` (all allowed chars are ASCII, so length = bytes). */
export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_RE.test(key)
}

export function checkKey(key: unknown): string {
  if (!isValidKey(key)) throw arangoError('ARANGO_DOCUMENT_KEY_BAD')
  return key
}

// 3.12 extended names: no '/', ':', control characters, no leading/trailing space, no leading
// '.', '_' (except system collections) or digit.
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[/:\u0000-\u001f\u007f]/

function extendedNameOk(name: unknown, maxBytes: number, allowUnderscore: boolean): name is string {
  if (typeof name !== 'string' || name.length === 0) return false
  if (Buffer.byteLength(name) > maxBytes) return false
  if (BAD_CHARS.test(name)) return false
  if (name !== name.trim()) return false
  const c = name[0]
  if (c === '.' || (c >= '0' && c <= '9')) return false
  if (c === '_' && !allowUnderscore) return false
  if (name.normalize('NFC') !== name) return false
  return true
}

export function isValidCollectionName(name: unknown, isSystem = false): name is string {
  return extendedNameOk(name, 256, isSystem)
}

export function isValidDatabaseName(name: unknown): name is string {
  return name === '_system' || extendedNameOk(name, 128, false)
}

/** `_from` / `_to` must be `collection/key` with a valid collection name and key. */
export function isValidDocumentId(id: unknown): id is string {
  if (typeof id !== 'string') return false
  const slash = id.indexOf('/')
  if (slash <= 0) return false
  return isValidCollectionName(id.slice(0, slash), true) && isValidKey(id.slice(slash + 1))
}

// ArangoDB's revision alphabet: '-' < '_' < 'A'..'Z' < 'a'..'z' < '0'..'9' in revision order.
const REV_ALPHABET = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Hybrid logical clock like ArangoDB's: milliseconds << 20 | counter, encoded in 11 characters
 * (66 bits) so revisions of this process are strictly increasing and look like `_l6zhVTW--_`.
 */
export class RevisionClock {
  private lastMs = 0
  private counter = 0
  private prefix = ''

  /**
   * Make the next revision greater than `rev` (a revision written by another process in the same
   * millisecond, which this clock has not seen): a document's revisions must strictly increase.
   */
  witness(rev: string): void {
    if (rev.length !== 11) return
    let ms = 0
    for (let i = 0; i < 7; i++) {
      const d = REV_ALPHABET.indexOf(rev[i])
      if (d < 0) return
      ms = ms * 64 + d
    }
    const c7 = REV_ALPHABET.indexOf(rev[7])
    const c8 = REV_ALPHABET.indexOf(rev[8])
    const c9 = REV_ALPHABET.indexOf(rev[9])
    const c10 = REV_ALPHABET.indexOf(rev[10])
    if (c7 < 0 || c8 < 0 || c9 < 0 || c10 < 0) return
    // the 7 leading characters hold ms >> 4; c7 holds the low 4 bits of ms and 2 counter bits
    ms = ms * 16 + (c7 >> 2)
    const counter = ((c7 & 3) << 18) | (c8 << 12) | (c9 << 6) | c10
    if (ms > this.lastMs || (ms === this.lastMs && counter > this.counter)) {
      this.lastMs = ms
      this.counter = counter
      this.prefix = ''
    }
  }

  next(): string {
    const now = Date.now()
    if (now > this.lastMs) {
      this.lastMs = now
      this.counter = 0
      this.prefix = ''
    } else if (++this.counter >= 1 << 20) {
      this.lastMs++
      this.counter = 0
      this.prefix = ''
    }
    const ms = this.lastMs
    if (this.prefix === '') {
      let p = ''
      for (let shift = 40; shift >= 4; shift -= 6) p += REV_ALPHABET[Math.floor(ms / 2 ** shift) % 64]
      this.prefix = p
    }
    const c = this.counter
    return (
      this.prefix +
      REV_ALPHABET[((ms % 16) << 2) | (c >>> 18)] +
      REV_ALPHABET[(c >>> 12) & 63] +
      REV_ALPHABET[(c >>> 6) & 63] +
      REV_ALPHABET[c & 63]
    )
  }
}
