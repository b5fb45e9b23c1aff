import { isFullSha, RefTransactionStep } from '../../git/BareRepository';
import { runGit } from '../../git/runGit';
import { EmulatedRepository } from '../model';
import { closePull } from '../operations';
import { GithubGraphqlError } from './errors';
import {
  GraphqlContext,
  repositoryByNodeId,
  requirePermission,
} from './context';

/** `RefUpdate` as GitHub's schema defines it. */
interface RefUpdate {
  name: string;
  afterOid: string;
  beforeOid?: string | null;
  force?: boolean | null;
}

interface UpdateRefsInput {
  repositoryId: string;
  refUpdates: RefUpdate[];
  clientMutationId?: string | null;
}

const ZERO_OID = '0000000000000000000000000000000000000000';

const rejected = (message: string) =>
  new GithubGraphqlError('UNPROCESSABLE', message);

async function isWellFormedRef(name: string): Promise<boolean> {
  if (!/^refs\/[^/]+\/.+/.test(name)) return false;
  const { exitCode } = await runGit(undefined, ['check-ref-format', name], {
    acceptExitCodes: [1],
  });
  return exitCode === 0;
}

/** Checks one update against the repository as it is now; returns the git transaction step. */
async function planStep(
  repo: EmulatedRepository,
  update: RefUpdate,
): Promise<RefTransactionStep> {
  const { name, afterOid } = update;
  const beforeOid = update.beforeOid ?? undefined;
  if (!(await isWellFormedRef(name))) {
    throw rejected(`${name} is not a valid ref name.`);
  }
  for (const oid of [afterOid, beforeOid]) {
    if (oid !== undefined && !isFullSha(oid)) {
      throw rejected(`${oid} is not a valid object id.`);
    }
  }
  const current = await repo.git.readRef(name);
  const deleting = afterOid === ZERO_OID;
  // beforeOid is the compare of compare-and-swap: zero means "must not exist yet".
  if (beforeOid !== undefined) {
    const expected = beforeOid === ZERO_OID ? undefined : beforeOid;
    if (current !== expected) {
      throw rejected(
        current
          ? `Could not update ${name}: it points at ${current}, not at ${beforeOid}.`
          : `Could not update ${name}: it does not exist.`,
      );
    }
  }
  if (deleting) {
    if (!current) {
      throw rejected(`Could not delete ${name}: it does not exist.`);
    }
  } else {
    const type = await repo.git.objectType(afterOid);
    if (!type || (name.startsWith('refs/heads/') && type !== 'commit')) {
      throw rejected(
        `Could not update ${name}: object ${afterOid} does not exist.`,
      );
    }
    if (
      current &&
      !update.force &&
      !(await repo.git.isAncestor(current, afterOid))
    ) {
      throw rejected(
        `Could not update ${name}: the update is not a fast forward; set force to overwrite.`,
      );
    }
  }
  const branch = name.replace(/^refs\/heads\//, '');
  if (name.startsWith('refs/heads/') && repo.isProtected(branch)) {
    throw rejected(`Protected branch update failed for ${name}.`);
  }
  return {
    ref: name,
    newSha: deleting ? undefined : afterOid,
    expected: current ?? null,
  };
}

/**
 * The `updateRefs` mutation: every update or none, each compared against `beforeOid` when given,
 * fast-forward only unless forced, a zero `afterOid` deleting the ref (which closes the open
 * pull requests from that branch, as deleting it over REST does).
 */
export async function updateRefs(
  ctx: GraphqlContext,
  input: UpdateRefsInput,
): Promise<{ clientMutationId: string | null }> {
  const repo = repositoryByNodeId(ctx, input.repositoryId);
  requirePermission(ctx, 'contents', 'write');
  if (input.refUpdates.length === 0) {
    throw rejected('refUpdates must name at least one ref.');
  }
  const names = input.refUpdates.map(u => u.name);
  if (new Set(names).size !== names.length) {
    throw rejected('refUpdates names a ref more than once.');
  }
  return repo.lock.run(async () => {
    const steps: RefTransactionStep[] = [];
    for (const update of input.refUpdates) {
      steps.push(await planStep(repo, update));
    }
    if (!(await repo.git.updateRefsAtomically(steps))) {
      throw rejected(
        'A ref moved while it was being updated; nothing was changed.',
      );
    }
    const deleted = steps.filter(
      s => s.newSha === undefined && s.ref.startsWith('refs/heads/'),
    );
    for (const step of deleted) {
      const branch = step.ref.replace(/^refs\/heads\//, '');
      for (const pull of repo.pulls) {
        if (pull.state === 'open' && pull.headRef === branch) {
          pull.closedHeadSha = step.expected ?? undefined;
          await closePull(repo, pull);
        }
      }
    }
    return { clientMutationId: input.clientMutationId ?? null };
  });
}
