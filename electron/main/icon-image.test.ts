import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, iconPng, renderIcon } from './icon-image.js';

/** Reads back the chunks of a PNG written by encodePng, checking every CRC. */
function readPng(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; data: Buffer }[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('ascii');
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

function pixel(rgba: Uint8Array, size: number, x: number, y: number) {
  const i = (Math.floor(y * size) * size + Math.floor(x * size)) * 4;
  return [...rgba.subarray(i, i + 4)];
}

describe('icon image', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes a valid RGBA PNG whose pixels decode back unchanged', () => {
    const size = 32;
    const pixels = renderIcon(size);
    const chunks = readPng(encodePng(size, size, pixels));
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]!.data;
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([32, 32, 8, 6]);
    const raw = inflateSync(chunks[1]!.data);
    expect(raw.length).toBe((size * 4 + 1) * size);
    expect(raw.subarray(1 + 5 * 4, 1 + 6 * 4)).toEqual(Buffer.from(pixels.subarray(5 * 4, 6 * 4)));
  });

  it('draws a transparent corner, an indigo tile, a white bubble and, with badge, a red dot', () => {
    const size = 128;
    const plain = renderIcon(size);
    expect(pixel(plain, size, 0.01, 0.01)[3]).toBe(0);
    const [r, g, b, a] = pixel(plain, size, 0.1, 0.5);
    expect(a).toBe(255);
    expect(b).toBeGreaterThan(r! + 100);
    expect(g).toBeLessThan(120);
    expect(pixel(plain, size, 0.3, 0.4)).toEqual([255, 255, 255, 255]);
    const badged = renderIcon(size, { badge: true });
    const [br, bg, bb] = pixel(badged, size, 0.8, 0.2);
    expect(br).toBeGreaterThan(200);
    expect(bg).toBeLessThan(100);
    expect(bb).toBeLessThan(100);
  });

  it('refuses silly sizes and mismatched buffers', () => {
    expect(() => iconPng(3)).toThrow(RangeError);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(RangeError);
  });
});
