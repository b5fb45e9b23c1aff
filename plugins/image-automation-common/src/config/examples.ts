/*
 * Correct values to copy, shown next to every problem. One line each, so a
 * problem stays one line in logs and CLI output.
 */
import { ANNOTATIONS } from '../annotations';

/** Examples for the shorthand annotations, written as the annotation line. */
export const SHORTHAND_EXAMPLES = {
  image: `${ANNOTATIONS.image}: ghcr.io/acme/payments-api`,
  policy: `${ANNOTATIONS.policy}: "semver: >=1.4.0 <2.0.0"`,
  filterTags: `${ANNOTATIONS.filterTags}: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$'`,
  filterExtract: `${ANNOTATIONS.filterExtract}: '$ts'`,
  files: `${ANNOTATIONS.files}: deploy/prod/deployment.yaml, deploy/prod/values.yaml`,
  container: `${ANNOTATIONS.container}: payments-api`,
  mode: `${ANNOTATIONS.mode}: pull-request`,
  minimumAge: `${ANNOTATIONS.minimumAge}: 2h`,
  allowDowngrade: `${ANNOTATIONS.allowDowngrade}: "true"`,
  interval: `${ANNOTATIONS.interval}: 30m`,
  config: `${ANNOTATIONS.config}: ./.backstage/image-automation.yaml`,
  repo: `${ANNOTATIONS.repo}: https://github.com/acme/payments`,
} satisfies Record<keyof typeof ANNOTATIONS, string>;

/** Examples for the full form's fields, written as YAML flow mappings. */
export const FULL_FORM_EXAMPLES = {
  root: 'images: [{ name: api, image: ghcr.io/acme/payments-api, policy: { semver: { range: ">=1.4.0 <2.0.0" } }, files: [deploy/prod/deployment.yaml] }]',
  image:
    '{ name: api, image: ghcr.io/acme/payments-api, policy: { semver: { range: ">=1.4.0 <2.0.0" } }, files: [deploy/prod/deployment.yaml] }',
  name: 'name: api',
  imageRef: 'image: ghcr.io/acme/payments-api',
  policy: 'policy: { semver: { range: ">=1.4.0 <2.0.0" } }',
  filterTags: `filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts' }`,
  files: 'files: [deploy/prod/deployment.yaml, deploy/prod/values.yaml]',
  container: 'container: api',
  minimumAge: 'minimumAge: 2h',
  allowDowngrade: 'allowDowngrade: true',
  digestReflectionPolicy: 'digestReflectionPolicy: IfNotPresent',
  newestBuild: 'policy: { newestBuild: { platform: linux/arm64 } }',
  interval: 'interval: 30m',
  git: 'git: { mode: pull-request, baseBranch: main }',
  mode: 'mode: pull-request',
  baseBranch: 'baseBranch: main',
  pushBranch: 'pushBranch: image-automation/payments',
  commit:
    'commit: { messageTemplate: "chore: update images", author: { name: image-automation, email: bot@example.com } }',
  messageTemplate: 'messageTemplate: "chore: update images"',
  author: 'author: { name: image-automation, email: bot@example.com }',
  pullRequest:
    'pullRequest: { title: "Update images", labels: [dependencies] }',
  labels: 'labels: [dependencies, images]',
} as const;
