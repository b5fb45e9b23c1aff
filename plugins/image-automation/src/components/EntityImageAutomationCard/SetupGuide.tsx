import { ANNOTATIONS } from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeBlock } from './CodeBlock';

const SHORTHAND_EXAMPLE = `metadata:
  annotations:
    ${ANNOTATIONS.image}: ghcr.io/acme/payments-api
    ${ANNOTATIONS.policy}: "semver: >=1.4.0 <2.0.0"
    ${ANNOTATIONS.files}: deploy/prod/deployment.yaml`;

/** Explains how to turn image automation on, for entities without its annotations. */
export function SetupGuide() {
  return (
    <Box>
      <Typography variant="h6" component="h3" gutterBottom>
        No image automation for this entity
      </Typography>
      <Typography variant="body2" paragraph>
        Add the <code>{ANNOTATIONS.image}</code> annotation to this entity's
        catalog-info.yaml to keep its image tag up to date through pull
        requests. The policy decides which tags are allowed; the files are the
        manifests that hold the tag. For example:
      </Typography>
      <CodeBlock>{SHORTHAND_EXAMPLE}</CodeBlock>
      <Typography variant="body2">
        For several images, put the full configuration under{' '}
        <code>{ANNOTATIONS.config}</code> instead.
      </Typography>
    </Box>
  );
}
