// A source's files: chosen from its unpacked package by path, read (gunzipping .gz and dictzip .dz), and handed
// to the extractor for their format.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isBoilerplatePath } from './boilerplate';
import { foldocToDocuments } from './foldoc';
import { htmlToParagraphs } from './html';
import { markdownToParagraphs } from './markdown';
import { ExtractedDocument } from './paragraph';
import { podToParagraphs } from './pod';
import { manToParagraphs } from './roff';
import { SourceSpec } from './sources';

/** Pages that documentation generators emit beside the documents: indexes, search, rendered sources, assets. */
const GENERATED_PATH =
  /(^|\/)(genindex[^/]*|search|py-modindex|np-modindex|modindex|_sources|_modules|_static|_images|_downloads|objects\.inv)(\/|\.html$|$)/;

/** Paths inside the package, sorted by code unit so the order is the same under every locale. */
export function selectFiles(root: string, source: SourceSpec): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative)).sort(compareCodeUnits)) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const stat = lstatSync(join(root, path));
      if (stat.isDirectory()) walk(path);
      // Symbolic links point into other packages (shared JavaScript) or repeat a file of this one.
      else if (stat.isFile() && wanted(path, source)) out.push(path);
    }
  };
  walk('');
  return out;
}

function wanted(path: string, source: SourceSpec): boolean {
  if (!source.include.test(path)) return false;
  if (source.exclude?.test(path) === true) return false;
  return !isBoilerplatePath(path) && !GENERATED_PATH.test(path);
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function readDocuments(root: string, path: string, source: SourceSpec): ExtractedDocument[] {
  let bytes = readFileSync(join(root, path));
  if (/\.(gz|dz)$/.test(path)) bytes = gunzipSync(bytes);
  const text = new TextDecoder('utf-8').decode(bytes);
  const name = path.replace(/\.(gz|dz)$/, '');
  if (/\.dict$/.test(name)) return foldocToDocuments(text).map((d) => ({ ...d, id: `${path}#${d.id}` }));
  if (/\.html?$/.test(name)) return [{ id: path, paragraphs: htmlToParagraphs(text, source.html) }];
  if (/\.md$/.test(name)) return [{ id: path, paragraphs: markdownToParagraphs(text) }];
  if (/\.pod$/.test(name)) return [{ id: path, paragraphs: podToParagraphs(text) }];
  if (/\/man\d\/[^/]+\.\d\w*$/.test(name)) return [{ id: path, paragraphs: manToParagraphs(text) }];
  throw new Error(`${source.package}: no extractor for ${path}`);
}
