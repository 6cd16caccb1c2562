import { describe, expect, it } from 'vitest';
import { AgentFacingError, agentSentence } from './agentErrors';

const graphFailure = (kind: string, message: string, code?: number) =>
  Object.assign(new Error(message), { kind, details: { code } });

describe('agent sentences', () => {
  it('never shows a host name, an HTTP status or a doubled prefix', () => {
    const offline = graphFailure(
      'network',
      'Could not reach the WhatsApp API for connect: getaddrinfo ENOTFOUND graph.facebook.com',
    );
    expect(agentSentence(offline)).toBe(
      'Could not reach WhatsApp: check this computer’s internet connection, then try again.',
    );
    const token = graphFailure('graph', 'WhatsApp rejected call_permissions: Invalid OAuth [HTTP 401, code 190]', 190);
    expect(agentSentence(token)).toContain('no longer accepts the phone’s access token');
    expect(agentSentence(token)).not.toMatch(/HTTP|call_permissions/);
  });

  it('names an unknown WhatsApp code without the raw text, and a timeout plainly', () => {
    expect(agentSentence(graphFailure('graph', 'weird [HTTP 500, code 1]', 1))).toBe(
      'WhatsApp refused the request (WhatsApp code 1): try again, and tell your administrator if it keeps happening.',
    );
    expect(agentSentence(graphFailure('timeout', 'WhatsApp did not answer connect within 10000 ms'))).toBe(
      'WhatsApp did not answer in time: try again in a moment.',
    );
  });

  it('keeps sentences written for the agent, and maps a code carried through the relay', () => {
    expect(agentSentence(new AgentFacingError('Another agent answered this call.'))).toBe(
      'Another agent answered this call.',
    );
    expect(agentSentence(new AgentFacingError('whatever the relay said', 138006))).toContain(
      'has not given permission to be called',
    );
    expect(agentSentence(new TypeError('Cannot read properties of undefined'))).toBe(
      'Something went wrong on this phone: try again; the details are in the log.',
    );
  });
});
