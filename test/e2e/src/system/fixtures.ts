/*
 * What the whole-system suite automates: catalog entities (as the catalog
 * reads them from a local file) and the manifests in their Git repositories.
 * Each entity has its own image repository and Git repository, so every
 * scenario can be asserted on its own.
 */

export const OWNER = 'acme';
export const POLICY = 'semver: ^1.0.0';

/** The branch the plugin pushes an entity's updates to (SPEC: one per entity). */
export const branchOf = (name: string) =>
  `image-automation/component-default-${name}`;

/** A Deployment whose image line carries a Flux setter marker (full image ref). */
export function setterManifest(
  name: string,
  image: string,
  tag: string,
): string {
  return `# The ${name} deployment. Comments, 'quotes' and key order stay as they are.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}   # inline comment
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: ${name}
          image: "${image}:${tag}" # {"$imagepolicy": "${name}"}
          ports:
            - containerPort: 8080
`;
}

/** A Deployment without markers: the image is found by container name. */
export function containerManifest(
  name: string,
  image: string,
  tag: string,
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: busybox:1.36
      containers:
        - name: ${name}
          image: ${image}:${tag}
          args: ["--queue", "jobs"]
        - name: sidecar
          image: busybox:1.36
`;
}

/** A CronJob: the full-form entity's second image, found by container name. */
export function cronJobManifest(image: string, tag: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: billing-jobs
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: jobs
              image: ${image}:${tag}
          restartPolicy: OnFailure
`;
}

export interface ShorthandEntity {
  name: string;
  image: string;
  file: string;
  container?: string;
}

/** A component with the shorthand annotations (one image). */
export function shorthandEntity(entity: ShorthandEntity): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${entity.name}
  annotations:
    backstage.io/source-location: url:https://github.com/${OWNER}/${
    entity.name
  }/tree/main/
    image-automation/image: ${entity.image}
    image-automation/policy: '${POLICY}'
    image-automation/files: ${entity.file}
${
  entity.container
    ? `    image-automation/container: ${entity.container}\n`
    : ''
}spec:
  type: service
  lifecycle: production
  owner: guests
`;
}

/** The full form: two images of one component, one PR for both. */
export function billingEntity(apiImage: string, jobsImage: string): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations:
    backstage.io/source-location: url:https://github.com/${OWNER}/billing/tree/main/
    image-automation/config: |
      images:
        - name: billing-api
          image: ${apiImage}
          policy: { semver: { range: "^1.0.0" } }
          files: [deploy/values.yaml]
        - name: billing-jobs
          image: ${jobsImage}
          policy: { semver: { range: "^1.0.0" } }
          files: [deploy/jobs.yaml]
          container: jobs
spec:
  type: service
  lifecycle: production
  owner: guests
`;
}

/** Helm-style values: the repository and the tag each under their own setter. */
export function valuesManifest(
  name: string,
  image: string,
  tag: string,
): string {
  return `# Values for the ${name} chart.
image:
  repository: ${image} # {"$imagepolicy": "${name}:name"}
  tag: "${tag}" # {"$imagepolicy": "${name}:tag"}
  pullPolicy: IfNotPresent
`;
}
