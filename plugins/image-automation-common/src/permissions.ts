import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows a user to ask for an immediate check of one entity's images
 * ("Check now"). Scoped to catalog entities so a policy can grant it per
 * owner.
 * @public
 */
export const imageAutomationRefreshPermission = createPermission({
  name: 'image-automation.entity.refresh',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Every permission of this plugin, for the permission integration router. @public */
export const imageAutomationPermissions = [imageAutomationRefreshPermission];
