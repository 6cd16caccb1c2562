import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { startTestRedis, type TestRedis } from './testRedis';

export interface TestRedisCluster {
  nodes: { host: string; port: number }[];
  /** A client of the whole Cluster (ioredis sends each command to the node of its keys' slot). */
  client(): Cluster;
  stop(): Promise<void>;
}

/** Three throwaway redis-server primaries on loopback made one Redis Cluster (no replicas), the 16384 slots shared. */
export async function startTestRedisCluster(): Promise<TestRedisCluster> {
  const servers: TestRedis[] = [];
  const clients: Cluster[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < 3; i += 1) servers.push(await startTestRedis(['--cluster-enabled', 'yes']));
    const nodes = servers.map((s) => ({ host: '127.0.0.1', port: Number(new URL(s.url).port) }));
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const client = () => {
      const cluster = new Cluster(nodes, { clusterRetryStrategy: () => 100 });
      clients.push(cluster);
      return cluster;
    };
    const probe = client();
    const end = Date.now() + 10_000;
    while (!/cluster_state:ok/.test(await probe.cluster('INFO'))) {
      if (Date.now() > end) throw new Error('the Redis Cluster did not come up within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes, client, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
