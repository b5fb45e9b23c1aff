import { LoggerService } from '@backstage/backend-plugin-api';
import { HealthResponse } from '@image-automation/plugin-image-automation-common';
import express from 'express';
import Router from 'express-promise-router';

export interface RouterOptions {
  logger: LoggerService;
}

/** Turns HTTP requests into calls on the plugin's services. */
export async function createRouter(_options: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  return router;
}
