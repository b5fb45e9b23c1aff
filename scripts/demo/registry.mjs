#!/usr/bin/env node
/*
 * Pushes tiny OCI images to the sandbox registry through the registry's own
 * HTTP API (blob uploads and manifest PUTs, as `docker push` does), so the
 * demo needs no Docker. Each tag is a distinct image (its own digest), and
 * its config's `created` time follows the order tags are given in.
 *
 *   node scripts/demo/registry.mjs wait URL
 *   node scripts/demo/registry.mjs seed URL IMAGES_JSON
 *   node scripts/demo/registry.mjs push URL REPOSITORY TAG
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const sha256 = data =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A one-layer linux/amd64 image whose content names its repository and tag. */
function buildImage(repository, tag, created) {
  const layer = Buffer.from(`image-automation demo ${repository}:${tag}\n`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created,
      config: { Labels: { 'org.opencontainers.image.version': tag } },
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
      annotations: { 'org.opencontainers.image.created': created },
    }),
  );
  return { layer, config, manifest };
}

async function expectStatus(response, status, what) {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(
      `${what}: the registry answered HTTP ${response.status} ${text}`,
    );
  }
}

async function uploadBlob(url, repository, blob) {
  const digest = sha256(blob);
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  await expectStatus(start, 202, `start a blob upload to ${repository}`);
  const location = new URL(start.headers.get('location'), url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: blob,
  });
  await expectStatus(put, 201, `upload blob ${digest} to ${repository}`);
}

async function pushTag(url, repository, tag, created) {
  const image = buildImage(repository, tag, created);
  await uploadBlob(url, repository, image.layer);
  await uploadBlob(url, repository, image.config);
  const put = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST },
    body: image.manifest,
  });
  await expectStatus(put, 201, `put the manifest ${repository}:${tag}`);
  return sha256(image.manifest);
}

async function waitUntilUp(url) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/v2/`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`the registry at ${url} did not answer within 20 s`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function seed(url, imagesFile) {
  const images = JSON.parse(readFileSync(imagesFile, 'utf8'));
  // Old enough that no minimum-age holds a seeded tag back; one day apart.
  const firstDay = Date.parse('2024-06-01T00:00:00Z');
  for (const [repository, tags] of Object.entries(images)) {
    if (repository.startsWith('//')) continue;
    for (const [index, tag] of tags.entries()) {
      const created = new Date(firstDay + index * 86_400_000).toISOString();
      await pushTag(url, repository, tag, created);
    }
    process.stderr.write(`demo:   ${repository}: ${tags.join(' ')}\n`);
  }
}

const [verb, url, ...rest] = process.argv.slice(2);
try {
  if (verb === 'wait' && url) {
    await waitUntilUp(url);
  } else if (verb === 'seed' && url && rest.length === 1) {
    await seed(url, rest[0]);
  } else if (verb === 'push' && url && rest.length === 2) {
    const [repository, tag] = rest;
    const digest = await pushTag(
      url,
      repository,
      tag,
      new Date().toISOString(),
    );
    process.stdout.write(`${digest}\n`);
  } else {
    process.stderr.write(
      'usage: registry.mjs wait URL | seed URL IMAGES_JSON | push URL REPOSITORY TAG\n',
    );
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`demo: ${error.message}\n`);
  process.exit(1);
}
