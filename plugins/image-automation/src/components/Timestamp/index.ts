export { Timestamp } from './Timestamp';
