import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import {
  ManifestChange,
  ManifestRewriteError,
  applyToDirectory,
} from '../../rewriting';
import { CliVerb } from './types';

const USAGE = 'apply --dir D --images JSON [--files F,…] [--json]';

/** `image-automation apply`: rewrites the manifests under a directory in place. */
export const applyVerb: CliVerb = {
  name: 'apply',
  usage: USAGE,
  summary:
    'rewrites the files under D that Flux would scan (*.yaml, *.yml, Kustomization); JSON maps policy name to new image ref; prints the change report',
  exitCodes: '0 done, 2 bad input',
  run: async (args, io) => {
    const fail = (message: string) => {
      io.stderr(`image-automation apply: ${message}\nUsage: image-automation ${USAGE}\n`);
      return 2;
    };
    let values: { dir?: string; images?: string; files?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          dir: { type: 'string' },
          images: { type: 'string' },
          files: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      return fail((error as Error).message);
    }
    if (!values.dir) return fail('--dir is required (the directory to rewrite)');
    if (values.images === undefined) {
      return fail('--images is required, e.g. --images \'{"flux-system:podinfo":"ghcr.io/stefanprodan/podinfo:6.5.0"}\'');
    }
    const images = parseImages(values.images);
    if (typeof images === 'string') return fail(images);
    const files = values.files
      ?.split(',')
      .map(f => f.trim())
      .filter(Boolean);

    try {
      const result = await applyToDirectory(resolve(io.cwd, values.dir), images, { files });
      for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
      for (const { file, reason } of result.skipped) {
        io.stderr(`note: skipped ${file}, which is not YAML (Flux skips such files too): ${reason}\n`);
      }
      io.stdout(values.json ? jsonReport(result.changes) : tableReport(result.changes));
      return 0;
    } catch (error) {
      if (error instanceof ManifestRewriteError) return fail(error.message);
      throw error;
    }
  },
};

/** The policy → image map, or why it is not one. */
function parseImages(text: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `--images is not valid JSON (${(error as Error).message}); expected an object like {"policy":"ghcr.io/acme/api:1.2.3"}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return '--images must be a JSON object mapping policy names to image references';
  }
  for (const [policy, ref] of Object.entries(parsed)) {
    if (typeof ref !== 'string') {
      return `--images: the value for ${JSON.stringify(policy)} must be an image reference string`;
    }
  }
  return parsed as Record<string, string>;
}

function jsonReport(changes: ManifestChange[]): string {
  const rows = changes.map(c => ({
    file: c.file,
    line: c.line,
    documentIndex: c.documentIndex,
    kind: c.kind,
    name: c.name,
    container: c.container,
    policy: c.policy,
    field: c.field,
    old: c.oldValue,
    new: c.newValue,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function tableReport(changes: ManifestChange[]): string {
  if (changes.length === 0) return 'No changes.\n';
  const header = ['FILE:LINE', 'OBJECT', 'POLICY', 'FIELD', 'OLD', 'NEW'];
  const rows = changes.map(c => [
    `${c.file}:${c.line}`,
    [c.kind && c.name ? `${c.kind}/${c.name}` : c.kind ?? c.name ?? `document ${c.documentIndex}`, c.container && `(${c.container})`]
      .filter(Boolean)
      .join(' '),
    c.policy,
    c.field,
    c.oldValue,
    c.newValue,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const files = new Set(changes.map(c => c.file)).size;
  return `${[header, ...rows].map(line).join('\n')}\n\n${changes.length} change(s) in ${files} file(s).\n`;
}
