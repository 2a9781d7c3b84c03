export {
  errorLink,
  MeiliError,
  statusOf,
  typeOf,
  type ErrorObject,
  type ErrorType,
} from './meili-error.js';
