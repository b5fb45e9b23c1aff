import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { scmIntegrationsApiRef } from '@backstage/integration-react';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ANNOTATIONS,
  EntityImageAutomation,
  GitHostKind,
  hasAutomationAnnotations,
  hasImageAutomationAnnotations,
  imageAutomationRefreshPermission,
  parseEntityAnnotations,
} from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import { ResponseError } from '@backstage/errors';
import Button from '@material-ui/core/Button';
import HistoryIcon from '@material-ui/icons/History';
import { useMemo, useState } from 'react';
import { Timestamp } from '../Timestamp';
import { CheckNowButton } from './CheckNowButton';
import { ConfigProblems } from './ConfigProblems';
import { HistoryTimeline } from './HistoryTimeline';
import { ImageList } from './ImageList';
import { LiveAnnouncer } from './LiveAnnouncer';
import { ScmLinks, scmLinksFor } from './scmLinks';
import { useCardWidth } from './useCardWidth';
import { useEntityImageAutomation } from './useEntityImageAutomation';

const TITLE = 'Image automation';
/** A stable hook for end-to-end tests and theming: MUI's generated class names change between builds. */
const CARD_CLASS = 'image-automation-card';

/** Where the current entity's container images stand against their policies. */
export function EntityImageAutomationCard() {
  const { entity } = useEntity();
  if (!hasAutomationAnnotations(entity)) {
    return (
      <InfoCard title={TITLE} className={CARD_CLASS}>
        <MissingAnnotationEmptyState
          annotation={[ANNOTATIONS.image, ANNOTATIONS.config]}
        />
      </InfoCard>
    );
  }
  if (!hasImageAutomationAnnotations(entity)) {
    // Only misspelt image-automation/ keys: the backend does not pick the
    // entity up, so the card reports the typos itself.
    return (
      <InfoCard title={TITLE} className={CARD_CLASS}>
        <ConfigProblems problems={parseEntityAnnotations(entity).problems} />
      </InfoCard>
    );
  }
  return <AutomatedEntityCard entity={entity} />;
}

function AutomatedEntityCard(props: { entity: Entity }) {
  const { entity } = props;
  const entityRef = stringifyEntityRef(entity);
  const automation = useEntityImageAutomation(entityRef);
  const refresh = usePermission({
    permission: imageAutomationRefreshPermission,
    resourceRef: entityRef,
  });
  const integrations = useApi(scmIntegrationsApiRef);
  const repository = automation.result?.repository;
  const links = useMemo(
    () => scmLinksFor(repository, entity, integrations),
    [repository, entity, integrations],
  );
  const { ref, wide } = useCardWidth();

  return (
    <InfoCard
      title={TITLE}
      className={CARD_CLASS}
      subheader={
        automation.result && (
          <Subheader result={automation.result} links={links} />
        )
      }
      action={
        <Box pt={1} pr={1}>
          <CheckNowButton
            permission={refresh}
            checking={automation.checking}
            onClick={automation.checkNow}
          />
        </Box>
      }
    >
      <div ref={ref}>
        <LiveAnnouncer result={automation.result} />
        <CardContent
          loading={automation.loading}
          loadError={automation.loadError}
          result={automation.result}
          mayCheck={refresh.allowed}
          wide={wide}
          links={links}
        />
        {automation.result && (
          <HistorySection
            entityRef={entityRef}
            version={automation.result}
            gitHost={automation.result?.gitHost}
          />
        )}
      </div>
    </InfoCard>
  );
}

function CardContent(props: {
  loading: boolean;
  loadError?: Error;
  result?: EntityImageAutomation;
  mayCheck: boolean;
  wide: boolean;
  links: ScmLinks;
}) {
  const { loading, loadError, result, mayCheck, wide, links } = props;
  if (result) {
    return (
      <>
        {result.configProblems.length > 0 && (
          <ConfigProblems problems={result.configProblems} />
        )}
        {result.images.length > 0 && (
          <ImageList images={result.images} wide={wide} links={links} />
        )}
        {result.images.length === 0 && result.configProblems.length === 0 && (
          <EmptyState
            missing="field"
            title="No images named"
            description={`The entity's annotations name no images: set ${ANNOTATIONS.image}, or list images under ${ANNOTATIONS.config}.`}
          />
        )}
      </>
    );
  }
  if (loading) {
    return <Progress />;
  }
  if (loadError && isNotFound(loadError)) {
    return (
      <EmptyState
        missing="data"
        title="Waiting for the first scan"
        description={`The image automation backend has not checked this entity yet. It does so on its schedule, a few minutes after the entity appears in the catalog${
          mayCheck ? '; press Check now to check sooner.' : '.'
        }`}
      />
    );
  }
  if (loadError) {
    return <ResponseErrorPanel error={loadError} />;
  }
  return null;
}

/** The timeline, folded away until asked for: most visits are about the current state. */
function HistorySection(props: {
  entityRef: string;
  version: unknown;
  gitHost?: GitHostKind;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Box mt={2}>
      <Button
        size="small"
        startIcon={<HistoryIcon />}
        aria-expanded={open}
        aria-controls={open ? 'image-automation-history' : undefined}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide history' : 'Show history'}
      </Button>
      {open && (
        <Box id="image-automation-history" mt={1}>
          <HistoryTimeline
            entityRef={props.entityRef}
            version={props.version}
            gitHost={props.gitHost}
          />
        </Box>
      )}
    </Box>
  );
}

const MODE_TEXT: Record<EntityImageAutomation['mode'], string> = {
  'pull-request': 'Updates through pull requests',
  push: 'Updates pushed to the branch',
  'push-branch': 'Updates pushed to a branch of their own',
  observe: 'Observing only, no updates written',
};

function Subheader(props: { result: EntityImageAutomation; links: ScmLinks }) {
  const { result, links } = props;
  // One inline element: the card lays its subheader out as flex items, which
  // would drop the spaces between separate text nodes.
  return (
    <span>
      {MODE_TEXT[result.mode]}
      {result.repository && (
        <>
          {' to '}
          {links.repositoryUrl ? (
            <Link to={links.repositoryUrl}>{result.repository}</Link>
          ) : (
            result.repository
          )}
        </>
      )}
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
