import { act, render, screen } from '@testing-library/react';
import { Timestamp } from './Timestamp';

describe('Timestamp', () => {
  afterEach(() => jest.useRealTimers());

  it('re-renders as time passes, without a new prop', () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-26T12:00:00Z') });
    render(<Timestamp iso="2026-11-26T11:59:00Z" />);
    expect(screen.getByText('1 minute ago')).toBeInTheDocument();
    act(() => {
      jest.advanceTimersByTime(5 * 60_000);
    });
    expect(screen.getByText('6 minutes ago')).toBeInTheDocument();
  });
});
