/**
 * Writes the packaging icon (build/icon.png, 512×512; electron-builder derives the macOS
 * .icns and the Windows .ico from it) from the same drawing code the tray uses, so no image
 * tool (ImageMagick, Inkscape) is needed. Run: `npx tsx electron/tools/make-icons.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { iconPng } from '../main/icon-image.js';

const dir = fileURLToPath(new URL('../../build/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}icon.png`, iconPng(512));
console.log(`wrote ${dir}icon.png`);
