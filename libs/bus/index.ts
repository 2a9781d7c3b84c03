export { EventBus, type BusOptions, type EventHandler } from './event-bus.js';
