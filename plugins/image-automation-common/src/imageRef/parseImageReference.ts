import { describeInvalidTag } from '../tags/ociTag';
import { ImageReference, InvalidImageReferenceError } from './ImageReference';
import {
  DOCKER_HUB_REGISTRY,
  OFFICIAL_IMAGES_NAMESPACE,
  looksLikeRegistryHost,
  normaliseRegistry,
} from './dockerHub';
import {
  PATH_COMPONENT,
  describeInvalidDigest,
  describeInvalidDomain,
} from './grammar';

/** Longest name (registry and path, as written) the distribution grammar allows. */
export const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * Parses an image reference per the distribution reference grammar and
 * normalises it the way Docker does (`nginx` is `docker.io/library/nginx`,
 * `index.docker.io/…` is `docker.io/…`).
 *
 * @throws InvalidImageReferenceError saying what is wrong, with an example.
 * @public
 */
export function parseImageReference(ref: string): ImageReference {
  const fail = (problem: string): never => {
    throw new InvalidImageReferenceError(ref, problem);
  };
  if (ref.length === 0) fail('the reference is empty');
  if (ref.includes('://'))
    fail('it is a URL; leave out the scheme ("https://")');
  const unexpected = /[^A-Za-z0-9._\-/:@[\]]/.exec(ref);
  if (unexpected) {
    fail(
      `it contains ${JSON.stringify(
        unexpected[0],
      )}, which no part of a reference may contain`,
    );
  }

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestProblem = describeInvalidDigest(digest);
    if (digestProblem) fail(digestProblem);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !rest.slice(colon).includes(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    const tagProblem = describeInvalidTag(tag);
    if (tagProblem) fail(tagProblem);
  }

  const name = rest;
  if (name.length === 0) fail('the repository name is missing');
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    fail(
      `the name is ${name.length} characters long (at most ${NAME_TOTAL_LENGTH_MAX} allowed)`,
    );
  }

  let registry = DOCKER_HUB_REGISTRY;
  let repository = name;
  const slash = name.indexOf('/');
  if (slash !== -1 && looksLikeRegistryHost(name.slice(0, slash))) {
    registry = name.slice(0, slash);
    repository = name.slice(slash + 1);
    const domainProblem = describeInvalidDomain(registry);
    if (domainProblem) fail(domainProblem);
  }

  if (repository.length === 0)
    fail('the repository path is missing after the registry');
  for (const component of repository.split('/')) {
    if (component.length === 0)
      fail(
        'the repository path has an empty component ("//" or a trailing "/")',
      );
    if (component !== component.toLowerCase()) {
      fail(
        `the repository path must be lowercase (${JSON.stringify(component)})`,
      );
    }
    if (!PATH_COMPONENT.test(component)) {
      fail(
        `the path component ${JSON.stringify(
          component,
        )} is invalid (lowercase letters and digits, ` +
          'separated by one ".", "_", "__" or dashes)',
      );
    }
  }

  registry = normaliseRegistry(registry);
  if (registry === DOCKER_HUB_REGISTRY && !repository.includes('/')) {
    repository = `${OFFICIAL_IMAGES_NAMESPACE}/${repository}`;
  }

  const parsed: ImageReference = { registry, repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}
