/** The parts of `runtime.MessageSender` the trust checks read. */
export interface SenderInfo {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

/** Extension pages (side panel, options, also when opened as a tab) may decide; nothing else. */
export function isExtensionPage(sender: SenderInfo, extensionId: string, extensionOrigin: string): boolean {
  return sender.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin);
}

/** Content scripts run in a tab's frame and carry the page's URL, never the extension's. */
export function isContentScript(sender: SenderInfo, extensionId: string, extensionOrigin: string): boolean {
  return (
    sender.id === extensionId &&
    sender.tab?.id !== undefined &&
    sender.frameId !== undefined &&
    !(sender.url ?? '').startsWith(extensionOrigin)
  );
}
