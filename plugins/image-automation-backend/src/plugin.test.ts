import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { imageAutomationPlugin } from './plugin';

describe('imageAutomationPlugin', () => {
  it('answers /health without credentials', async () => {
    const { server } = await startTestBackend({
      features: [imageAutomationPlugin],
    });

    const response = await request(server).get('/api/image-automation/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});
