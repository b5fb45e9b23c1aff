export { createKeepAliveAgent, sendHttpRequest } from './nodeHttp';
