import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src/util/atomicWrite';

describe('atomic file writes', () => {
  let directory: string;
  beforeEach(async () => { directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-atomic-')); });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it('writes a new file and replaces an old one, leaving nothing beside it', async () => {
    const target = path.join(directory, 'report.json');
    await writeFileAtomic(target, 'first');
    await writeFileAtomic(target, new TextEncoder().encode('second'));
    assert.equal(await fs.readFile(target, 'utf8'), 'second');
    assert.deepEqual(await fs.readdir(directory), ['report.json']);
  });

  it('a failed write or rename throws, keeps the old content and leaves no temporary file', async () => {
    const target = path.join(directory, 'report.json');
    await writeFileAtomic(target, 'old');
    // What the write is handed cannot be written (the stand-in for a full disk): the write itself fails.
    await assert.rejects(writeFileAtomic(target, 42 as unknown as string));
    assert.equal(await fs.readFile(target, 'utf8'), 'old');
    const occupied = path.join(directory, 'occupied');
    await fs.mkdir(occupied);
    await fs.writeFile(path.join(occupied, 'inside'), '');
    await assert.rejects(writeFileAtomic(occupied, 'new'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual((await fs.readdir(directory)).sort(), ['occupied', 'report.json']);
  });
});
