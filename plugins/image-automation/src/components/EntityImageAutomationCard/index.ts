export { EntityImageAutomationCard } from './EntityImageAutomationCard';
