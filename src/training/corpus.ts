import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Random } from '../model/random';
import { readTextFile } from './textContent';

/** Text files a corpus directory may hold; anything else in a directory is skipped. */
const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.rst', '.adoc', '.tex', '']);
/** A line holding only a form feed separates documents inside one file (the corpus builder's format). */
const DOCUMENT_SEPARATOR = /\n?^\f$\n?/m;

export interface Corpus {
  documents: string[];
  files: number;
  characters: number;
  /** Files of the directories that were binary or not UTF-8, each with why (a file named itself is an error). */
  skipped: string[];
}

/** Reads files and directories (recursively, text files only) in a stable order. */
export async function readCorpus(inputs: readonly string[]): Promise<Corpus> {
  const files: Array<{ file: string; named: boolean }> = [];
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => { throw new Error(`corpus path not found: ${input}`); });
    if (stat.isDirectory()) files.push(...(await listTextFiles(input)).map((file) => ({ file, named: false })));
    else files.push({ file: input, named: true });
  }
  if (files.length === 0) throw new Error(`no text files in ${inputs.join(', ')}`);
  const documents: string[] = [];
  const skipped: string[] = [];
  let characters = 0;
  for (const { file, named } of files) {
    let text: string;
    try {
      text = await readTextFile(file);
    } catch (error) {
      if (named) throw error;
      skipped.push((error as Error).message);
      continue;
    }
    for (const document of text.split(DOCUMENT_SEPARATOR)) {
      if (document.trim().length === 0) continue;
      documents.push(document);
      characters += document.length;
    }
  }
  return { documents, files: files.length - skipped.length, characters, skipped };
}

async function listTextFiles(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listTextFiles(full)));
    else if (entry.isFile() && TEXT_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

const SEGMENT_CHARACTERS = 4000;

/**
 * Holds out about `fraction` of the text for validation, seeded. The unit is a segment (a run of whole
 * paragraphs of about 4,000 characters) rather than a document, so that a corpus of one large file still
 * gets a validation split, while text is cut mid-paragraph only where a paragraph is longer than a segment.
 */
export function splitForValidation(documents: readonly string[], fraction: number, seed: number): { train: string[]; valid: string[] } {
  const random = new Random(seed);
  const train: string[] = [];
  const valid: string[] = [];
  for (const document of documents) {
    for (const segment of segments(document)) {
      (random.next() < fraction ? valid : train).push(segment);
    }
  }
  if (valid.length === 0 && train.length > 1) valid.push(train.pop()!);
  if (train.length === 0) throw new Error('the corpus is too small to hold out a validation split');
  return { train, valid };
}

function segments(document: string): string[] {
  const paragraphs = document.split(/(?<=\n\n)/).flatMap(piecesOf);
  const out: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    current += paragraph;
    if (current.length >= SEGMENT_CHARACTERS) { out.push(current); current = ''; }
  }
  if (current.trim().length > 0) out.push(current);
  return out;
}

/**
 * A paragraph longer than a segment (text without blank lines, a long line) in pieces of about a segment, each
 * ending after a line break or else a space where there is one: otherwise it would be one segment, and a corpus of
 * one such file all training or all validation.
 */
function piecesOf(paragraph: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (paragraph.length - start > SEGMENT_CHARACTERS) {
    const limit = start + SEGMENT_CHARACTERS;
    let end = paragraph.lastIndexOf('\n', limit - 1) + 1;
    if (end <= start) end = paragraph.lastIndexOf(' ', limit - 1) + 1;
    if (end <= start) end = limit;
    pieces.push(paragraph.slice(start, end));
    start = end;
  }
  pieces.push(paragraph.slice(start));
  return pieces;
}
