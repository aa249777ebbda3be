import { createDescriber } from '@/lib/intercept/describer';
import { DESCRIBER_GLOBAL } from '@/lib/intercept/describer-loader';

// The describing half of the content script, injected by the background (scripting.executeScript)
// into a frame's isolated world when the frame first holds something (entrypoints/interceptor.ts
// asks with a `describer` message). It runs once per frame and leaves itself where the
// interceptor finds it; the page's own world never sees it.
export default defineUnlistedScript(() => {
  const scope = globalThis as unknown as Record<string, unknown>;
  scope[DESCRIBER_GLOBAL] ??= createDescriber(window);
});
