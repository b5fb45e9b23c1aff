import { HistoryEntry } from '@image-automation/plugin-image-automation-common';

/** One history entry as a sentence: what happened, to which image, with which tags. */
export function describeHistoryEntry(entry: HistoryEntry): string {
  const image = entry.imageName ? `${entry.imageName}: ` : '';
  const pr = entry.prNumber ? ` #${entry.prNumber}` : '';
  const tags = tagChange(entry);
  const detail = entry.detail ? ` — ${entry.detail}` : '';
  switch (entry.event) {
    case 'update-available':
      return `${image}${entry.toTag ?? 'a newer tag'} is available${
        entry.fromTag ? ` (Git has ${entry.fromTag})` : ''
      }${detail}`;
    case 'pr-opened':
      return `${image}opened pull request${pr}${tags}${detail}`;
    case 'pr-updated':
      return `${image}updated pull request${pr}${tags}${detail}`;
    case 'pr-closed':
      return `${image}closed pull request${pr}${detail}`;
    case 'declined':
      return `${image}pull request${pr} was closed without merging${detail}`;
    case 'pushed':
      return `${image}pushed${tags}${
        entry.commitSha ? ` in commit ${entry.commitSha.slice(0, 7)}` : ''
      }${detail}`;
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
