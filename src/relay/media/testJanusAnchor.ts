import { afterAll, beforeAll } from 'vitest';
import { connectJanusAnchor, type JanusAnchor } from './janusAnchor';
import { startTestJanus, type TestJanus } from './testJanus';

/**
 * A test file's Janus and the anchor driving it: started before the file's tests, stopped after them. Kept apart
 * from testJanus.ts, which the e2e specs and benchmarks import without vitest.
 */
export function useTestJanusAnchor() {
  let janus: TestJanus | undefined;
  let anchor: JanusAnchor | undefined;
  let roomNo = 1000;
  beforeAll(async () => {
    janus = await startTestJanus();
    anchor = await connectJanusAnchor(janus.url, janus.access);
  }, 30_000);
  afterAll(async () => {
    await anchor?.close();
    await janus?.stop();
  });
  return {
    get anchor(): JanusAnchor {
      if (!anchor) throw new Error('the Janus anchor is not connected yet (beforeAll)');
      return anchor;
    },
    /** A room number not used before by this file's tests. */
    nextRoom: () => (roomNo += 1),
  };
}
