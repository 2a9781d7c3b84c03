/** Scoped search keys: the rotation state machine as pure decisions (operations.md). */
export {
  liveBeacons,
  rotationStep,
  usableKey,
  type RotationPolicy,
  type RotationStep,
} from './rotation.js';
export {
  isNodeKeyBeacon,
  NODE_KEY_RECORD,
  nodeKeyBeaconPod,
  sealNodeKey,
  unsealNodeKey,
} from './node-key.js';
