import { useEffect, useState } from 'react';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';

// Pictures are read straight from IndexedDB: runtime messages cannot carry Blobs.
let store: Promise<ActionStore> | null = null;
const screenshots = () => (store ??= openCountersignDb(undefined, undefined, { yieldToUpgrades: true }).then((db) => new ActionStore(db)));

/** An object URL for the action's screenshot, revoked when the card goes away. */
export function useScreenshot(id: string, captured: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!captured) return;
    let objectUrl: string | null = null;
    let live = true;
    void screenshots()
      .then((s) => s.screenshot(id))
      .then((shot) => {
        if (!shot || !live) return;
        objectUrl = URL.createObjectURL(shot.blob);
        setUrl(objectUrl);
      });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [id, captured]);
  return url;
}
