export { Age, Timestamp } from './Timestamp';
export { useNow } from './useNow';
