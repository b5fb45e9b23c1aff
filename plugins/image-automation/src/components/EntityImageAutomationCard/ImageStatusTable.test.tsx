import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { image } from '../../testing/fixtures';
import { ImageStatusTable } from './ImageStatusTable';

const DIGEST = `sha256:0123456789ab${'f'.repeat(52)}`;

describe('ImageStatusTable: digests and push events', () => {
  it('shows the short digest of a pinned image, the full one on hover', async () => {
    await renderInTestApp(
      <ImageStatusTable images={[image({ digest: DIGEST })]} />,
    );
    const digest = await screen.findByText('@sha256:0123456789ab');
    expect(digest).toHaveAttribute('title', DIGEST);
  });

  it('shows no digest for an image that pins none', async () => {
    await renderInTestApp(<ImageStatusTable images={[image({})]} />);
    await screen.findByText('ghcr.io/acme/payments-api');
    expect(screen.queryByText(/@sha256:/)).not.toBeInTheDocument();
  });

  it('shows the last push event and whether its scan is pending', async () => {
    const receivedAt = new Date(Date.now() - 30_000).toISOString();
    await renderInTestApp(
      <ImageStatusTable
        images={[
          image({
            lastPushEvent: {
              receivedAt,
              provider: 'distribution',
              tag: '1.5.0',
              pending: true,
            },
          }),
        ]}
      />,
    );
    const row = (await screen.findByText('ghcr.io/acme/payments-api')).closest(
      'tr',
    )!;
    const push = within(row).getByText(/last push event/);
    expect(push).toHaveTextContent(
      /^last push event \(1\.5\.0\) .+, scan pending$/,
    );
    expect(push.querySelector('time')).toHaveAttribute('dateTime', receivedAt);
  });
});
