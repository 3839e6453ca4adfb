import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadReport, saveReport } from '../../src/provider/savedReport';
import { sampleReport } from './trainingReportSample';

describe('provider: the saved training report', () => {
  let dir: string;
  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-report-')); });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('round-trips a report, NaN and Infinity included, and a word that reads "NaN" stays a word', async () => {
    const report = sampleReport();
    assert.ok(Number.isNaN(report.result.training.history[0].trainLoss), 'the sample starts with step 0 (no training loss)');
    const withOddities = { ...report, result: { ...report.result, newWords: [...report.result.newWords, { word: 'NaN', count: 3 }], after: { ...report.result.after, perplexity: Infinity } } };
    const file = path.join(dir, 'models', 'training-report.json');
    await saveReport(file, withOddities);
    assert.deepEqual(await loadReport(file), withOddities);
    assert.deepEqual(await fs.readdir(path.dirname(file)), ['training-report.json'], 'no temporary file left');
  });

  it('none saved: undefined; a broken or foreign file: an error naming it', async () => {
    const file = path.join(dir, 'training-report.json');
    assert.equal(await loadReport(file), undefined);
    await fs.writeFile(file, '{"format": 1, "rep');
    await assert.rejects(loadReport(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
    await fs.writeFile(file, JSON.stringify({ format: 2, report: sampleReport() }));
    await assert.rejects(loadReport(file), /has format 2, not 1/);
    await fs.writeFile(file, JSON.stringify({ format: 1, report: { model: 'lstm' } }));
    await assert.rejects(loadReport(file), /does not hold a training report/);
  });
});
