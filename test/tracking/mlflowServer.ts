import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MLFLOW = join(import.meta.dirname, '..', '..', '.cache', 'mlflow-venv', 'bin', 'mlflow');

/**
 * A real `mlflow server` for tests: SQLite backend and local artifact store in
 * a temporary directory, bound to 127.0.0.1 on a free port. `stop` and
 * `start` again keep the port and the data, as a restarted server would.
 */
export class MlflowTestServer {
  private process: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly directory: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<MlflowTestServer> {
    if (!existsSync(MLFLOW)) {
      throw new Error(`${MLFLOW} not found: install the MLflow server with scripts/install-mlflow.sh`);
    }
    const server = new MlflowTestServer(await mkdtemp(join(tmpdir(), 'newsrec-mlflow-')), await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(
      MLFLOW,
      [
        'server',
        '--host', '127.0.0.1',
        '--port', String(this.port),
        '--workers', '1',
        '--backend-store-uri', `sqlite:///${join(this.directory, 'mlflow.db')}`,
        '--artifacts-destination', join(this.directory, 'artifacts'),
      ],
      // Its own process group, so stop() ends the server and the workers it spawns.
      { cwd: this.directory, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process = child;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`mlflow server exited with code ${child.exitCode}:\n${this.output.slice(-3000)}`);
      }
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await this.stop();
    throw new Error(`mlflow server did not answer on ${this.url} within 120 s:\n${this.output.slice(-3000)}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child?.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(-child.pid, 'SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
    if (!killed) {
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** Finds a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
