import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import type { Manifest } from './packages.ts'

export interface TarEntry {
  path: string
  data: Buffer
}

/**
 * Reads a .tgz as npm writes it (ustar, regular files only): enough to look inside a packed
 * package.
 */
export async function readTarball(
  file: string,
): Promise<{ files: TarEntry[]; manifest: Manifest }> {
  const tar = gunzipSync(await readFile(file))
  const files: TarEntry[] = []
  let offset = 0
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const name = field(0, 100)
    const prefix = field(345, 155)
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const path = prefix ? `${prefix}/${name}` : name
    if (type === '0' || type === '')
      files.push({ path, data: tar.subarray(offset + 512, offset + 512 + size) })
    offset += 512 + Math.ceil(size / 512) * 512
  }
  const manifestEntry = files.find((entry) => entry.path === 'package/package.json')
  if (!manifestEntry) throw new Error(`${file}: no package/package.json`)
  return { files, manifest: JSON.parse(manifestEntry.data.toString('utf8')) as Manifest }
}
