import {
  GitHostKind,
  HistoryEntry,
  changeRequestNoun,
  changeRequestReference,
} from '@image-automation/plugin-image-automation-common';

/**
 * One history entry as a sentence: what happened, to which image, with
 * which tags, in which commit. `host` names the change request as its host
 * does: pull request #12 on GitHub, merge request !12 on GitLab.
 */
export function describeHistoryEntry(
  entry: HistoryEntry,
  host?: GitHostKind,
): string {
  const image = entry.imageName ? `${entry.imageName}: ` : '';
  const noun = changeRequestNoun(host);
  const pr = entry.prNumber
    ? ` ${changeRequestReference(host, entry.prNumber)}`
    : '';
  const commit = entry.commitSha
    ? ` in commit ${entry.commitSha.slice(0, 7)}`
    : '';
  const tags = tagChange(entry);
  const detail = entry.detail ? ` — ${entry.detail}` : '';
  switch (entry.event) {
    case 'update-available':
      return `${image}${entry.toTag ?? 'a newer tag'} is available${
        entry.fromTag ? ` (Git has ${entry.fromTag})` : ''
      }${detail}`;
    case 'pr-opened':
      return `${image}opened ${noun}${pr}${tags}${detail}`;
    case 'pr-updated':
      return `${image}updated ${noun}${pr}${tags}${detail}`;
    case 'pr-closed':
      return `${image}closed ${noun}${pr}${detail}`;
    case 'declined':
      return `${image}${noun}${pr} was closed without merging${detail}`;
    case 'merged':
      return `${image}${noun}${pr} was merged${detail}`;
    case 'pushed':
      return `${image}pushed${tags}${commit}${detail}`;
    case 'branch-updated':
      return `${image}updated the branch${tags}${commit}${detail}`;
    case 'branch-edited':
      return `${image}someone else changed the update branch${detail}`;
    case 'error':
      return `${image}error${detail}`;
    case 'recovered':
      return `${image}working again${detail}`;
    default:
      return `${image}${entry.event}${detail}`;
  }
}

function tagChange(entry: HistoryEntry): string {
  if (entry.fromTag && entry.toTag) return ` ${entry.fromTag} → ${entry.toTag}`;
  if (entry.toTag) return ` to ${entry.toTag}`;
  return '';
}
