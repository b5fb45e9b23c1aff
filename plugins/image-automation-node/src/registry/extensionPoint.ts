import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { RegistryCredentialsProvider } from './auth/credentials';

/**
 * Lets backend modules add registry credential providers (ECR, GAR, ACR, or
 * an in-house one) to the image automation backend.
 *
 * @public
 */
export interface ImageAutomationRegistryAuthExtensionPoint {
  addProvider(provider: RegistryCredentialsProvider): void;
}

/**
 * @public
 */
export const imageAutomationRegistryAuthExtensionPoint =
  createExtensionPoint<ImageAutomationRegistryAuthExtensionPoint>({
    id: 'image-automation.registry-auth',
  });
