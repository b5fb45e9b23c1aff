import { EmptyState, InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATIONS,
  getImageAutomationAnnotations,
  hasImageAutomationAnnotations,
} from '@image-automation/plugin-image-automation-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';

const SETUP_EXAMPLE = `metadata:
  annotations:
    ${ANNOTATIONS.image}: ghcr.io/acme/payments-api
    ${ANNOTATIONS.policy}: "semver: >=1.4.0 <2.0.0"
    ${ANNOTATIONS.files}: deploy/prod/deployment.yaml`;

/** Shows the image automation settings of the current entity. */
export function EntityImageAutomationCard() {
  const { entity } = useEntity();

  if (!hasImageAutomationAnnotations(entity)) {
    return (
      <InfoCard title="Image automation">
        <EmptyState
          missing="field"
          title="No image automation for this entity"
          description={
            <>
              <Typography variant="body2" paragraph>
                Add the <code>{ANNOTATIONS.image}</code> annotation to this
                entity's catalog-info.yaml to keep its image tag up to date
                through pull requests, for example:
              </Typography>
              <pre>{SETUP_EXAMPLE}</pre>
            </>
          }
        />
      </InfoCard>
    );
  }

  return (
    <InfoCard title="Image automation">
      <Table size="small" aria-label="image automation annotations">
        <TableBody>
          {getImageAutomationAnnotations(entity).map(({ key, value }) => (
            <TableRow key={key}>
              <TableCell component="th" scope="row">
                {key.slice('image-automation/'.length)}
              </TableCell>
              <TableCell>
                <code>{value}</code>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
