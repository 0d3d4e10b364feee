import { spawn } from 'node:child_process';

/** Output of a Python baseline script: its JSON result, or why it could not run. */
export type PythonOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Runs a Python script that prints one JSON object on its last stdout line.
 * Its stderr goes to `log` line by line; a non-zero exit becomes a reason.
 */
export function runPython(python: string, script: string, args: readonly string[], log: (line: string) => void): Promise<PythonOutcome> {
  return new Promise((resolve) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split('\n')) if (line.trim() !== '') log(`  python: ${line}`);
    });
    child.on('error', (error) => resolve({ ok: false, reason: `${python} failed to start: ${error.message}` }));
    child.on('close', (code) => {
      if (code !== 0) {
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        resolve({ ok: false, reason: `${script} exited with code ${code}: ${lastLine}` });
        return;
      }
      const lines = stdout.trim().split('\n');
      try {
        resolve({ ok: true, result: JSON.parse(lines[lines.length - 1] ?? '') });
      } catch {
        resolve({ ok: false, reason: `${script} printed no JSON result line` });
      }
    });
  });
}
