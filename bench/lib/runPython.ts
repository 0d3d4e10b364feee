import { spawn } from 'node:child_process';

/** Output of a Python baseline script: its JSON result, or why it could not run. */
export type PythonOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Returns the one-line reason for a script that stopped because a Python
 * package is not installed, or undefined when its stderr shows another error.
 */
export function missingModuleReason(stderr: string, python: string): string | undefined {
  const match = /^ModuleNotFoundError: No module named '([^']+)'/m.exec(stderr);
  if (match === null) return undefined;
  return `Python module '${match[1]}' is not installed for ${python}; install it with \`npm run bench:python-install\``;
}

/**
 * Runs a Python script that prints one JSON object on its last stdout line.
 * Its stderr goes to `log` line by line, except a traceback: that is held
 * back and logged at exit unless it only says that a module is missing, which
 * becomes a one-line reason. A non-zero exit becomes a reason. `env` is
 * added to this process's environment.
 */
export function runPython(
  python: string,
  script: string,
  args: readonly string[],
  log: (line: string) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<PythonOutcome> {
  return new Promise((resolve) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const traceback: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        if (traceback.length > 0 || line.startsWith('Traceback (most recent call last)')) traceback.push(line);
        else log(`  python: ${line}`);
      }
    });
    child.on('error', (error) => resolve({ ok: false, reason: `${python} failed to start: ${error.message}` }));
    child.on('close', (code) => {
      if (code !== 0) {
        const missing = missingModuleReason(stderr, python);
        if (missing !== undefined) {
          resolve({ ok: false, reason: missing });
          return;
        }
        for (const line of traceback) log(`  python: ${line}`);
        const lastLine = stderr.trim().split('\n').pop() ?? '';
        resolve({ ok: false, reason: `${script} exited with code ${code}: ${lastLine}` });
        return;
      }
      for (const line of traceback) log(`  python: ${line}`);
      const lines = stdout.trim().split('\n');
      try {
        resolve({ ok: true, result: JSON.parse(lines[lines.length - 1] ?? '') });
      } catch {
        resolve({ ok: false, reason: `${script} printed no JSON result line` });
      }
    });
  });
}
