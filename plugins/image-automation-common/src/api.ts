/** The body of `GET /api/image-automation/health`. @public */
export interface HealthResponse {
  status: 'ok';
}
