import { isUtf8 } from 'node:buffer';
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { badInput } from '../../kernel/errors.js';
import { comparePaths } from './model-manifest.js';

export interface ModelFile {
  /** POSIX path relative to the model folder: the manifest's resource name. */
  name: string;
  /** Absolute path on this machine. */
  path: string;
  size: number;
}

export interface ModelWalk {
  /** Absolute path of the model folder. */
  root: string;
  /** The folder's basename: the statement's subject name. */
  modelName: string;
  /** Every regular file, in manifest order. */
  files: ModelFile[];
}

/**
 * Lists a model folder the way model_signing's "files" serialization does:
 * every regular file below it, by relative POSIX path, in manifest order.
 * `ignorePaths` (relative POSIX paths, already normalized) are skipped with
 * everything below them, before any other check, as model_signing does.
 *
 * With allow_symlinks false, any symbolic link below the folder (to a file, to
 * a folder, dangling, inside or outside the model) is refused with bad_input
 * naming it; so are sockets, FIFOs and devices. The folder itself may be
 * reached through a symlink.
 */
export async function walkModel(dir: string, ignorePaths: readonly string[]): Promise<ModelWalk> {
  const root = resolve(dir);
  let rootStat: Awaited<ReturnType<typeof stat>>;
  try {
    rootStat = await stat(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw badInput(`model folder ${dir} does not exist`, { file: dir });
    throw badInput(`cannot open model folder ${dir}: ${(e as Error).message}`, { file: dir });
  }
  if (!rootStat.isDirectory())
    throw badInput(`${dir} is not a folder: attest-weights hashes a model folder`, { file: dir });

  const ignored = new Set(ignorePaths);
  const isIgnored = (rel: string): boolean => {
    if (ignored.has(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) {
      if (ignored.has(rel.slice(0, i))) return true;
    }
    return false;
  };

  const files: ModelFile[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    let raw: Dirent<Buffer>[];
    try {
      raw = await readdir(abs, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      throw badInput(`cannot list ${rel || '.'} in model folder ${dir}: ${(e as Error).message}`, {
        file: join(dir, rel),
      });
    }
    // Names are read as bytes: one that is not UTF-8 has no faithful manifest
    // name (model_signing's manifests are JSON text), so it is refused.
    const entries = raw.map((d) => {
      if (!isUtf8(d.name)) {
        const shown = d.name.toString('latin1').replace(/[^\x20-\x7e]/g, '?');
        throw badInput(`model folder ${dir} contains a name that is not valid UTF-8: ${rel ? `${rel}/` : ''}${shown}`, {
          file: join(dir, rel),
        });
      }
      return { entry: d, name: d.name.toString('utf8') };
    });
    // Entries in manifest order, and every task settled before any error is
    // raised, so the file named in an error does not depend on timing.
    entries.sort((a, b) => comparePaths(a.name, b.name));
    const tasks: Promise<void>[] = [];
    for (const { entry, name: base } of entries) {
      const name = rel ? `${rel}/${base}` : base;
      if (isIgnored(name)) continue;
      const entryAbs = join(abs, base);
      if (entry.isSymbolicLink()) {
        tasks.push(symlinkError(dir, name, entryAbs).then((e) => Promise.reject(e)));
      } else if (entry.isDirectory()) {
        tasks.push(visit(entryAbs, name));
      } else if (entry.isFile()) {
        tasks.push(
          lstat(entryAbs).then(async (st) => {
            if (st.isSymbolicLink()) throw await symlinkError(dir, name, entryAbs);
            if (!st.isFile())
              throw badInput(`model file ${name} changed while the folder was listed`, { file: entryAbs });
            files.push({ name, path: entryAbs, size: st.size });
          }),
        );
      } else {
        tasks.push(
          Promise.reject(
            badInput(`model folder ${dir} contains ${name}, which is neither a regular file nor a folder`, {
              file: entryAbs,
            }),
          ),
        );
      }
    }
    const failed = (await Promise.allSettled(tasks)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  await visit(root, '');

  files.sort((a, b) => comparePaths(a.name, b.name));
  return { root, modelName: basename(root) || root, files };
}

async function symlinkError(dir: string, name: string, abs: string) {
  const target = await readlink(abs).catch(() => undefined);
  const to = target === undefined ? '' : ` -> ${target}`;
  return badInput(
    `model folder ${dir} contains a symbolic link: ${name}${to} (symlinks are not allowed in an attested model)`,
    {
      file: abs,
    },
  );
}
