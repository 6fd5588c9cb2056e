// One test file's dashboard: the web app built, the real server started and Chromium launched
// before its first test, all of it gone after its last. Node 20 starts a file's top-level
// `before` hooks together, without waiting for the one before, so a file's own set-up hook
// begins with `await app.ready()`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AdminApi, buildWeb, launchBrowser, requireChromium, screenshotDir, startServer, tempDir } from './harness.ts';
import type { RunningServer } from './harness.ts';

const ADMIN_PASSWORD = 'correct horse battery';

export interface DashboardSuiteOptions {
  /** Extra server environment, e.g. `{ DEMO_BOT: 'false' }`. */
  readonly env?: Record<string, string>;
  /** Set the admin password through POST /api/setup once the server is up (default true). */
  readonly setup?: boolean;
  /** Keep the data directory in the suite's hands, so a test can restart the server on it. */
  readonly ownDataDir?: boolean;
}

export class DashboardSuite {
  readonly admin = new AdminApi(() => this.server);
  private running: RunningServer | undefined;
  private chromium: Browser | undefined;
  private webDist = '';
  private starting: Promise<void> | undefined;
  /** The data directory when `ownDataDir` was asked for. */
  dataDir = '';

  constructor(private readonly name: string, private readonly options: DashboardSuiteOptions) {}

  get server(): RunningServer {
    assert.ok(this.running, 'the server is not running');
    return this.running;
  }

  /** A test that restarts the server hands the new one over here. */
  set server(server: RunningServer) {
    this.running = server;
  }

  get browser(): Browser {
    assert.ok(this.chromium, 'the browser is not running');
    return this.chromium;
  }

  get webDir(): string {
    return this.webDist;
  }

  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    return this.admin.call(method, path, body);
  }

  /** A screenshot in test-output/screenshots, named after the suite; the pointer moved out of the way first. */
  async shot(page: Page, name: string, options: { fullPage?: boolean; fromTop?: boolean } = {}): Promise<void> {
    const fullPage = options.fullPage ?? true;
    await page.mouse.move(1, 1);
    if (options.fromTop ?? false) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(screenshotDir(), `${this.name}-${name}.png`), fullPage });
  }

  /** Resolves once the server, the browser and (with `setup`) the admin session are there. */
  ready(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  private async start(): Promise<void> {
    requireChromium();
    this.webDist = tempDir(`mm-e2e-${this.name}-web-`);
    buildWeb(this.webDist);
    if (this.options.ownDataDir ?? false) this.dataDir = tempDir(`mm-e2e-${this.name}-data-`);
    this.running = await startServer({ webDist: this.webDist, ...(this.options.env ? { env: this.options.env } : {}), ...(this.dataDir ? { dataDir: this.dataDir } : {}) });
    this.chromium = await launchBrowser();
    if (this.options.setup ?? true) assert.equal((await this.api('POST', '/api/setup', { password: ADMIN_PASSWORD })).status, 200);
  }

  async stop(): Promise<void> {
    await this.chromium?.close();
    await this.running?.stop();
    if (this.webDist) rmSync(this.webDist, { recursive: true, force: true });
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Registers the suite's before and after hooks and returns it. */
export function dashboardSuite(name: string, options: DashboardSuiteOptions = {}): DashboardSuite {
  const suite = new DashboardSuite(name, options);
  before(() => suite.ready());
  after(() => suite.stop());
  return suite;
}
