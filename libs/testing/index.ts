export { missingService, testNatsUrl, testRedisUrl, uniquePrefix } from './services.js';
