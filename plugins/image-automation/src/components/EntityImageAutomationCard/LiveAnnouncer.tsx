import { EntityImageAutomation } from '@image-automation/plugin-image-automation-common';
import { useEffect, useRef, useState } from 'react';
import { visuallyHidden } from '../visuallyHidden';

/**
 * The card's one live region. It stays silent on the first load, where a
 * screen reader reads the card anyway, and announces what changed when a
 * check or a live update brings a new result.
 */
export function LiveAnnouncer(props: { result?: EntityImageAutomation }) {
  const { result } = props;
  const previous = useRef<EntityImageAutomation>();
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (!result) return;
    if (previous.current && previous.current !== result) {
      setMessage(`Image automation updated: ${describe(result)}`);
    }
    previous.current = result;
  }, [result]);
  return (
    <div role="status" aria-live="polite" style={visuallyHidden}>
      {message}
    </div>
  );
}

function describe(result: EntityImageAutomation): string {
  const errors = result.images.filter(i => i.state === 'error').length;
  const behind = result.images.filter(
    i => i.state === 'update-available' || i.state === 'pr-open',
  ).length;
  if (errors) return `${errors} of ${result.images.length} images in error`;
  if (behind) return `${behind} of ${result.images.length} images behind`;
  return 'all images up to date';
}
