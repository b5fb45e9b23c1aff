import { createRouteRef } from '@backstage/core-plugin-api';

/** The overview page. @public */
export const rootRouteRef = createRouteRef({ id: 'image-automation' });
