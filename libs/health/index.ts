export {
  DEFAULT_THRESHOLDS,
  initialHealth,
  next,
  type HealthStep,
  type HealthThresholds,
  type HealthState,
  type ProbeResult,
  type Transition,
} from './health-machine.js';
