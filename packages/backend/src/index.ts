/*
 * The demo Backstage backend: the minimum a portal needs to show the image
 * automation plugin working against a real catalog.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: the guest provider, so the demo needs no identity provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions: the allow-all policy, so every demo user may read every entity
// and press "Check now". A real portal installs its own policy here; the image
// automation plugin asks it for `catalog.entity.read` and
// `image-automation.entity.refresh` on each entity.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// Live updates and notifications: the image automation card reloads when its
// entity's status changes, and owners hear of written and declined updates.
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));

backend.add(import('@image-automation/plugin-image-automation-backend'));

backend.start();
