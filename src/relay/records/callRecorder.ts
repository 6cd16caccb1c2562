import type { RecordEvent } from '../../shared/callRecords';
import type { TeamCall } from '../../shared/relayProtocol';

/** What the relay's parts use to keep call records, without waiting for Redis or PostgreSQL on the call's path. */
export interface CallRecorder {
  record(event: RecordEvent): void;
  customerCalls(customer: string, limit?: number): Promise<TeamCall[]>;
  /** The customers' survey ratings of these calls, only those rated for this agent, by call id. */
  ratingsFor(callIds: string[], agentId: string): Promise<Record<string, number>>;
}
