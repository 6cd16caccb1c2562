import { loadSdpFixture } from '../../fixtures/load';

/** The secrets every relay test runs with, against the Graph API simulator. */
export const RELAY_TEST_SECRETS = {
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'relay-verify-token',
  accessToken: 'EAAGrelayAccessToken0123456789',
  phoneNumberId: '100200300',
  agentSecret: 'agent-signing-secret',
};

/** Meta's documented answer SDP, accepted by the simulator's checks. */
export const TEST_ANSWER_SDP = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');
