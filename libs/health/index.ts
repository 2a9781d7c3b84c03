export {
  DEFAULT_THRESHOLDS,
  initialHealth,
  nextHealth,
  type HealthStep,
  type HealthThresholds,
  type HealthState,
  type ProbeResult,
  type Transition,
} from './health-machine.js';
