/**
 * A small, strict XML reader for the tests (no parser is a dependency): elements, attributes, text
 * and the five predefined entities plus numeric references; throws on anything not well-formed
 * (mismatched or unclosed tags, bad attributes, stray `<` or `&`).
 */
export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(s: string, at: number): string {
  return s.replace(/&([^;&\s]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & at ${at}`)
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10))
    const v = ENTITIES[name]
    if (v === undefined) throw new Error(`unknown entity &${name}; at ${at}`)
    return v
  })
}

export function parseXml(xml: string): XmlElement {
  let i = 0
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }]
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const text = xml.slice(i, lt === -1 ? xml.length : lt)
    if (text.includes('>')) throw new Error(`stray > at ${i}`)
    stack.at(-1)!.text += decode(text, i)
    if (lt === -1) break
    i = lt
    if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2
    else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3
    else if (xml.startsWith('<!DOCTYPE', i)) i = xml.indexOf('>', i) + 1
    else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i)
      const name = xml.slice(i + 2, end).trim()
      const open = stack.pop()!
      if (open.name !== name) throw new Error(`</${name}> at ${i} closes <${open.name}>`)
      i = end + 1
    } else {
      const m = /^<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(
        xml.slice(i),
      )
      if (!m) throw new Error(`malformed tag at ${i}: ${xml.slice(i, i + 40)}`)
      const attrs: Record<string, string> = {}
      for (const a of m[2].matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} at ${i}`)
        attrs[a[1]] = decode(a[2] ?? a[3], i)
      }
      const el: XmlElement = { name: m[1], attrs, children: [], text: '' }
      stack.at(-1)!.children.push(el)
      if (!m[3]) stack.push(el)
      i += m[0].length
    }
    if (i <= 0) throw new Error('unterminated markup')
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`)
  const roots = stack[0].children
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.length}`)
  return roots[0]
}

/** Every element named `name` under `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e)
    e.children.forEach(walk)
  }
  walk(el)
  return out
}
