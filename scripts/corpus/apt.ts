// Fetches the named Debian packages and unpacks each into its own folder. The corpus reads a package's own file
// list (its .deb's data, which is what `dpkg -L` lists once installed) and never the machine's installed files, so
// it is the same on every machine that gets the same versions. Unpacking rather than `apt-get install` also keeps
// the build from pulling in what the documentation packages depend on (a JDK, a PostgreSQL server, a dictd daemon)
// and from needing root once apt's package lists are present.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FetchedPackage {
  package: string;
  version: string;
  architecture: string;
  /** SHA-256 of the .deb, as apt's signed index gives it and as checked after download. */
  sha256: string;
  /** Folder holding the package's files at their installed paths. */
  root: string;
}

interface Candidate {
  package: string;
  version: string;
  architecture: string;
  sha256: string;
}

export function fetchPackages(names: readonly string[], cacheDir: string, log: (line: string) => void): FetchedPackage[] {
  const debDir = join(cacheDir, 'debs');
  const unpackDir = join(cacheDir, 'packages');
  mkdirSync(debDir, { recursive: true });
  mkdirSync(unpackDir, { recursive: true });
  const candidates = candidateVersions(names, log);
  return names.map((name) => {
    const candidate = candidates.get(name);
    if (candidate === undefined) throw new Error(`apt knows no package ${name}`);
    const deb = join(debDir, `${name}_${candidate.version.replace(/:/g, '%3a')}_${candidate.architecture}.deb`);
    if (!existsSync(deb) || sha256File(deb) !== candidate.sha256) {
      log(`fetching ${name} ${candidate.version}`);
      const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
      execFileSync('apt-get', [...sandbox, 'download', '-q', `${name}=${candidate.version}`], { cwd: debDir, stdio: ['ignore', 'ignore', 'inherit'] });
      const got = sha256File(deb);
      if (got !== candidate.sha256) throw new Error(`${deb}: SHA-256 ${got}, apt's index says ${candidate.sha256}`);
    }
    const root = join(unpackDir, `${name}_${candidate.version.replace(/:/g, '%3a')}`);
    if (!existsSync(join(root, '.complete'))) {
      log(`unpacking ${name}`);
      const partial = `${root}.partial`;
      rmSync(partial, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      execFileSync('dpkg-deb', ['--extract', deb, partial], { stdio: ['ignore', 'ignore', 'inherit'] });
      writeFileSync(join(partial, '.complete'), `${candidate.sha256}\n`);
      renameSync(partial, root);
    }
    return { ...candidate, root };
  });
}

/** The versions apt would install now. Runs `apt-get update` once if the lists lack a package and we are root. */
function candidateVersions(names: readonly string[], log: (line: string) => void): Map<string, Candidate> {
  let found = aptCacheShow(names);
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        `apt's package lists do not know ${missing.join(', ')}. Refresh them as root (sudo apt-get update) ` +
          'and run npm run corpus again; nothing else needs root.',
      );
    }
    log(`apt lists lack ${missing.join(', ')}: running apt-get update`);
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
    found = aptCacheShow(names);
    const still = names.filter((n) => !found.has(n));
    if (still.length > 0) throw new Error(`no Debian package named ${still.join(', ')} in this machine's apt sources`);
  }
  return found;
}

function aptCacheShow(names: readonly string[]): Map<string, Candidate> {
  const found = new Map<string, Candidate>();
  for (const name of names) {
    let text: string;
    try {
      text = execFileSync('apt-cache', ['show', '--no-all-versions', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue;
    }
    const field = (key: string): string | undefined => new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1].trim();
    const version = field('Version');
    const architecture = field('Architecture');
    const sha256 = field('SHA256');
    if (version !== undefined && architecture !== undefined && sha256 !== undefined) {
      found.set(name, { package: name, version, architecture, sha256 });
    }
  }
  return found;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
