import { useEffect, useState } from 'react';
import { historyDb } from './historyDb';

/** An object URL for the action's screenshot, revoked when the card goes away. */
export function useScreenshot(id: string, captured: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!captured) return;
    let objectUrl: string | null = null;
    let live = true;
    void historyDb()
      .then((db) => db.get('screenshots', id))
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
