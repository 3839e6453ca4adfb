// The manifest: what went into the corpus, under which licences, what was dropped and why, and checksums to tell
// one build from another. It holds no time stamps or machine details, so equal inputs give an equal manifest.
import { DropReason } from './filters';
import { Split } from './split';

export interface SourceRecord {
  package: string;
  version: string;
  architecture: string;
  debSha256: string;
  licence: string;
  note: string;
  /** Files read from the package's own file list. */
  files: number;
  /** Files not read because the source's maxWords was reached. */
  filesNotRead: number;
  documents: number;
  words: number;
  wordsBySplit: Record<Split, number>;
  paragraphs: { seen: number; kept: number; dropped: Partial<Record<DropReason, number>> };
  /** Whole documents left out to keep the source within its share of the corpus. */
  capped: { documents: number; words: number };
}

export interface OutputRecord {
  path: string;
  bytes: number;
  documents: number;
  paragraphs: number;
  words: number;
  sha256: string;
}

export interface Manifest {
  format: {
    encoding: 'utf-8';
    paragraphSeparator: string;
    documentSeparator: string;
    wordDefinition: string;
    documentOrder: string;
  };
  parameters: Record<string, unknown>;
  sources: SourceRecord[];
  totals: { documents: number; paragraphs: number; words: number; maxSourceShare: number };
  outputs: Record<Split, OutputRecord>;
  /** SHA-256 of the lines "<sha256>  <file>" for train, valid and test, as sha256sum prints them. */
  corpusSha256: string;
  excluded: { name: string; reason: string }[];
}
