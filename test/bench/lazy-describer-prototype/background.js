// Injects the describer into the frame that asks, as the lazy design would on a frame's first hold.
chrome.runtime.onMessage.addListener((message, sender, respond) => {
  if (message?.type !== 'describer' || !sender.tab) return false;
  chrome.scripting
    .executeScript({ target: { tabId: sender.tab.id, frameIds: [sender.frameId ?? 0] }, files: ['describer.js'], injectImmediately: true })
    .then(() => respond({ ok: true }), (error) => respond({ ok: false, error: String(error) }));
  return true;
});
