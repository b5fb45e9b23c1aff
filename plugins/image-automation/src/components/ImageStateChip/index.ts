export { ImageStateChip } from './ImageStateChip';
export { STATE_LABELS } from './stateLabels';
