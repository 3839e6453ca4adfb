#!/usr/bin/env node
// Draws media/icon.png (128x128): lines of text on a blue tile, the last one ending in a cursor followed by grey
// "ghost text". Plain Node (zlib for the PNG), 4x4 supersampling for smooth edges. Run: node media/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4;

// Shapes in icon pixels, painted in order: [x0, y0, x1, y1, radius, rgba]
const shapes = [
  [4, 4, 124, 124, 24, [0x1f, 0x4e, 0x8c, 255]], // tile
  [24, 30, 104, 42, 6, [0xf4, 0xf7, 0xfb, 255]], // text line
  [24, 54, 88, 66, 6, [0xf4, 0xf7, 0xfb, 255]], // text line
  [24, 78, 58, 90, 6, [0xf4, 0xf7, 0xfb, 255]], // text being typed
  [63, 72, 67, 96, 2, [0xff, 0xc8, 0x3d, 255]], // cursor
  [72, 78, 104, 90, 6, [0xa9, 0xb8, 0xcc, 190]], // ghost text
];

function inside([x0, y0, x1, y1, r], x, y) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS;
        const y = py + (sy + 0.5) / SS;
        // Premultiplied "over" compositing of the shapes covering this sample.
        let color = [0, 0, 0, 0];
        for (const shape of shapes) {
          if (!inside(shape, x, y)) continue;
          let [r, g, b, a] = shape[5];
          a /= 255;
          if (shape === shapes[0]) {
            // A gentle vertical gradient on the tile.
            const t = (y - 4) / 120;
            [r, g, b] = [r + (0x2f - r) * t, g + (0x7a - g) * t, b + (0xc4 - b) * t];
          }
          color = [r * a + color[0] * (1 - a), g * a + color[1] * (1 - a), b * a + color[2] * (1 - a), a + color[3] * (1 - a)];
        }
        sum = sum.map((v, i) => v + color[i]);
      }
    }
    const n = SS * SS;
    const alpha = sum[3] / n;
    const offset = (py * SIZE + px) * 4;
    for (let i = 0; i < 3; i++) rgba[offset + i] = alpha > 0 ? Math.round(sum[i] / n / alpha) : 0;
    rgba[offset + 3] = Math.round(alpha * 255);
  }
}

// PNG: signature, IHDR, IDAT (filter 0 per row), IEND.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('icon.png', import.meta.url);
writeFileSync(out, png);
console.log(`wrote ${out.pathname} (${png.length} bytes)`);
