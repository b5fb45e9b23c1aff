import {
  type AutomationSpec,
  parseImageReference,
  repositoryOf,
} from '@image-automation/plugin-image-automation-common';
import type {
  FluxTemplateData,
  ManifestChange,
} from '@image-automation/plugin-image-automation-node';
import { renderTemplate } from './renderTemplate';

/** Flux's `.Updated`/`.Changed` plus the entity, as Flux offers `.AutomationObject`. */
export type TemplateData = FluxTemplateData & { AutomationObject: string };

/** Marks commits as the plugin's own, so a person's push is told apart. */
export const ENTITY_TRAILER = 'Image-Automation-Entity';

const DEFAULT_COMMIT_TEMPLATE =
  'chore(images): update {{ range $i, $img := .Updated.Images }}{{ if $i }}, {{ end }}{{ $img.Name }} to {{ $img.NewTag }}{{ end }}';

/** The commit message: the user's template (or ours) and the entity trailer. */
export function commitMessage(
  spec: AutomationSpec,
  data: TemplateData,
): string {
  const text = renderTemplate(
    spec.git.commit?.messageTemplate ?? DEFAULT_COMMIT_TEMPLATE,
    data,
  ).trim();
  return `${text}\n\n${ENTITY_TRAILER}: ${data.AutomationObject}\n`;
}

export function hasEntityTrailer(message: string, entityRef: string): boolean {
  return message
    .split('\n')
    .some(line => line.trim() === `${ENTITY_TRAILER}: ${entityRef}`);
}

export function pullRequestTitle(
  spec: AutomationSpec,
  data: TemplateData,
): string {
  const template = spec.git.pullRequest?.titleTemplate;
  const title = template
    ? renderTemplate(template, data)
    : renderTemplate(DEFAULT_COMMIT_TEMPLATE, data);
  return title.split('\n')[0].trim().slice(0, 250);
}

/**
 * The pull request body: the user's template, or a table of changes with
 * links to the registry and to the entity in the portal.
 */
export function pullRequestBody(
  spec: AutomationSpec,
  data: TemplateData,
  changes: ManifestChange[],
  entityUrl: string | undefined,
): string {
  const template = spec.git.pullRequest?.bodyTemplate;
  if (template) return renderTemplate(template, data);
  const entity = entityUrl
    ? `[${data.AutomationObject}](${entityUrl})`
    : `\`${data.AutomationObject}\``;
  const rows = changes.map(
    change =>
      `| ${imageCell(change)} | \`${change.oldValue}\` | \`${
        change.newValue
      }\` | \`${change.file}:${change.line}\` |`,
  );
  return [
    `Image automation for ${entity} found newer allowed tags:`,
    '',
    '| Image | From | To | Where |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Only the image values above change; every other byte of the files is kept.',
    '',
    '<sub>Opened by Backstage Image Automation. A newer tag updates this pull request. ' +
      'If you push to this branch, the plugin stops updating it and leaves your commits alone.</sub>',
    '',
  ].join('\n');
}

function imageCell(change: ManifestChange): string {
  if (!change.image) return `\`${change.policy}\``;
  const name = repositoryOf(parseImageReference(change.image));
  const link = registryLink(name);
  return link ? `[${name}](${link})` : `\`${name}\``;
}

/** Tag pages of the public registries; private registries get no link. */
export function registryLink(repository: string): string | undefined {
  const [host, ...rest] = repository.split('/');
  const path = rest.join('/');
  if (host === 'docker.io') {
    return path.startsWith('library/')
      ? `https://hub.docker.com/_/${path.slice('library/'.length)}/tags`
      : `https://hub.docker.com/r/${path}/tags`;
  }
  if (host === 'ghcr.io') return `https://ghcr.io/${path}`;
  if (host === 'quay.io') return `https://quay.io/repository/${path}?tab=tags`;
  return undefined;
}
