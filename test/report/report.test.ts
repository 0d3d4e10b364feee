import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runDirectoryOf, writeTinyRecipe } from '../predict/tinyRun.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('run report', () => {
  let directory = '';

  beforeAll(async () => {
    const run = await runCli(['run', writeTinyRecipe('report')]);
    expect(run.stderr).toBe('');
    directory = runDirectoryOf(run.stdout);
  }, 240_000);

  it('writes every figure', () => {
    for (const figure of [
      'loss-post-train.png',
      'loss-distill-post-train.png',
      'loss-fine-tune-teachers.png',
      'loss-distill-fine-tune.png',
      'teacher-weights-distill-post-train.png',
      'teacher-weight-spread-distill-post-train.png',
      'teacher-weights-distill-fine-tune.png',
      'teacher-weight-spread-distill-fine-tune.png',
      'dev-metrics.png',
      'category-auc.png',
      'efficiency-parameters.png',
      'efficiency-news-per-second.png',
      'efficiency-scoring-ms-per-impression.png',
    ]) {
      const png = readFileSync(join(directory, 'report', figure));
      expect(png.subarray(1, 4).toString(), figure).toBe('PNG');
    }
  });

  it('shows the metrics of metrics.json', () => {
    const html = readFileSync(join(directory, 'report.html'), 'utf8');
    const final = JSON.parse(readFileSync(join(directory, 'metrics.json'), 'utf8')).evaluate;
    for (const model of ['distill-fine-tune.model', 'fine-tune-teachers.models[0]', 'fine-tune-teachers.models[1]']) {
      const row = new RegExp(`<tr><td>evaluate</td><td>${model.replace(/[.[\]]/g, '\\$&')}</td>((?:<td class="number">[^<]*</td>)+)</tr>`, 'g');
      const [metrics, efficiency] = [...html.matchAll(row)].map((match) => [...(match[1] as string).matchAll(/<td class="number">([^<]*)<\/td>/g)].map((cell) => cell[1]));
      expect(metrics, model).toEqual([
        final[`${model}/AUC`].toFixed(4),
        final[`${model}/MRR`].toFixed(4),
        final[`${model}/nDCG@5`].toFixed(4),
        final[`${model}/nDCG@10`].toFixed(4),
        String(final[`${model}/impressions`]),
      ]);
      expect(efficiency, model).toEqual([
        String(final[`${model}/parameters`]),
        String(final[`${model}/news_encoder_parameters`]),
        final[`${model}/news_per_second`].toFixed(1),
        final[`${model}/scoring_ms_per_impression`].toFixed(3),
      ]);
      expect(final[`${model}/category/sports/AUC`], model).toBeGreaterThan(0);
    }
  });

  it('regenerates with experiment report', { timeout: 60_000 }, async () => {
    const result = await runCli(['report', directory]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`report: ${join(directory, 'report.html')}`);
    expect(result.stdout).toContain(`figure: ${join(directory, 'report', 'category-auc.png')}`);
  });

  it('compares two runs', { timeout: 60_000 }, async () => {
    const result = await runCli(['compare', directory, directory]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('settings: all equal');
    expect(result.stdout).toMatch(/evaluate\/distill-fine-tune\.model\/AUC\s+0\.\d{4}\s+0\.\d{4}/);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium', { timeout: 60_000 }, async () => {
    // A fresh profile directory per test, so no earlier state or cached page is used.
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'newsrec-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const outside: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      // The report must not reach beyond its own file and data URIs.
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(join(directory, 'report.html')).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (elements) =>
        elements.map((element) => ({ file: element.getAttribute('data-file'), width: (element as HTMLImageElement).naturalWidth })),
      );
      expect(images.length).toBe(13);
      for (const image of images) expect(image.width, image.file ?? '').toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
