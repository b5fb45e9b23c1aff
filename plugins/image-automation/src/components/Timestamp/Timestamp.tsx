import { formatAbsoluteTime, formatRelativeTime } from '../../format';

/** A relative time ("5 minutes ago") that shows the exact time on hover. */
export function Timestamp(props: { iso: string }) {
  const { iso } = props;
  return (
    <time dateTime={iso} title={formatAbsoluteTime(iso)}>
      {formatRelativeTime(iso)}
    </time>
  );
}
