export {
  formatAbsoluteTime,
  formatAge,
  formatRelativeTime,
} from './relativeTime';
