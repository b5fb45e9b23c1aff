import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { image } from '../../testing/fixtures';
import { ImageList } from './ImageList';

const DIGEST = `sha256:0123456789ab${'f'.repeat(52)}`;
const noLinks = {
  fileUrl: () => undefined,
  commitUrl: () => undefined,
  branchUrl: () => undefined,
};

async function renderExpanded(props: Parameters<typeof ImageList>[0]) {
  await renderInTestApp(<ImageList {...props} />);
  fireEvent.click(
    await screen.findByRole('button', {
      name: `Details of ${props.images[0].name}`,
    }),
  );
}

/** The value the details list shows for `term`. */
function detail(term: string): HTMLElement {
  const dt = screen.getByText(term).closest('dt')!;
  return dt.nextElementSibling as HTMLElement;
}

describe('ImageList: digests and push events', () => {
  it('shows the short digest of a pinned image, the full one on hover', async () => {
    await renderExpanded({
      images: [image({ digest: DIGEST })],
      wide: true,
      links: noLinks,
    });
    const shown = within(detail('Digest')).getByText('sha256:0123456789ab');
    expect(shown).toHaveAttribute('title', DIGEST);
  });

  it('shows no digest for an image that pins none', async () => {
    await renderExpanded({ images: [image({})], wide: true, links: noLinks });
    expect(screen.queryByText('Digest')).not.toBeInTheDocument();
  });

  it('shows the last push event and whether its scan is pending', async () => {
    const receivedAt = new Date(Date.now() - 30_000).toISOString();
    await renderExpanded({
      images: [
        image({
          lastPushEvent: {
            receivedAt,
            provider: 'distribution',
            tag: '1.5.0',
            pending: true,
          },
        }),
      ],
      wide: false,
      links: noLinks,
    });
    const push = detail('Last push event');
    expect(push).toHaveTextContent(/^1\.5\.0, .+ \(scan pending\)$/);
    expect(push.querySelector('time')).toHaveAttribute('dateTime', receivedAt);
  });
});
