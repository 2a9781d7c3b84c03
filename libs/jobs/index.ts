export {
  JobQueues,
  redisConnection,
  type JobHandler,
  type JobQueuesOptions,
  type WorkerOptions,
} from './job-queues.js';
