import { useLayoutEffect, useState } from 'react';

/** From this content width on, the card has room for a column per detail. */
export const WIDE_LAYOUT_MIN_WIDTH = 720;

/**
 * Whether the card is wide, measured on the card itself: the same viewport
 * holds the card at half width (`md=6`) on one page and at full width on
 * another, so media queries cannot tell. Without ResizeObserver (old
 * browsers, jsdom) the card keeps the narrow layout, which reads everywhere.
 */
export function useCardWidth() {
  const [element, ref] = useState<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    if (!element || typeof window.ResizeObserver === 'undefined')
      return undefined;
    const observer = new window.ResizeObserver(entries => {
      if (entries[0]) setWidth(entries[0].contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return { ref, wide: width >= WIDE_LAYOUT_MIN_WIDTH };
}
