import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';

describe('MeiliError', () => {
  it.each([
    ['index_not_found', 404, 'invalid_request'],
    ['invalid_api_key', 403, 'auth'],
    ['missing_authorization_header', 401, 'auth'],
    ['invalid_search_limit', 400, 'invalid_request'],
    ['payload_too_large', 413, 'invalid_request'],
    ['invalid_content_type', 415, 'invalid_request'],
    ['internal', 500, 'internal'],
    ['miroir_log_unavailable', 503, 'system'],
  ])('%s renders with status %i and type %s', (code, status, type) => {
    const err = new MeiliError(code, 'x');
    expect(err.status).toBe(status);
    expect(err.toJSON()).toEqual({
      message: 'x',
      code,
      type,
      link: `https://docs.meilisearch.com/errors#${code}`,
    });
  });

  it('keeps a node error exactly as received', () => {
    const body = { message: 'm', code: 'some_code', type: 'system' as const, link: 'l' };
    const err = MeiliError.fromObject(body, 507);
    expect(err.status).toBe(507);
    expect(err.toJSON()).toMatchObject({ code: 'some_code', type: 'system' });
  });
});
