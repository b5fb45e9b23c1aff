import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  EntityImageAutomation,
  hasImageAutomationAnnotations,
  imageAutomationRefreshPermission,
} from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../errorMessage';
import { Timestamp } from '../Timestamp';
import { CheckNowButton } from './CheckNowButton';
import { ConfigProblems } from './ConfigProblems';
import { ImageStatusTable } from './ImageStatusTable';
import { SetupGuide } from './SetupGuide';
import { useEntityImageAutomation } from './useEntityImageAutomation';

const TITLE = 'Image automation';

/** Where the current entity's container images stand against their policies. */
export function EntityImageAutomationCard() {
  const { entity } = useEntity();
  if (!hasImageAutomationAnnotations(entity)) {
    return (
      <InfoCard title={TITLE}>
        <SetupGuide />
      </InfoCard>
    );
  }
  return <AutomatedEntityCard entityRef={stringifyEntityRef(entity)} />;
}

function AutomatedEntityCard(props: { entityRef: string }) {
  const { entityRef } = props;
  const automation = useEntityImageAutomation(entityRef);
  const refresh = usePermission({
    permission: imageAutomationRefreshPermission,
    resourceRef: entityRef,
  });

  return (
    <InfoCard
      title={TITLE}
      subheader={automation.result && <Subheader result={automation.result} />}
      action={
        refresh.allowed && (
          <Box pt={1} pr={1}>
            <CheckNowButton
              checking={automation.checking}
              onClick={automation.checkNow}
            />
          </Box>
        )
      }
    >
      {automation.checkError && (
        <Box mb={2}>
          <WarningPanel
            severity="error"
            title="The check failed"
            message={errorMessage(automation.checkError)}
            defaultExpanded
          />
        </Box>
      )}
      <CardContent
        loading={automation.loading}
        loadError={automation.loadError}
        result={automation.result}
      />
    </InfoCard>
  );
}

function CardContent(props: {
  loading: boolean;
  loadError?: Error;
  result?: EntityImageAutomation;
}) {
  const { loading, loadError, result } = props;
  if (result) {
    return <AutomationResult result={result} />;
  }
  if (loading) {
    return <Progress />;
  }
  if (loadError && isNotFound(loadError)) {
    return (
      <Typography variant="body2">
        Waiting for the first scan: the image automation backend has not
        checked this entity yet. It does so on its schedule, a few minutes
        after the entity appears in the catalog; press Check now to check at
        once.
      </Typography>
    );
  }
  if (loadError) {
    return (
      <ResponseErrorPanel error={loadError} title={errorMessage(loadError)} />
    );
  }
  return null;
}

function AutomationResult(props: { result: EntityImageAutomation }) {
  const { result } = props;
  return (
    <>
      {result.configProblems.length > 0 && (
        <ConfigProblems problems={result.configProblems} />
      )}
      {result.images.length > 0 ? (
        <ImageStatusTable images={result.images} />
      ) : (
        result.configProblems.length === 0 && (
          <Typography variant="body2">
            The entity's annotations name no images.
          </Typography>
        )
      )}
    </>
  );
}

const MODE_TEXT: Record<EntityImageAutomation['mode'], string> = {
  'pull-request': 'Updates through pull requests',
  push: 'Updates pushed to the branch',
  'push-branch': 'Updates pushed to a branch of their own',
  observe: 'Observing only, no updates written',
};

function Subheader(props: { result: EntityImageAutomation }) {
  const { result } = props;
  // One inline element: the card lays its subheader out as flex items, which
  // would drop the spaces between separate text nodes.
  return (
    <span>
      {MODE_TEXT[result.mode]}
      {result.repository && ` to ${result.repository}`}
      {result.lastCheckedAt && (
        <>
          {' · checked '}
          <Timestamp iso={result.lastCheckedAt} />
        </>
      )}
    </span>
  );
}

/** A 404 means the backend has no result for the entity yet, not a failure. */
function isNotFound(error: Error): boolean {
  return ResponseError.is(error)
    ? error.statusCode === 404
    : error.name === 'NotFoundError';
}
