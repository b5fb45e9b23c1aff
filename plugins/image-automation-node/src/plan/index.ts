export { PlanError } from './PlanError';
export { RepositoryDir } from './RepositoryDir';
export { selectEntity, entityRefOf } from './selectEntity';
export { loadAutomation } from './loadAutomation';
export type { LoadedAutomation } from './loadAutomation';
export { loadAppConfig } from './loadAppConfig';
export { planAutomation } from './planAutomation';
export type { PlanResult, PlanRegistry } from './planAutomation';
export type { ImagePlan } from './decideImagePlan';
export {
  checkAuthorization,
  readWriteBackPermissions,
} from './checkAuthorization';
