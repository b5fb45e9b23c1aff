export { GitlabHostAdapter } from './GitlabHostAdapter';
