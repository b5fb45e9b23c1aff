import { Entity } from '@backstage/catalog-model';
import { SeedRepository } from './githubEmulatorProtocol';

/**
 * The benchmark fleet: 5,000 services over 1,000 image repositories × 100
 * tags, their manifests in 50 Git repositories of 100 files each, every file
 * with a setter marker, as a mid-sized organisation would have them.
 */
export const FLEET = {
  entities: 5_000,
  imageRepositories: 1_000,
  tagsPerRepository: 100,
  gitRepositories: 50,
  filesPerGitRepository: 100,
  gitOwner: 'acme',
} as const;

const pad = (n: number, width = 4) => String(n).padStart(width, '0');

/** `bench/app-0000` … `bench/app-0999`. */
export const imageRepositories = (): string[] =>
  Array.from(
    { length: FLEET.imageRepositories },
    (_, i) => `bench/app-${pad(i)}`,
  );

/** 1.0.0 … 1.9.9: a policy `^1.0.0` allows all, 1.9.9 is the latest. */
export const tags = (): string[] =>
  Array.from(
    { length: FLEET.tagsPerRepository },
    (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`,
  );

/** Where entity `index` lives: its name, image, Git repository and file. */
export function placement(index: number) {
  const git = Math.floor(index / FLEET.filesPerGitRepository);
  return {
    name: `svc-${pad(index)}`,
    imageRepository: `bench/app-${pad(index % FLEET.imageRepositories)}`,
    gitRepository: `deploy-${pad(git, 2)}`,
    file: `apps/svc-${pad(index)}/deployment.yaml`,
    // Half are on the latest tag already, half are behind.
    currentTag: index % 2 === 0 ? '1.9.9' : `1.${index % 9}.0`,
  };
}

function manifest(name: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: app
          image: ${image} # {"$imagepolicy": "${name}"}
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
        - name: metrics-sidecar
          image: registry.example.com/ops/exporter:3.1.0
`;
}

/** The Git repositories with every entity's manifest at its current tag. */
export function gitRepositories(registryHost: string): SeedRepository[] {
  const repositories = new Map<string, SeedRepository>();
  for (let index = 0; index < FLEET.entities; index++) {
    const where = placement(index);
    let repository = repositories.get(where.gitRepository);
    if (!repository) {
      repository = {
        owner: FLEET.gitOwner,
        name: where.gitRepository,
        files: {},
      };
      repositories.set(where.gitRepository, repository);
    }
    repository.files[where.file] = manifest(
      where.name,
      `${registryHost}/${where.imageRepository}:${where.currentTag}`,
    );
  }
  return [...repositories.values()];
}

/** The catalog: one Component per service, in the shorthand annotations. */
export function entities(
  registryHost: string,
  mode: (index: number) => 'observe' | 'pull-request' = () => 'observe',
): Entity[] {
  return Array.from({ length: FLEET.entities }, (_, index) =>
    fleetEntity(registryHost, index, mode(index)),
  );
}

/** Service `index` of the fleet as the catalog holds it. */
export function fleetEntity(
  registryHost: string,
  index: number,
  mode: 'observe' | 'pull-request' = 'observe',
): Entity {
  const where = placement(index);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: where.name,
      namespace: 'default',
      annotations: {
        'backstage.io/source-location': `url:https://github.com/${FLEET.gitOwner}/${where.gitRepository}/tree/main/`,
        // Registered from the repository it writes: allowed by default.
        'backstage.io/managed-by-location': `url:https://github.com/${FLEET.gitOwner}/${where.gitRepository}/blob/main/catalog-info.yaml`,
        'image-automation/image': `${registryHost}/${where.imageRepository}`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': where.file,
        'image-automation/mode': mode,
      },
    },
    spec: {
      type: 'service',
      owner: `group:default/team-${index % 40}`,
      lifecycle: 'production',
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/team-${index % 40}` },
    ],
  };
}

/** The fleet's index of `component:default/svc-0042`, or undefined. */
export function fleetIndexOf(entityRef: string): number | undefined {
  const match = /^component:default\/svc-(\d{4})$/.exec(entityRef);
  const index = match ? Number(match[1]) : NaN;
  return index < FLEET.entities ? index : undefined;
}
