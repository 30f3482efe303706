import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SluiceError } from '../../../kernel/errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** The starter project shipped with Sluice (examples/starter), found from src/ or dist/. */
export const STARTER_DIR = fileURLToPath(new URL('../../../../examples/starter', import.meta.url));
/** The JSON Schemas shipped with Sluice: in a project that installed it, node_modules/sluice/schemas. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas', import.meta.url));

/** What `.gitignore` must hold: the store, the audit signing key and the installed packages stay out of git. */
const IGNORED = ['.sluice/', 'node_modules/'];

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

const packageName = z.looseObject({ name: z.string().min(1) });

/** The project's name: its package.json name (without an npm scope), else its folder's name; lowercase, [a-z0-9._-]. */
export function projectName(dir: string): string {
  let name = basename(dir);
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const parsed = packageName.safeParse(JSON.parse(readFileSync(pkg, 'utf8')));
      if (parsed.success) name = parsed.data.name.replace(/^@[^/]+\//, '');
    } catch {
      // an unreadable package.json: the folder's name
    }
  }
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return clean || 'sluice-project';
}

/** `./node_modules/sluice/schemas/NAME` as seen from the project folder (a relative path, so the editor resolves it offline). */
function schemaPath(projectDir: string, name: string): string {
  if (existsSync(join(projectDir, 'node_modules', 'sluice', 'schemas', name)))
    return `./node_modules/sluice/schemas/${name}`;
  const rel = relative(projectDir, join(SCHEMAS_DIR, name)).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function tailor(projectDir: string, file: string, edit: (text: string) => string): void {
  const path = join(projectDir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/** Adds the lines `.gitignore` lacks; returns the ones added. */
function ignoreState(projectDir: string): string[] {
  const path = join(projectDir, '.gitignore');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '')));
  const missing = IGNORED.filter((l) => !have.has(l) && !have.has(l.replace(/\/$/, '')));
  if (missing.length > 0) {
    const sepLine = text === '' || text.endsWith('\n') ? '' : '\n';
    writeFileSync(path, `${text}${sepLine}${missing.join('\n')}\n`);
  }
  return missing;
}

export async function runInit(ctx: CliContext, opts: { force?: boolean }): Promise<number> {
  const dir = ctx.projectDir;
  const files = listFiles(STARTER_DIR).sort();
  const clashes = files.filter((f) => existsSync(join(dir, f)));
  if (clashes.length > 0 && !opts.force) {
    throw new SluiceError(
      'bad_usage',
      `${dir} already has ${clashes.join(', ')}; nothing was written (use --force to overwrite)`,
    );
  }
  const name = projectName(dir);
  const origin = `sluice.local/${name}`;
  cpSync(STARTER_DIR, dir, { recursive: true, force: true });
  tailor(dir, 'sluice.yaml', (t) =>
    t
      .replace(/\$schema=\S+/, `$schema=${schemaPath(dir, 'sluice.schema.json')}`)
      .replace(/^project: .*$/m, `project: ${name}`)
      .replace(/^audit: \{ origin: [^}]*\}$/m, `audit: { origin: ${origin} }`),
  );
  tailor(dir, 'release.yaml', (t) => t.replace(/\$schema=\S+/, `$schema=${schemaPath(dir, 'release.schema.json')}`));
  const ignored = ignoreState(dir);
  const written = [...files, ...(ignored.length > 0 ? ['.gitignore'] : [])].sort();
  ctx.print({ project: dir, name, origin, files: written }, () =>
    [
      `created the Sluice project ${name} in ${dir}:`,
      ...written.map((f) => `  ${f}`),
      '',
      'next:',
      '  npx sluice register release.yaml   # → sha256:…',
      '  npx sluice gate <id-prefix>',
      '  npx sluice roll <id-prefix>        # the first release becomes stable',
      '  npx sluice serve                   # then, in a second terminal, the Quick start in the README',
    ].join('\n'),
  );
  return EXIT.ok;
}
