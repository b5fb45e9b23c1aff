import { Content, Header, Page } from '@backstage/core-components';
import { ImageAutomationOverview } from './ImageAutomationOverview';

/** The overview as a full page with its own header, for the legacy frontend system. */
export function ImageAutomationPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Image automation"
        subtitle="Where every automated entity's container images stand"
      />
      <Content>
        <ImageAutomationOverview />
      </Content>
    </Page>
  );
}
