/**
 * The graph pictures as a person would check them: the seed's LAX query and a 2-step traversal are
 * run on the live target, drawn as SVG by Graphviz (WebAssembly), parsed, and rasterised to PNG with
 * resvg; the labels must be there and the picture must not be blank. GraphML is parsed and its data
 * keys checked against the documents.
 */
import { Writable } from 'node:stream'

import { Resvg } from '@resvg/resvg-js'
import { beforeAll, describe, expect, it } from 'vitest'

import { executeQuery } from '../../../src/query/execute.js'
import type { Format } from '../../../src/query/format/index.js'
import { useTestTarget } from '../../helpers/target.js'
import { loadFixtures } from '../fixtures.js'
import { findAll, parseXml } from './xml.js'

class Capture extends Writable {
  text = ''
  override _write(chunk: unknown, _e: BufferEncoding, done: () => void): void {
    this.text += String(chunk)
    done()
  }
}

/** Pixel variance of an RGBA image's luminance: 0 for a blank (single-colour) picture. */
function variance(rgba: Uint8Array | Buffer): number {
  let sum = 0
  let sq = 0
  const n = rgba.length / 4
  for (let i = 0; i < rgba.length; i += 4) {
    const y = 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]
    sum += y
    sq += y * y
  }
  const mean = sum / n
  return sq / n - mean * mean
}

describe('graph pictures (svg, graphml) of query results', () => {
  const target = useTestTarget()
  beforeAll(async () => {
    await loadFixtures(target.db)
  })

  const draw = async (query: string, format: Format, label?: string): Promise<string> => {
    const out = new Capture()
    const err = new Capture()
    await executeQuery(target.db, { query, bindVars: {}, format, out, err, batchSize: 100, label })
    return out.text
  }

  const rasterise = (svg: string) => {
    const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render()
    return { width: png.width, height: png.height, pixels: png.pixels, png: png.asPng() }
  }

  it("draws the seed's LAX query (1..1 OUTBOUND from LAX) with every destination labelled by name", async () => {
    const names = (await (
      await target.db.query("FOR a IN 1..1 OUTBOUND 'airports/LAX' flights RETURN DISTINCT a.name")
    ).all()) as string[]
    const svg = await draw("FOR a, e, p IN 1..1 OUTBOUND 'airports/LAX' flights RETURN p", 'svg')
    const doc = parseXml(svg)
    expect(doc.name).toBe('svg')
    const labels = new Set(findAll(doc, 'text').map((t) => t.text))
    expect(labels.has('Los Angeles International')).toBe(true)
    for (const n of names) expect(labels, n).toContain(n)
    expect(findAll(doc, 'g').filter((g) => g.attrs.class === 'node')).toHaveLength(names.length + 1)
    const img = rasterise(svg)
    expect(img.width).toBeGreaterThan(100)
    expect(img.png.subarray(1, 4).toString()).toBe('PNG')
    expect(variance(img.pixels)).toBeGreaterThan(100)
  })

  it('draws a 2-step traversal, and --label picks the attribute shown', async () => {
    const query = "FOR v, e, p IN 2..2 OUTBOUND 'airports/BIS' flights LIMIT 5 RETURN p"
    const paths = (await (await target.db.query(query)).all()) as { vertices: { city: string }[] }[]
    const svg = await draw(query, 'svg', 'city')
    const labels = new Set(findAll(parseXml(svg), 'text').map((t) => t.text))
    for (const p of paths) for (const v of p.vertices) expect(labels).toContain(v.city)
    expect(variance(rasterise(svg).pixels)).toBeGreaterThan(100)
  })

  it('a blank picture has no variance (the check can fail)', () => {
    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"></svg>'
    expect(variance(rasterise(blank).pixels)).toBe(0)
  })

  it('--format graphml writes nodes and edges with the documents attributes as typed data keys', async () => {
    const xml = await draw("FOR v, e IN 1..1 OUTBOUND 'airports/BIS' flights RETURN {v, e}", 'graphml')
    const doc = parseXml(xml)
    expect(doc.name).toBe('graphml')
    const keys = new Map(findAll(doc, 'key').map((k) => [k.attrs.id, k.attrs]))
    const nodes = findAll(doc, 'node')
    const edges = findAll(doc, 'edge')
    const data = (el: (typeof nodes)[number]) =>
      Object.fromEntries(el.children.map((d) => [keys.get(d.attrs.key)!['attr.name'], d.text]))
    const direct = (await (
      await target.db.query("FOR v IN 1..1 OUTBOUND 'airports/BIS' flights RETURN DISTINCT v._id")
    ).all()) as string[]
    expect(nodes.length).toBe(direct.length + 1) // BIS, known as the edges' start
    const one = nodes.map(data).find((d) => d._id === direct[0])!
    const stored = await target.db.collection('airports').document(direct[0])
    expect(one).toMatchObject({ _key: stored._key, city: stored.city, label: stored.name })
    const latKey = [...keys.values()].find((k) => k['attr.name'] === 'lat' && k.for === 'node')
    expect(latKey?.['attr.type']).toBe('double')
    expect(edges.length).toBeGreaterThan(0)
    for (const e of edges) {
      expect(nodes.some((n) => n.attrs.id === e.attrs.source)).toBe(true)
      expect(nodes.some((n) => n.attrs.id === e.attrs.target)).toBe(true)
      expect(data(e)._from).toBe('airports/BIS')
    }
  })
})
