import {
  formatAbsoluteTime,
  formatAge,
  formatRelativeTime,
} from '../../format';
import { useNow } from './useNow';

/**
 * A relative time ("5 minutes ago") that shows the exact time on hover and
 * re-renders as time passes. Both are in the browser's locale.
 */
export function Timestamp(props: { iso: string }) {
  const { iso } = props;
  const now = useNow();
  return (
    <time dateTime={iso} title={formatAbsoluteTime(iso)}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}

/** How long something has waited ("3 days"), kept current like {@link Timestamp}. */
export function Age(props: { since: string }) {
  const { since } = props;
  const now = useNow();
  return (
    <time dateTime={since} title={formatAbsoluteTime(since)}>
      {formatAge(since, now)}
    </time>
  );
}
