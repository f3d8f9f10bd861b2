import { parseAccepted, type AcceptedResponse } from '../../src/api/accepted';
import { ResponseValidationError } from '../../src/api/errors';

const NOW = Date.parse('2025-11-14T20:29:21Z');

function accepted(overrides: Partial<AcceptedResponse>): AcceptedResponse {
  return {
    method: 'POST',
    path: '/v2/ControlPlane/Configurations',
    status: 202,
    origin: 'https://conversations.twilio.com',
    headers: {},
    body: {},
    now: NOW,
    ...overrides,
  };
}

describe('parseAccepted', () => {
  it('reads a Conversations 202: headers, statusUrl and related', () => {
    const statusUrl =
      'https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r';
    const result = parseAccepted(
      accepted({
        headers: {
          'operation-id': 'proc_job_01h9d8r0vte3hz8tykdj329t7r',
          'retry-after': '5',
          location: statusUrl,
        },
        body: { statusUrl, related: { configurationId: 'conv_configuration_01' } },
      }),
    );
    expect(result).toEqual({
      operationId: 'proc_job_01h9d8r0vte3hz8tykdj329t7r',
      statusUrl,
      retryAfterMs: 5_000,
      related: { configurationId: 'conv_configuration_01' },
      location: statusUrl,
    });
  });

  it("reads a Memory 202: message, no related, operation ID from the statusUrl's last segment", () => {
    const result = parseAccepted(
      accepted({
        origin: 'https://memory.twilio.com',
        path: '/v1/ControlPlane/Stores',
        body: {
          message: 'Memory Store creation accepted for processing.',
          statusUrl:
            'https://memory.twilio.com/v1/ControlPlane/Operations/proc_job_01kpttrkrnfjgvwjwcwggqdk96',
        },
      }),
    );
    expect(result).toEqual({
      operationId: 'proc_job_01kpttrkrnfjgvwjwcwggqdk96',
      statusUrl: 'https://memory.twilio.com/v1/ControlPlane/Operations/proc_job_01kpttrkrnfjgvwjwcwggqdk96',
      related: {},
      message: 'Memory Store creation accepted for processing.',
    });
  });

  it('falls back to Location when the body has no statusUrl, resolving a relative URL', () => {
    const result = parseAccepted(
      accepted({ headers: { location: '/v2/ControlPlane/Operations/proc_job_02' }, body: undefined }),
    );
    expect(result.statusUrl).toBe('https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_02');
    expect(result.operationId).toBe('proc_job_02');
    expect(result.related).toEqual({});
  });

  it('takes an HTTP-date Retry-After against the Date header, and drops junk', () => {
    const body = { statusUrl: 'https://conversations.twilio.com/v2/ControlPlane/Operations/p' };
    const dated = parseAccepted(
      accepted({
        body,
        headers: { 'retry-after': 'Fri, 14 Nov 2025 20:29:33 GMT', date: 'Fri, 14 Nov 2025 20:29:30 GMT' },
      }),
    );
    expect(dated.retryAfterMs).toBe(3_000);
    expect(parseAccepted(accepted({ body, headers: { 'retry-after': 'soon' } }))).not.toHaveProperty(
      'retryAfterMs',
    );
  });

  it('treats a null related as empty', () => {
    const body = {
      statusUrl: 'https://conversations.twilio.com/v2/ControlPlane/Operations/p',
      related: null,
    };
    expect(parseAccepted(accepted({ body })).related).toEqual({});
  });

  it.each([
    [{}, {}, 'neither accepted.statusUrl nor a Location header'],
    [
      { statusUrl: 'https://conversations.twilio.com/' },
      {},
      'neither an Operation-Id header nor an ID in statusUrl',
    ],
    [{ statusUrl: 5 }, {}, 'accepted.statusUrl: expected string, received number'],
    [
      { statusUrl: 'https://x/p', related: { configurationId: 1 } },
      {},
      'accepted.related.configurationId: expected string',
    ],
  ])('refuses an unusable 202 %#', (body, headers, problem) => {
    const run = () => parseAccepted(accepted({ body, headers }));
    expect(run).toThrow(ResponseValidationError);
    expect(run).toThrow(problem);
  });
});
